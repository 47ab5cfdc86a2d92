package io.tollgate.payment;

import io.vertx.core.Future;

/**
 * A last look at a payment before it is recorded as paid, for facts the chain watcher's pure rules
 * cannot see (the payer binding's signature and wallet code, see {@code io.tollgate.payer}). It
 * runs between the watcher's confirmed verdict and {@link PaymentLedger#record}, on the
 * payment-state verticle's event loop, so it must not block.
 *
 * <p>Idempotent by construction: it only reads; the ledger's compare-and-set decides what a
 * replayed verdict changes.
 */
public interface SettlementCheck {

  /** Lets every verdict through unchanged. */
  SettlementCheck NONE = (payment, paying) -> Future.succeededFuture(paying);

  /**
   * The verdict to record for a confirmed paying verdict: {@code paying} itself, or a
   * {@link Verdict.Rejected}. The future fails when the check cannot be made now (an RPC outage):
   * nothing is recorded and the watcher reports the payment again on a later head.
   */
  Future<Verdict> review(ActivePayment payment, Verdict.Paying paying);
}
