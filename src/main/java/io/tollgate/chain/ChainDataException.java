package io.tollgate.chain;

/**
 * The node's answer is not what the JSON-RPC spec promises (missing field, bad hex, a header that
 * is not the receipt's block). Says nothing about the payment: retry, never reject on it.
 */
public class ChainDataException extends RuntimeException {
  public ChainDataException(String message) {
    super(message);
  }

  public ChainDataException(String message, Throwable cause) {
    super(message, cause);
  }
}
