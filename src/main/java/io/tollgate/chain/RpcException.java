package io.tollgate.chain;

/** A JSON-RPC error object returned by a node ({@code code}, {@code message}, optional {@code data}). */
public class RpcException extends RuntimeException {
  private final int code;
  private final Object data;

  public RpcException(int code, String message, Object data) {
    super(message, null, false, false);
    this.code = code;
    this.data = data;
  }

  public int code() { return code; }

  /** The error's {@code data} member (revert data for eth_call), or null. */
  public Object data() { return data; }
}
