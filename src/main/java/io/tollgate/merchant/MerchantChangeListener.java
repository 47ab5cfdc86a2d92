package io.tollgate.merchant;

import io.tollgate.db.DatabaseSettings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.pgclient.pubsub.PgSubscriber;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens to {@link MerchantChanges} and evicts the changed merchant from the {@link
 * MerchantAuthenticator}'s cache. The cache is on only while this listens: a lost connection turns
 * it off (checked every {@code CHECK_MS}, and the subscriber reconnects by itself), a new
 * subscription turns it on again, emptied, since notifications sent meanwhile were lost.
 */
public final class MerchantChangeListener extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(MerchantChangeListener.class);
  private static final long CHECK_MS = 500;
  private final DatabaseSettings db;
  private final MerchantAuthenticator authenticator;
  private PgSubscriber subscriber;
  private long timer = -1;

  public MerchantChangeListener(DatabaseSettings db, MerchantAuthenticator authenticator) {
    this.db = db;
    this.authenticator = authenticator;
  }

  @Override
  public Future<?> start() {
    subscriber = PgSubscriber.subscriber(vertx, db.connectOptions())
        .reconnectPolicy(retries -> Math.min(5_000L, 100L * (retries + 1)));
    subscriber.channel(MerchantChanges.CHANNEL)
        .subscribeHandler(v -> {
          quiet();
          authenticator.listening(true);
        })
        .handler(payload -> {
          try {
            authenticator.evict(UUID.fromString(payload));
          } catch (IllegalArgumentException e) {
            authenticator.listening(true); // not ours to read: drop everything rather than guess
          }
        });
    timer = vertx.setPeriodic(CHECK_MS, id -> {
      if (subscriber.actualConnection() == null) authenticator.listening(false);
    });
    return subscriber.connect();
  }

  /**
   * The connection drops and reconnects by itself (the timer notices); unhandled, the SQL client
   * prints each failure to standard error, outside the log.
   */
  private void quiet() {
    if (subscriber.actualConnection() != null) {
      subscriber.actualConnection().exceptionHandler(e -> LOG.debug("merchant change notifications: connection failed: {}", e.toString()));
    }
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    authenticator.listening(false);
    return subscriber == null ? Future.succeededFuture() : subscriber.close();
  }
}
