package io.tollgate.payment;

import static io.tollgate.payment.ChainJson.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.chain.AssetKind;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The amount rules of issue 18: a payment claim is judged PARTIAL (any positive amount from the
 * payer to the recipient; the ledger decides against all the checkout received), a refund transfer
 * EXACT (for a native coin too, where the quote rule would allow 0.5 % under).
 */
class PaymentVerifierAmountRulesTest {
  private static final BigInteger PRICE = BigInteger.valueOf(25_000_000);
  private static final long BLOCK = 100;
  private static final Instant MINED = CREATED.plus(Duration.ofMinutes(3));
  private final PaymentVerifier verifier = new PaymentVerifier();

  private static PaymentExpectation with(PaymentExpectation e, PaymentExpectation.AmountRule rule) {
    return new PaymentExpectation(e.chainId(), e.kind(), e.tokenAddress(), e.recipient(), e.amount(), e.payer(),
        e.validFrom(), e.validUntil(), e.requiredConfirmations(), rule);
  }

  private Verdict token(PaymentExpectation.AmountRule rule, BigInteger sent) {
    return verifier.verify(with(erc20(PRICE, PAYER, 1), rule), receipt("0x1", BLOCK, transferLog(TOKEN, PAYER, RECIPIENT, sent)),
        null, header(BLOCK, MINED), BLOCK);
  }

  private Verdict eth(PaymentExpectation.AmountRule rule, BigInteger sent) {
    JsonObject tx = transaction(PAYER, RECIPIENT, sent);
    return verifier.verify(with(nativeEth(PRICE, PAYER, 1), rule), receipt("0x1", BLOCK), tx, header(BLOCK, MINED), BLOCK);
  }

  private static RejectionReason reason(Verdict v) {
    assertThat(v).isInstanceOf(Verdict.Rejected.class);
    return ((Verdict.Rejected) v).reason();
  }

  @Test
  void partialPaysWhateverArrivedShortOrOver() {
    Verdict under = token(PaymentExpectation.AmountRule.PARTIAL, BigInteger.ONE);
    assertThat(under).isInstanceOf(Verdict.Paying.class);
    assertThat(((Verdict.Paying) under).amount()).isEqualTo(BigInteger.ONE);
    assertThat(((Verdict.Paying) token(PaymentExpectation.AmountRule.PARTIAL, PRICE.add(BigInteger.TEN))).amount())
        .isEqualTo(PRICE.add(BigInteger.TEN));
    assertThat(((Verdict.Paying) eth(PaymentExpectation.AmountRule.PARTIAL, BigInteger.TWO)).amount()).isEqualTo(BigInteger.TWO);
    assertThat(reason(eth(PaymentExpectation.AmountRule.PARTIAL, BigInteger.ZERO))).isEqualTo(RejectionReason.NO_TRANSFER);
    // still from the bound payer to the recipient, in the token
    assertThat(reason(verifier.verify(with(erc20(PRICE, PAYER, 1), PaymentExpectation.AmountRule.PARTIAL),
        receipt("0x1", BLOCK, transferLog(TOKEN, "0x5555555555555555555555555555555555555555", RECIPIENT, PRICE)), null, header(BLOCK, MINED), BLOCK)))
        .isEqualTo(RejectionReason.WRONG_PAYER);
  }

  @Test
  void exactAllowsNeitherLessNorMoreEvenForANativeCoin() {
    assertThat(token(PaymentExpectation.AmountRule.EXACT, PRICE)).isInstanceOf(Verdict.Paying.class);
    assertThat(reason(token(PaymentExpectation.AmountRule.EXACT, PRICE.subtract(BigInteger.ONE)))).isEqualTo(RejectionReason.UNDERPAID);
    assertThat(reason(token(PaymentExpectation.AmountRule.EXACT, PRICE.add(BigInteger.ONE)))).isEqualTo(RejectionReason.OVERPAID);
    assertThat(eth(PaymentExpectation.AmountRule.EXACT, PRICE)).isInstanceOf(Verdict.Paying.class);
    BigInteger withinQuoteSlippage = nativeEth(PRICE, PAYER, 1).minimumNativeAmount();
    assertThat(eth(PaymentExpectation.AmountRule.QUOTE, withinQuoteSlippage)).isInstanceOf(Verdict.Paying.class);
    assertThat(reason(eth(PaymentExpectation.AmountRule.EXACT, withinQuoteSlippage))).isEqualTo(RejectionReason.UNDERPAID);
    assertThat(reason(eth(PaymentExpectation.AmountRule.EXACT, PRICE.add(BigInteger.ONE)))).isEqualTo(RejectionReason.OVERPAID);
  }

  @Test
  void theOldConstructorKeepsTheQuoteRule() {
    assertThat(new PaymentExpectation(1, AssetKind.ERC20, TOKEN, RECIPIENT, PRICE, PAYER, CREATED, EXPIRES, 1).amountRule())
        .isEqualTo(PaymentExpectation.AmountRule.QUOTE);
  }
}
