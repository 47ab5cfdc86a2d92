package io.tollgate;

import io.tollgate.chain.ChainConfig;
import io.tollgate.chain.ChainRegistry;
import io.tollgate.checkout.ChainHeads;
import io.tollgate.checkout.TransitionLog;
import io.tollgate.config.Settings;
import io.tollgate.db.DatabaseSettings;
import io.tollgate.webhook.WebhookOutbox;
import io.vertx.core.Vertx;
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
    ChainRegistry chains, ChainHeads heads, TransitionLog transitions) {

  static Foundation create(Vertx vertx, Settings settings, DatabaseSettings db) {
    Clock clock = Clock.systemUTC();
    int poolSize = settings.integer("database.pool-size", 16);
    Pool pool = PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(poolSize).setShared(false))
        .connectingTo(db.connectOptions())
        .using(vertx)
        .build();
    // Every transition writes its webhook event and deliveries in its own transaction (the outbox).
    TransitionLog transitions = new TransitionLog(List.of(new WebhookOutbox(clock)));
    return new Foundation(vertx, settings, db, pool, poolSize, clock, ChainRegistry.fromSettings(settings),
        new ChainHeads(), transitions);
  }

  List<Long> chainIds() {
    return chains.all().stream().map(ChainConfig::chainId).toList();
  }
}
