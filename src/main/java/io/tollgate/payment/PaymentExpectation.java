package io.tollgate.payment;

import io.tollgate.chain.AssetKind;
import java.math.BigInteger;
import java.time.Instant;

/**
 * What a transaction must do to pay one payment option of a checkout. Addresses are lowercase
 * 0x-hex; {@code tokenAddress} is null for {@link AssetKind#NATIVE}; {@code payer} is null while
 * no payer is bound (any sender may pay).
 *
 * @param amount exact amount in base units (ERC-20 must match exactly; native may be up to
 *     {@link #NATIVE_SLIPPAGE_BASIS_POINTS} under)
 * @param validFrom the checkout's creation: the mining block's timestamp must not be before it
 * @param validUntil the checkout's expiry: the mining block's timestamp must not be after it
 * @param requiredConfirmations confirmations needed, where a transaction in the head block has 1
 */
public record PaymentExpectation(
    long chainId,
    AssetKind kind,
    String tokenAddress,
    String recipient,
    BigInteger amount,
    String payer,
    Instant validFrom,
    Instant validUntil,
    int requiredConfirmations,
    AmountRule amountRule) {

  /** How the amount moved is judged. */
  public enum AmountRule {
    /** The quote: ERC-20 exactly, native up to {@link #NATIVE_SLIPPAGE_BASIS_POINTS} under (more is fine). */
    QUOTE,
    /**
     * Any positive amount pays something: the ledger compares what the checkout received in all
     * with the quote (partial payments, the merchant's tolerance, over-payments).
     */
    PARTIAL,
    /** Exactly the amount, for every asset (a refund transfer). */
    EXACT
  }

  /** Judged against the quote ({@link AmountRule#QUOTE}). */
  public PaymentExpectation(long chainId, AssetKind kind, String tokenAddress, String recipient, BigInteger amount,
      String payer, Instant validFrom, Instant validUntil, int requiredConfirmations) {
    this(chainId, kind, tokenAddress, recipient, amount, payer, validFrom, validUntil, requiredConfirmations,
        AmountRule.QUOTE);
  }

  /** Native payments may arrive up to 0.5 % under the quote (wallets re-derive value at signing). */
  public static final int NATIVE_SLIPPAGE_BASIS_POINTS = 50;

  /** The least native amount that still pays: quote × (1 − 0.5 %), rounded up. */
  public BigInteger minimumNativeAmount() {
    BigInteger scaled = amount.multiply(BigInteger.valueOf(10_000L - NATIVE_SLIPPAGE_BASIS_POINTS));
    BigInteger[] qr = scaled.divideAndRemainder(BigInteger.valueOf(10_000L));
    return qr[1].signum() == 0 ? qr[0] : qr[0].add(BigInteger.ONE);
  }
}
