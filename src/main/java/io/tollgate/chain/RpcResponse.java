package io.tollgate.chain;

/** The answer to one call inside a batch: either a result (possibly JSON null) or an error. */
public record RpcResponse(Object result, RpcException error) {
  public static RpcResponse ok(Object result) { return new RpcResponse(result, null); }

  public static RpcResponse failed(RpcException error) { return new RpcResponse(null, error); }

  public boolean isError() { return error != null; }
}
