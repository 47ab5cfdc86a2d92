package io.tollgate.chain;

import io.vertx.core.json.JsonArray;

/** One JSON-RPC call: method and positional params. */
public record RpcRequest(String method, JsonArray params) {
  public static RpcRequest of(String method, Object... params) {
    return new RpcRequest(method, new JsonArray(java.util.Arrays.asList(params)));
  }
}
