package io.tollgate.payment;

import java.math.BigInteger;
import java.time.Instant;
import java.util.UUID;

/**
 * A submitted payment that is neither confirmed nor rejected yet, as the store last recorded it.
 * The {@code mined*} fields are null until a paying receipt was recorded; then they hold what that
 * verdict said, so the watcher can confirm the payment later without asking the node about it again.
 *
 * @param txHash lowercase 0x-hex
 * @param minedBlockNumber block of the recorded paying receipt, or null
 * @param minedBlockHash hash of that block, or null
 * @param minedBlockTime timestamp of that block, or null
 * @param minedPayer the recorded payer, or null
 * @param minedAmount the recorded amount in base units, or null
 * @param refundId the refund this claim is the transfer of, or null for a buyer's payment
 * @param recovery a recovery claim: its payer binding is not re-checked at settlement
 */
public record ActivePayment(
    long paymentId,
    UUID checkoutId,
    String txHash,
    PaymentExpectation expectation,
    Long minedBlockNumber,
    String minedBlockHash,
    Instant minedBlockTime,
    String minedPayer,
    BigInteger minedAmount,
    UUID refundId,
    boolean recovery) {

  /** A buyer's payment (not a refund transfer). */
  public ActivePayment(long paymentId, UUID checkoutId, String txHash, PaymentExpectation expectation,
      Long minedBlockNumber, String minedBlockHash, Instant minedBlockTime, String minedPayer, BigInteger minedAmount) {
    this(paymentId, checkoutId, txHash, expectation, minedBlockNumber, minedBlockHash, minedBlockTime, minedPayer,
        minedAmount, null, false);
  }

  /** Whether this claim is a shop's refund transfer (from the recipient back to the payer), not a payment. */
  public boolean isRefund() { return refundId != null; }

  /**
   * Without the recorded verdict details: when such a payment reaches its confirmations, the
   * watcher re-reads its receipt once to report them.
   */
  public ActivePayment(long paymentId, UUID checkoutId, String txHash, PaymentExpectation expectation,
      Long minedBlockNumber, String minedBlockHash) {
    this(paymentId, checkoutId, txHash, expectation, minedBlockNumber, minedBlockHash, null, null, null);
  }

  /** A payment whose paying receipt has not been recorded. */
  public static ActivePayment unmined(long paymentId, UUID checkoutId, String txHash, PaymentExpectation expectation) {
    return new ActivePayment(paymentId, checkoutId, txHash, expectation, null, null);
  }

  public boolean isMined() { return minedBlockNumber != null; }

  /** Whether the recorded paying verdict is complete enough to confirm from. */
  public boolean hasRecordedVerdict() {
    return minedBlockNumber != null && minedBlockHash != null && minedBlockTime != null
        && minedPayer != null && minedAmount != null;
  }

  /** This payment as recorded after a paying verdict. */
  public ActivePayment withMined(Verdict.Paying paying) {
    return new ActivePayment(paymentId, checkoutId, txHash, expectation, paying.blockNumber(), paying.blockHash(),
        paying.blockTime(), paying.payer(), paying.amount(), refundId, recovery);
  }
}
