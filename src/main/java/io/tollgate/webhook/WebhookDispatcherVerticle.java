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
 * connection was down, work left by a dispatcher that died). Rounds never overlap; a wake-up during
 * a round runs one more round after it, and a full batch is followed at once by the next.
 */
public final class WebhookDispatcherVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcherVerticle.class);

  /** @param lease how long a claimed delivery is hidden from other dispatchers (must exceed the timeout) */
  public record Options(Duration interval, int batchSize, Duration timeout, Duration lease) {}

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
    dispatcher = new WebhookDispatcher(pool, client, box, RetrySchedule.standard(), clock, options.lease(), metrics);
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

  private void wake() {
    if (running) {
      again = true;
      return;
    }
    running = true;
    again = false;
    dispatcher.runOnce(options.batchSize())
        .onFailure(e -> LOG.warn("webhook dispatch round failed: {}", e.toString()))
        .onComplete(done -> {
          running = false;
          if (again || (done.succeeded() && done.result() >= options.batchSize())) wake();
        });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    Future<Void> closing = subscriber == null ? Future.succeededFuture() : subscriber.close();
    return closing.compose(v -> client == null ? Future.succeededFuture() : client.close());
  }
}
