package io.tollgate;

import io.tollgate.chain.ChainConfig;
import io.tollgate.chain.ChainRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.tollgate.checkout.ChainHeads;
import io.tollgate.checkout.CheckoutOutcomes;
import io.tollgate.checkout.CommittedTransitions;
import io.tollgate.checkout.TransitionLog;
import io.tollgate.config.Settings;
import io.tollgate.db.DatabaseSettings;
import io.tollgate.webhook.WebhookOutbox;
import io.vertx.core.Vertx;
import io.vertx.micrometer.backends.BackendRegistries;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.time.Clock;
import java.util.List;

/**
 * What every module shares: the settings, the database (its settings for dedicated connections
 * and one pool), the clock, the configured chains, the heads each instance has heard of, and the
 * transition log every state change is written through (with the webhook outbox listening).
 */
record Foundation(Vertx vertx, Settings settings, DatabaseSettings db, Pool pool, int poolSize, Clock clock,
    ChainRegistry chains, ChainHeads heads, TransitionLog transitions, MeterRegistry meters) {

  static Foundation create(Vertx vertx, Settings settings, DatabaseSettings db) {
    Clock clock = Clock.systemUTC();
    int poolSize = settings.integer("database.pool-size", 16);
    Pool pool = PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(poolSize).setShared(false))
        .connectingTo(db.connectOptions())
        .using(vertx)
        .build();
    MeterRegistry meters = vertxMeters();
    // Every transition writes its webhook event and deliveries in its own transaction (the outbox),
    // and once committed is logged and counted.
    TransitionLog transitions = new TransitionLog(List.of(new WebhookOutbox(clock),
        new CommittedTransitions(new CheckoutOutcomes(meters, clock))));
    return new Foundation(vertx, settings, db, pool, poolSize, clock, ChainRegistry.fromSettings(settings),
        new ChainHeads(), transitions, meters);
  }

  /**
   * The registry Vert.x's metrics go to ({@link VertxRuntime}); without one (a Vert.x without
   * metrics, as in most tests) a registry that keeps nothing, so the code that counts needs no
   * null checks.
   */
  private static MeterRegistry vertxMeters() {
    MeterRegistry vertxRegistry = BackendRegistries.getDefaultNow();
    return vertxRegistry != null ? vertxRegistry : new CompositeMeterRegistry();
  }

  List<Long> chainIds() {
    return chains.all().stream().map(ChainConfig::chainId).toList();
  }
}
