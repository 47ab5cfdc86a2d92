package io.tollgate.payment;

/**
 * A payment of {@code chainId} was submitted and waits for its first check: the chain's watcher
 * may run a catch-up round instead of waiting for the next block. A hint, never payment state.
 */
public record PaymentSubmitted(long chainId, long paymentId) {}
