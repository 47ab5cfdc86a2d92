package io.tollgate.testing;

import io.tollgate.chain.EthRpc;
import io.tollgate.chain.RpcRequest;
import io.tollgate.chain.RpcResponse;
import io.tollgate.chain.RpcUnavailableException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A chain at the JSON-RPC boundary for services that only look up account code (signature
 * checks): {@code eth_getCode} answers {@code 0x} (an ordinary account) unless code was set for the
 * address. {@link #down} makes every call fail as an unreachable node does. Records the methods it
 * was asked. Anything else is refused loudly, so a test notices when a service starts asking more.
 * For block/receipt scripting see {@code io.tollgate.watch.FakeEthRpc}; for a real node, anvil.
 */
public final class StubEthRpc implements EthRpc {
  private final long chainId;
  private final Map<String, String> code = new ConcurrentHashMap<>();
  private final List<String> calls = new CopyOnWriteArrayList<>();
  private volatile boolean down;

  public StubEthRpc(long chainId) {
    this.chainId = chainId;
  }

  public StubEthRpc withCode(String address, String hex) {
    code.put(address.toLowerCase(java.util.Locale.ROOT), hex);
    return this;
  }

  public void down(boolean value) {
    down = value;
  }

  /** The methods called so far, in order. */
  public List<String> calls() {
    return List.copyOf(calls);
  }

  @Override
  public long chainId() {
    return chainId;
  }

  @Override
  public Future<Object> call(String method, JsonArray params) {
    calls.add(method);
    if (down) return Future.failedFuture(new RpcUnavailableException("stub chain " + chainId + " is down", null));
    if (method.equals("eth_getCode")) {
      return Future.succeededFuture(code.getOrDefault(params.getString(0).toLowerCase(java.util.Locale.ROOT), "0x"));
    }
    return Future.failedFuture(new UnsupportedOperationException("StubEthRpc does not answer " + method));
  }

  @Override
  public Future<List<RpcResponse>> batch(List<RpcRequest> requests) {
    requests.forEach(r -> calls.add(r.method()));
    if (down) return Future.failedFuture(new RpcUnavailableException("stub chain " + chainId + " is down", null));
    return Future.failedFuture(new UnsupportedOperationException("StubEthRpc does not answer batches"));
  }
}
