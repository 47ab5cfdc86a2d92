package io.tollgate.payment;

import io.tollgate.chain.ChainDataException;

/**
 * No provider answered the balance-diff trace (no debug API) for a payment the transaction's own
 * fields cannot prove: value moved from inside a contract call. Retryable like any missing chain
 * data, and reported as {@link Verdict.Unverifiable} ({@code trace_unavailable}) meanwhile: never
 * guessed into a payment or a rejection.
 */
public final class TraceUnavailableException extends ChainDataException {
  public TraceUnavailableException(String message) {
    super(message);
  }
}
