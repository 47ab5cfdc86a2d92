/**
 * Payments: the rules that decide whether a transaction pays a checkout, and the compare-and-set
 * state transitions (with audit) that record the decision exactly once. A correct payment mined
 * after the checkout's expiry is recorded as a late payment ({@link io.tollgate.payment.Verdict.PaidLate}),
 * never dropped. A chain watcher's round arrives as one {@link io.tollgate.payment.VerdictBatch} (two
 * when it needed a second JSON-RPC batch: round 1's verdicts first), and each batch's paying
 * verdicts are written set-based, in chunks that are each one transaction
 * ({@link io.tollgate.payment.VerdictWriteSettings}). A payment claim's amount is judged against
 * all its checkout received (partial payments, the merchant's tolerance and over-payment rule, one
 * SQL rule at write time); a refund transfer posted by a shop is a claim of kind {@code refund},
 * watched in the same round and recorded by {@code RefundTransferRecorder}. A confirmed payment's finality re-check
 * ({@link io.tollgate.payment.Verdict.Final}, {@code Vanished}, {@code Remined}, {@code Reversed}) is
 * written by {@code FinalityRecorder}; {@link io.tollgate.payment.SecondProviderCheck} holds a
 * confirmed verdict back until a second provider confirms its block, and the finality verdicts
 * until two providers agree with them. Native payments are judged by their balance-diff trace
 * ({@link io.tollgate.payment.BalanceDiffSource}, rules in {@code BalanceDiff}); one no provider can
 * trace is {@link io.tollgate.payment.Verdict.Unverifiable} ({@code trace_unavailable}), never guessed.
 *
 * <p>Public face (each used from another package): {@link
 * io.tollgate.payment.ActivePayment}, {@link io.tollgate.payment.ActivePayments}, {@link
 * io.tollgate.payment.BalanceDiffSource}, {@link io.tollgate.payment.NativeEvidence}, {@link
 * io.tollgate.payment.TraceUnavailableException}, {@link
 * io.tollgate.payment.EventBusVerdictSink}, {@link io.tollgate.payment.FixedEvidence}, {@link
 * io.tollgate.payment.NativeTransfer}, {@link io.tollgate.payment.NativeTransferSource}, {@link
 * io.tollgate.payment.PaymentExpectation}, {@link io.tollgate.payment.PaymentLedger}, {@link
 * io.tollgate.payment.PaymentStateVerticle}, {@link io.tollgate.payment.PaymentSubmission}, {@link
 * io.tollgate.payment.PaymentVerifier}, {@link io.tollgate.payment.PgActivePayments}, {@link
 * io.tollgate.payment.RejectionReason}, {@link io.tollgate.payment.SecondProviderCheck}, {@link
 * io.tollgate.payment.SettlementCheck}, {@link
 * io.tollgate.payment.TransactionFieldsSource}, {@link io.tollgate.payment.Verdict}, {@link
 * io.tollgate.payment.VerdictBatch}, {@link io.tollgate.payment.VerdictMessage}, {@link
 * io.tollgate.payment.VerdictSink}, {@link io.tollgate.payment.VerdictWriteSettings}.
 */
package io.tollgate.payment;
