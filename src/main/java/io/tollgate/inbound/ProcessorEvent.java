package io.tollgate.inbound;

import java.math.BigDecimal;

/**
 * What an inbound processor event means for a checkout, independent of the provider's format.
 * Amounts are in major units ({@code 12.50 USD}).
 */
sealed interface ProcessorEvent {

  CheckoutRef ref();

  record Amount(BigDecimal value, String currency) {}

  /** Funds are held but not captured (NodeRails {@code payment.authorized}). */
  record PaymentAuthorized(CheckoutRef ref, Amount amount) implements ProcessorEvent {}

  /**
   * The payment completed: the checkout becomes paid through this processor (Stripe
   * {@code payment_intent.succeeded}, NodeRails {@code payment.captured}).
   */
  record PaymentSucceeded(CheckoutRef ref, Amount amount) implements ProcessorEvent {}

  /** The attempt failed (Stripe {@code payment_intent.payment_failed}); {@code reason} is the provider's. */
  record PaymentFailed(CheckoutRef ref, String reason, String code) implements ProcessorEvent {}

  /**
   * Money went back (Stripe {@code charge.refunded}, NodeRails {@code payment.refunded}).
   * {@code refunded} is the cumulative amount refunded, null when the provider does not say.
   */
  record Refunded(CheckoutRef ref, Amount refunded, Amount paid, boolean full) implements ProcessorEvent {}

  /** A chargeback was opened (Stripe {@code charge.dispute.created}): recorded for manual review. */
  record DisputeOpened(CheckoutRef ref, String disputeId, Amount amount, String reason, String status)
      implements ProcessorEvent {}
}
