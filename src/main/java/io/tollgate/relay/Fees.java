package io.tollgate.relay;

import java.math.BigInteger;

/**
 * EIP-1559 fees of one transaction, in wei per gas. Pure arithmetic, so the rules are tested
 * without a chain.
 *
 * @param maxFee {@code maxFeePerGas}
 * @param priorityFee {@code maxPriorityFeePerGas}, never above {@code maxFee}
 */
record Fees(BigInteger maxFee, BigInteger priorityFee) {
  Fees {
    if (maxFee.signum() < 0 || priorityFee.signum() < 0) throw new IllegalArgumentException("negative fee");
    if (priorityFee.compareTo(maxFee) > 0) priorityFee = maxFee;
  }

  /**
   * What to send now: 25 % headroom over the node's current max fee ({@code eth_gasPrice}, base fee
   * plus tip) so a rising base fee does not strand the transaction at once; the node's suggested tip.
   */
  static Fees quote(BigInteger gasPrice, BigInteger suggestedTip) {
    return new Fees(ceilTimes(gasPrice, 5, 4), suggestedTip);
  }

  /**
   * A replacement for the same nonce: both fees ×1.5 (nodes want at least +10 % on both), and never
   * below what a fresh quote asks.
   */
  Fees bumped(Fees quote) {
    return new Fees(ceilTimes(maxFee, 3, 2).max(quote.maxFee), ceilTimes(priorityFee, 3, 2).max(quote.priorityFee)
        .max(BigInteger.ONE));
  }

  /** The most one transaction with this gas limit can cost. */
  BigInteger cost(long gasLimit) {
    return maxFee.multiply(BigInteger.valueOf(gasLimit));
  }

  private static BigInteger ceilTimes(BigInteger value, int numerator, int denominator) {
    BigInteger[] qr = value.multiply(BigInteger.valueOf(numerator)).divideAndRemainder(BigInteger.valueOf(denominator));
    return qr[1].signum() == 0 ? qr[0] : qr[0].add(BigInteger.ONE);
  }
}
