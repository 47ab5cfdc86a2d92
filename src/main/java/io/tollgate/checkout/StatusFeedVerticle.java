package io.tollgate.checkout;

import io.tollgate.db.DatabaseSettings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.pubsub.PgSubscriber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this instance's {@link StatusCache} and {@link ChainHeads} current from PostgreSQL
 * notifications, which every instance receives for every committed change. When the listening
 * connection drops, notifications may have been missed: on every (re)subscription the cache is
 * emptied and refills from the database on demand. Each snapshot is also copied to the
 * {@link SharedStatus}, for the polls of a PostgreSQL outage on any instance.
 */
public final class StatusFeedVerticle extends VerticleBase {
  static final String HEAD_CHANNEL = "chain_head";
  private static final Logger LOG = LoggerFactory.getLogger(StatusFeedVerticle.class);

  private final DatabaseSettings db;
  private final StatusCache cache;
  private final ChainHeads heads;
  private final java.util.function.Consumer<CheckoutStatus> onChange;
  private final Runnable onResubscribed;
  private PgSubscriber subscriber;
  /** Set by {@link #stop()}: the subscriber's close is then ours, not a lost feed. */
  private volatile boolean stopping;

  /**
   * @param onChange also told of every status change (thread-safe, must not block); the chain
   *     watchers use it to check a newly submitted payment without waiting for the next block
   */
  public StatusFeedVerticle(DatabaseSettings db, StatusCache cache, ChainHeads heads,
      java.util.function.Consumer<CheckoutStatus> onChange) {
    this(db, cache, heads, onChange, () -> { });
  }

  /**
   * @param onResubscribed told after each (re)subscription, once the cache was emptied: changes
   *     may have been missed while the connection was down (the live status streams catch up)
   */
  public StatusFeedVerticle(DatabaseSettings db, StatusCache cache, ChainHeads heads,
      java.util.function.Consumer<CheckoutStatus> onChange, Runnable onResubscribed) {
    this.db = db;
    this.cache = cache;
    this.heads = heads;
    this.onChange = onChange;
    this.onResubscribed = onResubscribed;
  }

  @Override
  public Future<?> start() {
    subscriber = PgSubscriber.subscriber(vertx, db.connectOptions())
        .reconnectPolicy(retries -> retries < 1_000 ? Math.min(5_000L, 100L * (retries + 1)) : -1L);
    subscriber.channel(StatusNotifications.CHANNEL)
        .subscribeHandler(v -> {
          quiet();
          cache.invalidateAll();
          onResubscribed.run();
        })
        .handler(this::onStatus);
    subscriber.channel(HEAD_CHANNEL).handler(this::onHead);
    subscriber.closeHandler(v -> {
      if (!stopping) LOG.error("status notifications stopped for good; polls fall back to the database");
    });
    return subscriber.connect();
  }

  /** The subscriber's connection drops and reconnects by itself; unhandled, the client prints each failure's stack trace. */
  private void quiet() {
    if (subscriber.actualConnection() != null) {
      subscriber.actualConnection().exceptionHandler(e -> LOG.debug("status notification connection failed: {}", e.toString()));
    }
  }

  private void onStatus(String payload) {
    try {
      CheckoutStatus status = CheckoutStatus.fromJson(new JsonObject(payload));
      cache.apply(status);
      cache.shared().publish(status, payload);
      onChange.accept(status);
    } catch (RuntimeException e) {
      LOG.warn("ignored a malformed status notification: {}", e.toString());
    }
  }

  private void onHead(String payload) {
    try {
      JsonObject head = new JsonObject(payload);
      heads.advance(head.getLong("chainId"), head.getLong("head"));
    } catch (RuntimeException e) {
      LOG.warn("ignored a malformed head notification: {}", e.toString());
    }
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    return subscriber == null ? Future.succeededFuture() : subscriber.close();
  }
}
