package io.tollgate;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tollgate.chain.EthRpc;
import io.tollgate.db.LeaderOnlyVerticle;
import io.tollgate.relay.PgRelayer;
import io.tollgate.relay.RelayEngineVerticle;
import io.tollgate.relay.Relayer;
import io.tollgate.relay.RelayerSettings;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Gasless relaying: the {@link Relayer} every instance accepts orders through, and per chain with a
 * relayer key one relay engine, run on exactly one instance (the holder of the chain's relay lock,
 * separate from its watcher's). Readiness reports each key's funds as a detail, never as not-ready:
 * direct payments work without a relayer.
 */
final class RelayModule {
  /** Added to the chain id for the relay leader's advisory lock, apart from the watcher's (the chain id). */
  static final int LOCK_OFFSET = 0x40000000;

  final PgRelayer relayer;
  private final Foundation f;
  private final RelayerSettings settings;
  private final RelayTelemetry telemetry;

  private RelayModule(Foundation f, RelayerSettings settings, PgRelayer relayer) {
    this.f = f;
    this.settings = settings;
    this.relayer = relayer;
    this.telemetry = new RelayTelemetry(f.meters());
  }

  static RelayModule create(Foundation f, Map<Long, EthRpc> rpc) {
    RelayerSettings settings = RelayerSettings.fromSettings(f.settings());
    return new RelayModule(f, settings, new PgRelayer(f.pool(), f.clock(), settings, rpc));
  }

  Module module() {
    List<Supplier<Future<String>>> deployments = new ArrayList<>();
    Map<String, Supplier<Future<?>>> readiness = new LinkedHashMap<>();
    Duration retry = Duration.ofMillis(f.settings().longValue("chain.leader-retry-ms", 5000));
    for (long chainId : relayer.chains()) {
      deployments.add(() -> f.vertx().deployVerticle(new LeaderOnlyVerticle(f.db(), (int) (LOCK_OFFSET + chainId),
          "chain " + chainId + " relayer",
          () -> new RelayEngineVerticle(relayer.engine(chainId, f.vertx(), telemetry), settings.tick()), retry)));
      readiness.put("relayer-" + chainId, () -> relayer.capacity(chainId).compose(c -> c.canPayNext()
          ? Future.succeededFuture(c)
          : Future.failedFuture("relayer " + c.relayer().orElse("-") + " cannot pay the next relay (balance "
              + c.balanceWei() + " wei, " + c.inFlight() + " in flight); gasless payments are refused")));
    }
    return new Module(deployments, readiness);
  }

  void registerMetrics(MeterRegistry registry) {
    for (long chainId : relayer.chains()) {
      String chain = Long.toString(chainId);
      String key = settings.chain(chainId).orElseThrow().address();
      Gauge.builder("tollgate.relay.balance.wei", relayer, r -> r.balanceWei(chainId))
          .description("the relayer key's native balance as last read (-1 before the first reading)")
          .tag("chain", chain).tag("relayer", key).register(registry);
      Gauge.builder("tollgate.relay.relays.left", relayer, r -> r.relaysPaid(chainId))
          .description("relays the relayer key's last read balance pays for at current fees")
          .tag("chain", chain).tag("relayer", key).register(registry);
      FunctionCounter.builder("tollgate.relay.balance.low", relayer, r -> r.lowBalanceWarnings(chainId))
          .description("low-balance warnings given to the operator (on the relay leader)")
          .tag("chain", chain).tag("relayer", key).register(registry);
    }
  }
}
