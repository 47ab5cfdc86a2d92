package io.tollgate;

import io.tollgate.checkout.CheckoutPlanner;
import io.tollgate.checkout.CheckoutService;
import io.tollgate.checkout.CheckoutSettings;
import io.tollgate.checkout.CheckoutStatus;
import io.tollgate.checkout.ClientSecrets;
import io.tollgate.checkout.StatusCache;
import io.tollgate.checkout.StatusFeedVerticle;
import io.tollgate.checkout.StatusSubscriptions;
import io.tollgate.eventbus.Addresses;
import io.tollgate.payment.PaymentSubmitted;
import io.tollgate.pricing.FixedPriceOracle;
import io.tollgate.pricing.QuorumPriceOracle;
import io.vertx.core.eventbus.DeliveryOptions;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkouts: creation and quotes, client secrets, and the status cache every poll is answered
 * from, kept current by the status feed (PostgreSQL notifications). The feed also announces each
 * newly submitted payment as a {@link PaymentSubmitted} on the event bus, for the chain's watcher.
 */
final class CheckoutModule {
  private static final Logger LOG = LoggerFactory.getLogger(CheckoutModule.class);
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  final StatusCache statusCache;
  /** Live subscribers of checkouts' statuses (the server-sent events), fed by the status feed. */
  final StatusSubscriptions subscriptions;
  final ClientSecrets secrets;
  final CheckoutService checkouts;
  private final Foundation f;

  private CheckoutModule(Foundation f, StatusCache statusCache, ClientSecrets secrets, CheckoutService checkouts) {
    this.f = f;
    this.statusCache = statusCache;
    this.subscriptions = new StatusSubscriptions(f.vertx(), statusCache, f.heads(), f.clock());
    this.secrets = secrets;
    this.checkouts = checkouts;
  }

  static CheckoutModule create(Foundation f) {
    ClientSecrets secrets = new ClientSecrets(Base64.getDecoder().decode(Tollgate.required(f.settings(), "secrets.client-secret-key")));
    CheckoutService checkouts = new CheckoutService(f.pool(),
        new CheckoutPlanner(f.chains(), QuorumPriceOracle.fromSettings(f.vertx(), f.settings(), f.clock())
            .orElseGet(() -> FixedPriceOracle.fromSettings(f.settings(), f.clock())), f.clock(),
            CheckoutSettings.fromSettings(f.settings())),
        secrets, f.transitions(), f.settings().string("http.public-url", ""));
    return new CheckoutModule(f, new StatusCache(f.pool(), sharedStatus(f)), secrets, checkouts);
  }

  /**
   * With Redis, every snapshot is copied there for the polls of a PostgreSQL outage (issue 22): any
   * instance then answers any checkout, not only those its own cache holds. Its own small client:
   * a slow copy must not queue behind rate-limit decisions, nor they behind it.
   */
  private static io.tollgate.checkout.SharedStatus sharedStatus(Foundation f) {
    String url = f.settings().optional("redis.url");
    if (url == null) return io.tollgate.checkout.SharedStatus.NONE;
    io.vertx.redis.client.RedisOptions options = new io.vertx.redis.client.RedisOptions().setConnectionString(url)
        .setMaxPoolSize(4).setMaxPoolWaiting(1_000);
    options.getNetClientOptions().setReadIdleTimeout(f.settings().integer("redis.read-idle-timeout-seconds", 10))
        .setIdleTimeoutUnit(java.util.concurrent.TimeUnit.SECONDS);
    return new io.tollgate.checkout.RedisSharedStatus(f.vertx(), io.vertx.redis.client.Redis.createClient(f.vertx(), options),
        f.settings().string("redis.key-prefix", "tollgate:rl:"), f.clock(),
        Duration.ofMillis(f.settings().longValue("redis.status-timeout-ms", 500)));
  }

  /** The status feed first, so that no notification is missed. */
  Module module() {
    return Module.of(List.of(() -> f.vertx().deployVerticle(new StatusFeedVerticle(f.db(), statusCache, f.heads(),
        status -> {
          announceSubmitted(status);
          subscriptions.changed(status);
        }, subscriptions::resync))));
  }

  private void announceSubmitted(CheckoutStatus status) {
    CheckoutStatus.Payment payment = status.payment();
    if (payment == null || !"submitted".equals(payment.status())) return;
    f.vertx().eventBus().publish(Addresses.PAYMENT_SUBMITTED, new PaymentSubmitted(payment.chainId(), payment.id()), LOCAL);
  }

  /** Housekeeping once everything runs: finished checkouts leave the cache, old idempotency keys the database. */
  void startHousekeeping() {
    long keepMillis = Duration.ofHours(1).toMillis();
    f.vertx().setPeriodic(60_000, tick -> statusCache.evictFinished(f.clock().millis(), keepMillis));
    Duration retention = CheckoutSettings.fromSettings(f.settings()).idempotencyRetention();
    f.vertx().setPeriodic(3_600_000, tick -> checkouts.purgeIdempotencyKeys(retention)
        .onFailure(e -> LOG.warn("idempotency key purge failed: {}", e.toString())));
  }
}
