package io.tollgate;

import io.tollgate.chain.ChainConfig;
import io.tollgate.chain.EthRpc;
import io.tollgate.chain.JsonRpcClient;
import io.tollgate.chain.RpcMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Chain access: one JSON-RPC client per configured chain, complete before anything that asks a
 * chain (watchers, signature checks) is built.
 */
final class ChainModule {
  final Map<Long, JsonRpcClient> clients;
  /**
   * Per chain with the second-provider check on: one client per provider, pinned to it, for
   * {@link io.tollgate.payment.SecondProviderCheck}.
   */
  final Map<Long, List<EthRpc>> providers;

  private ChainModule(Map<Long, JsonRpcClient> clients, Map<Long, List<EthRpc>> providers) {
    this.clients = clients;
    this.providers = providers;
  }

  static ChainModule create(Foundation f) {
    Map<Long, JsonRpcClient> clients = new LinkedHashMap<>();
    Map<Long, List<EthRpc>> providers = new LinkedHashMap<>();
    // One set of per-method counters for every client: the pinned second-provider clients' calls are
    // real traffic to the same providers, so they count under the same labels.
    RpcMetrics rpcMetrics = new RpcMetrics(f.meters());
    for (ChainConfig chain : f.chains().all()) {
      if (chain.rpcUrls().isEmpty()) throw new IllegalArgumentException("chain " + chain.chainId() + " has no rpc-urls");
      clients.put(chain.chainId(), new JsonRpcClient(f.vertx(), chain.chainId(), chain.rpcUrls(),
          JsonRpcClient.Options.of(chain), rpcMetrics));
      if (f.chains().finality(chain.chainId()).secondProviderCheck()) {
        providers.put(chain.chainId(), chain.rpcUrls().stream()
            .<EthRpc>map(url -> new JsonRpcClient(f.vertx(), chain.chainId(), List.of(url), JsonRpcClient.Options.of(chain),
                rpcMetrics))
            .toList());
      }
    }
    return new ChainModule(Map.copyOf(clients), Map.copyOf(providers));
  }

  /** The clients as the chain-asking services take them. */
  Map<Long, EthRpc> rpc() {
    return Map.copyOf(clients);
  }

  Module module() {
    Map<String, Supplier<Future<?>>> readiness = new LinkedHashMap<>();
    // HTTP only: a chain whose new-heads WebSocket is down is still watched (by polling), so it is
    // not a reason to take this instance out of the load balancer.
    clients.forEach((id, rpc) -> readiness.put("chain-" + id, () -> rpc.call("eth_blockNumber", new JsonArray())));
    return new Module(List.of(), readiness);
  }

  /**
   * Per chain and provider (URL redacted to scheme, host and port): HTTP requests, transport or HTTP
   * failures, JSON-RPC faults inside 200 answers (throttles, "header not found"), and heads stuck in
   * the past. {@code registry} null (metrics off): nothing.
   */
  static void registerMetrics(MeterRegistry registry, Map<Long, JsonRpcClient> clients) {
    if (registry == null) return;
    clients.forEach((chainId, client) -> {
      List<JsonRpcClient.ProviderStats> providers = client.providerStats();
      for (int i = 0; i < providers.size(); i++) {
        int index = i;
        String chain = Long.toString(chainId);
        String provider = providers.get(i).provider();
        counter(registry, "tollgate.chain.provider.requests", "HTTP requests sent to the provider", chain, provider,
            client, c -> c.providerStats().get(index).requests());
        counter(registry, "tollgate.chain.provider.failures", "requests the provider did not answer (network, timeout, HTTP error)",
            chain, provider, client, c -> c.providerStats().get(index).failures());
        counter(registry, "tollgate.chain.provider.errors", "JSON-RPC faults inside HTTP 200 (rate limit, internal, header not found); failed over",
            chain, provider, client, c -> c.providerStats().get(index).providerErrors());
        counter(registry, "tollgate.chain.provider.stale", "heads answered well below another provider's; failed over",
            chain, provider, client, c -> c.providerStats().get(index).staleAnswers());
      }
    });
  }

  private static void counter(MeterRegistry registry, String name, String description, String chain, String provider,
      JsonRpcClient client, java.util.function.ToDoubleFunction<JsonRpcClient> value) {
    FunctionCounter.builder(name, client, value).description(description).tag("chain", chain).tag("provider", provider)
        .register(registry);
  }
}
