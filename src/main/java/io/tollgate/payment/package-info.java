/**
 * Payments: the rules that decide whether a transaction pays a checkout, and the compare-and-set
 * state transitions (with audit) that record the decision exactly once. A correct payment mined
 * after the checkout's expiry is recorded as a late payment ({@link io.tollgate.payment.Verdict.PaidLate}),
 * never dropped. A chain watcher's round arrives as one {@link io.tollgate.payment.VerdictBatch} (two
 * when it needed a second JSON-RPC batch: round 1's verdicts first), and each batch's paying
 * verdicts are written set-based, in chunks that are each one transaction
 * ({@link io.tollgate.payment.VerdictWriteSettings}).
 */
package io.tollgate.payment;
