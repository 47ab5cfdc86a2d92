package io.tollgate.webhook;

import io.tollgate.db.DatabaseSettings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives {@link WebhookDispatcher}: a round on every {@code NOTIFY} {@value WebhookOutbox#CHANNEL}
 * (sent at the commit of a state change, a resend or a recover, so an event leaves within
 * milliseconds) and on a timer (retries that became due, notifications missed while the listening
 * connection was down, work left by a dispatcher that died). Rounds never overlap and never wait
 * for the attempts they start; a wake-up during a round runs one more round after it, a full claim
 * is followed at once by the next, and a finished attempt frees its place for the next claim.
 */
public final class WebhookDispatcherVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcherVerticle.class);

  /**
   * @param batchSize attempts this dispatcher has in flight at most
   * @param lease how long a claimed delivery is hidden from other dispatchers (must exceed the timeout)
   * @param perEndpoint attempts in flight to one endpoint at most, over all dispatchers
   */
  public record Options(Duration interval, int batchSize, Duration timeout, Duration lease, int perEndpoint) {
    public Options(Duration interval, int batchSize, Duration timeout, Duration lease) {
      this(interval, batchSize, timeout, lease, WebhookDispatcher.DEFAULT_PER_ENDPOINT);
    }
  }

  private final Pool pool;
  private final DatabaseSettings db;
  private final SecretBox box;
  private final EndpointUrlPolicy.Options urlOptions;
  private final Clock clock;
  private final Options options;
  private DeliveryClient client;
  private WebhookDispatcher dispatcher;
  private PgSubscriber subscriber;
  private long timer = -1;
  private boolean running;
  private boolean again;
  private int inFlight;

  private final WebhookMetrics metrics;

  public WebhookDispatcherVerticle(Pool pool, DatabaseSettings db, SecretBox box, EndpointUrlPolicy.Options urlOptions,
      Clock clock, Options options, WebhookMetrics metrics) {
    this.metrics = metrics;
    this.pool = pool;
    this.db = db;
    this.box = box;
    this.urlOptions = urlOptions;
    this.clock = clock;
    this.options = options;
  }

  @Override
  public Future<?> start() {
    client = new DeliveryClient(vertx, new EndpointUrlPolicy(EndpointUrlPolicy.HostResolver.system(vertx), urlOptions),
        clock, DeliveryClient.Options.defaults().withTimeout(options.timeout()));
    dispatcher = new WebhookDispatcher(pool, client, box, RetrySchedule.standard(), clock, options.lease(),
        options.perEndpoint(), metrics);
    subscriber = PgSubscriber.subscriber(vertx, db.connectOptions())
        .reconnectPolicy(retries -> retries < 1_000 ? Math.min(5_000L, 100L * (retries + 1)) : -1L);
    subscriber.channel(WebhookOutbox.CHANNEL)
        .subscribeHandler(v -> { // (re)subscribed: catch up with anything notified meanwhile
          // the connection drops and reconnects by itself; unhandled, the client prints each failure's stack trace
          if (subscriber.actualConnection() != null) {
            subscriber.actualConnection().exceptionHandler(e -> LOG.debug("outbox notification connection failed: {}", e.toString()));
          }
          wake();
        })
        .handler(payload -> wake());
    timer = vertx.setPeriodic(options.interval().toMillis(), tick -> wake());
    return subscriber.connect().onSuccess(v -> wake());
  }

  /**
   * A round claims what this dispatcher has room for and returns as soon as the sends have
   * started: one slow endpoint holds its own places (at most {@code perEndpoint}), never the round.
   * Each finished attempt frees a place and wakes the dispatcher again.
   */
  private void wake() {
    if (running) {
      again = true;
      return;
    }
    int room = options.batchSize() - inFlight;
    if (room <= 0) {
      again = true; // a finished attempt wakes us
      return;
    }
    running = true;
    again = false;
    dispatcher.start(room)
        .onSuccess(sends -> {
          inFlight += sends.size();
          for (Future<Void> send : sends) {
            send.onComplete(done -> {
              inFlight--;
              if (again) wake();
            });
          }
        })
        .onFailure(e -> LOG.warn("webhook dispatch round failed: {}", e.toString()))
        .onComplete(done -> {
          running = false;
          if (again || (done.succeeded() && done.result().size() >= room)) wake();
        });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    Future<Void> closing = subscriber == null ? Future.succeededFuture() : subscriber.close();
    return closing.compose(v -> client == null ? Future.succeededFuture() : client.close());
  }
}
