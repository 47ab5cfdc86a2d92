package io.tollgate.chain;

/** No RPC endpoint of the chain answered (network error, timeout, HTTP error, garbage). Retryable. */
public class RpcUnavailableException extends RuntimeException {
  public RpcUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
