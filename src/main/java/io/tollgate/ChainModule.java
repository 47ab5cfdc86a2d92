package io.tollgate;

import io.tollgate.chain.ChainConfig;
import io.tollgate.chain.EthRpc;
import io.tollgate.chain.JsonRpcClient;
import io.tollgate.chain.RpcMetrics;
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

  private ChainModule(Map<Long, JsonRpcClient> clients) {
    this.clients = clients;
  }

  static ChainModule create(Foundation f) {
    Map<Long, JsonRpcClient> clients = new LinkedHashMap<>();
    RpcMetrics rpcMetrics = new RpcMetrics(f.meters());
    for (ChainConfig chain : f.chains().all()) {
      if (chain.rpcUrls().isEmpty()) throw new IllegalArgumentException("chain " + chain.chainId() + " has no rpc-urls");
      clients.put(chain.chainId(), new JsonRpcClient(f.vertx(), chain.chainId(), chain.rpcUrls(),
          JsonRpcClient.Options.of(chain), rpcMetrics));
    }
    return new ChainModule(Map.copyOf(clients));
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
}
