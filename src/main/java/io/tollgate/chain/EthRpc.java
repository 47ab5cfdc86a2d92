package io.tollgate.chain;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import java.util.List;

/**
 * Non-blocking Ethereum JSON-RPC for one chain. Implementations fail over between several
 * endpoints; callers never see which one answered.
 *
 * <p>{@link #call} fails with {@link RpcException} when the node answers with a JSON-RPC error
 * and with {@link RpcUnavailableException} when no endpoint answered. {@link #batch} fails only
 * when no endpoint answered; per-request errors come back inside each {@link RpcResponse}.
 */
public interface EthRpc {

  long chainId();

  /** One call; the future holds the JSON {@code result} (a String, JsonObject, JsonArray or null). */
  Future<Object> call(String method, JsonArray params);

  /** Several calls in one JSON-RPC batch; responses come back in request order. */
  Future<List<RpcResponse>> batch(List<RpcRequest> requests);
}
