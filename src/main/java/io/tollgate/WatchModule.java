package io.tollgate;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tollgate.chain.ChainConfig;
import io.tollgate.watch.ChainWatcher;
import io.tollgate.watch.ChainWatcherVerticle;
import io.tollgate.chain.JsonRpcClient;
import io.tollgate.checkout.HeadNotifier;
import io.tollgate.db.LeaderOnlyVerticle;
import io.tollgate.db.LeadershipChanged;
import io.tollgate.eventbus.Addresses;
import io.tollgate.payment.EventBusVerdictSink;
import io.tollgate.payment.BalanceDiffSource;
import io.tollgate.payment.PaymentVerifier;
import io.tollgate.payment.PgActivePayments;
import io.vertx.core.Future;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.time.Instant;
import io.tollgate.chain.HeadListener;
import java.util.function.Supplier;

/**
 * Chain watching: one watcher per chain, run on exactly one instance (the holder of the chain's
 * advisory lock); the others stand by and take over if it dies. The watchers hear of submitted
 * payments and of leadership changes only through typed event-bus messages.
 */
final class WatchModule {
  final List<ChainWatcher> watchers;
  private final Foundation f;
  /** Per chain: 1 while this instance leads its watcher, fed by {@link LeadershipChanged}; read by a gauge. */
  private final Map<Long, AtomicInteger> leading;
  /** Per chain: the block time of the last head this instance's watcher processed, for the lag gauge. */
  private final Map<Long, AtomicReference<Instant>> lastHeadTime;

  private WatchModule(Foundation f, List<ChainWatcher> watchers, Map<Long, AtomicInteger> leading,
      Map<Long, AtomicReference<Instant>> lastHeadTime) {
    this.lastHeadTime = lastHeadTime;
    this.f = f;
    this.watchers = watchers;
    this.leading = leading;
  }

  static WatchModule create(Foundation f, Map<Long, JsonRpcClient> clients) {
    List<ChainWatcher> watchers = new ArrayList<>();
    Map<Long, AtomicInteger> leading = new LinkedHashMap<>();
    Map<Long, AtomicReference<Instant>> lastHeadTime = new LinkedHashMap<>();
    for (ChainConfig chain : f.chains().all()) {
      AtomicReference<Instant> headTime = new AtomicReference<>();
      HeadNotifier notifier = new HeadNotifier(f.pool(), f.heads());
      HeadListener heads = (chainId, blockNumber, blockTime) -> {
        notifier.onHead(chainId, blockNumber, blockTime);
        headTime.set(blockTime);
      };
      ChainWatcher watcher = new ChainWatcher(clients.get(chain.chainId()),
          new PgActivePayments(f.pool(), id -> f.chains().chain(id).map(ChainConfig::confirmations).orElse(1)),
          new EventBusVerdictSink(f.vertx().eventBus()), heads, new PaymentVerifier(new BalanceDiffSource(),
              f.settings().millis("chain." + chain.chainId() + ".window-lead-ms", 2_000)),
          f.chains().finality(chain.chainId()));
      watcher.witnessBound(f.clock(), f.settings().millis("chain." + chain.chainId() + ".max-head-lag-ms", 120_000));
      watchers.add(watcher);
      leading.put(chain.chainId(), new AtomicInteger());
      lastHeadTime.put(chain.chainId(), headTime);
    }
    return new WatchModule(f, List.copyOf(watchers), Map.copyOf(leading), Map.copyOf(lastHeadTime));
  }

  Module module() {
    List<Supplier<Future<String>>> deployments = new ArrayList<>();
    MessageConsumer<LeadershipChanged> leadership = f.vertx().eventBus().localConsumer(Addresses.LEADERSHIP_CHANGED,
        message -> {
          AtomicInteger chain = leading.get((long) message.body().lockId());
          if (chain != null) chain.set(message.body().leading() ? 1 : 0);
        });
    deployments.add(() -> leadership.completion().map("leadership"));
    Duration retry = Duration.ofMillis(f.settings().longValue("chain.leader-retry-ms", 5000));
    for (ChainWatcher watcher : watchers) {
      ChainConfig chain = f.chains().chain(watcher.chainId()).orElseThrow();
      deployments.add(() -> f.vertx().deployVerticle(new LeaderOnlyVerticle(f.db(), (int) chain.chainId(),
          "chain " + chain.chainId() + " watcher",
          () -> new ChainWatcherVerticle(watcher, ChainWatcherVerticle.HeadSource.of(chain)), retry)));
    }
    return Module.of(deployments);
  }

  void registerMetrics(MeterRegistry registry) {
    for (ChainWatcher watcher : watchers) {
      String chain = Long.toString(watcher.chainId());
      FunctionCounter.builder("tollgate.chain.rpc.calls", watcher, ChainWatcher::rpcCalls)
          .description("JSON-RPC calls made by the chain watcher, every call in a batch counted")
          .tag("chain", chain).register(registry);
      FunctionCounter.builder("tollgate.chain.rounds", watcher, ChainWatcher::rounds)
          .description("chain heads processed").tag("chain", chain).register(registry);
      Gauge.builder("tollgate.chain.newheads.live", watcher, w -> w.newHeadsLive() ? 1 : 0)
          .description("1 while this instance watches the chain and its new-heads subscription is live")
          .tag("chain", chain).register(registry);
      Gauge.builder("tollgate.chain.leader", leading.get(watcher.chainId()), AtomicInteger::get)
          .description("1 while this instance leads the chain's watcher").tag("chain", chain).register(registry);
      AtomicInteger leads = leading.get(watcher.chainId());
      AtomicReference<Instant> headTime = lastHeadTime.get(watcher.chainId());
      // Block time to now covers a stalled node and a stalled watcher alike; NaN (no sample) where
      // this instance does not lead, so max over instances is the leader's.
      Gauge.builder("tollgate.chain.head.lag", headTime,
              t -> leads.get() == 1 && t.get() != null ? Math.max(0, f.clock().millis() - t.get().toEpochMilli()) / 1000.0
                  : Double.NaN)
          .baseUnit("seconds").description("age of the newest head the chain's watcher processed (now minus its block time)")
          .tag("chain", chain).register(registry);
      Gauge.builder("tollgate.chain.head", watcher, w -> leads.get() == 1 && w.lastHead() >= 0 ? w.lastHead() : Double.NaN)
          .description("block number of the newest head the chain's watcher processed").tag("chain", chain)
          .register(registry);
    }
  }
}
