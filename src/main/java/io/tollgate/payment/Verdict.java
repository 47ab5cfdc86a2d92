package io.tollgate.payment;

import java.math.BigInteger;
import java.time.Instant;

/** What the chain says about one submitted transaction at one chain head. */
public sealed interface Verdict {

  /** No receipt yet: not mined (or not yet seen by the node). Retry on the next block. */
  record NotMined() implements Verdict {}

  /**
   * Mined and paying the expectation. {@code confirmations} = head − blockNumber + 1;
   * {@code confirmed} when that reaches the expectation's requirement.
   */
  record Paying(
      long blockNumber,
      String blockHash,
      Instant blockTime,
      String payer,
      BigInteger amount,
      int confirmations,
      boolean confirmed) implements Verdict {}

  /**
   * Mined and paying everything the expectation asks (recipient, token, amount, payer) except time:
   * the block is after the checkout's expiry. The checkout stays expired, but the money is recorded
   * and the shop is told ("you can't prevent somebody from paying you"). Recorded once
   * {@code paying.confirmed()}.
   */
  record PaidLate(Paying paying) implements Verdict {}

  /** Mined, but it does not pay the expectation; final for this transaction. */
  record Rejected(RejectionReason reason, String detail, Long blockNumber) implements Verdict {}

  /**
   * Mined, but what it paid cannot be proven now: no provider serves the balance-diff trace a
   * contract-originated native payment needs. Not a rejection: the checkout stays pending with this
   * reason ({@link #TRACE_UNAVAILABLE}) and the payment is judged again on later heads.
   */
  record Unverifiable(String reason, String detail) implements Verdict {}

  /** The wire reason of an {@link Unverifiable} payment whose trace no provider serves. */
  String TRACE_UNAVAILABLE = "trace_unavailable";

  // The finality re-check of a confirmed payment (its block a chain's finality depth deep).

  /** The receipt is still in the recorded block, deep enough: the payment is final. */
  record Final(String blockHash) implements Verdict {}

  /**
   * No receipt where one was confirmed. Counted: the second consecutive one reverses the payment
   * ({@code orphaned}), so one node that lags or forgets cannot.
   */
  record Vanished(String detail) implements Verdict {}

  /** Mined again in another block and still paying: the facts are updated and checked again later. */
  record Remined(Paying paying) implements Verdict {}

  /** Mined again in another block where it no longer pays (reverted, say): reversed at once. */
  record Reversed(RejectionReason reason, String detail) implements Verdict {}
}
