package io.tollgate.payment;

import java.util.UUID;

/** A buyer's claim that {@code txHash} (lowercase) pays {@code checkoutId} with {@code token} on {@code chainId}. */
public record PaymentSubmission(UUID checkoutId, long chainId, String token, String txHash, String actor) {}
