package io.tollgate.payment;

import io.tollgate.chain.AssetKind;
import io.tollgate.chain.ChainDataException;
import static io.tollgate.payment.ChainJson.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class PaymentVerifierTest {
  private static final BigInteger PRICE = BigInteger.valueOf(25_000_000); // 25.000000 USDC
  private static final long BLOCK = 100;
  private static final Instant MINED = CREATED.plus(Duration.ofMinutes(3));

  private final PaymentVerifier verifier = new PaymentVerifier();

  private Verdict verifyToken(PaymentExpectation expectation, JsonObject receipt) {
    return verifier.verify(expectation, receipt, null, header(BLOCK, MINED), BLOCK);
  }

  private static RejectionReason reason(Verdict verdict) {
    assertThat(verdict).isInstanceOf(Verdict.Rejected.class);
    return ((Verdict.Rejected) verdict).reason();
  }

  @Test
  void shouldReportNotMinedWhenThereIsNoReceipt() {
    assertThat(verifier.verify(erc20(PRICE, PAYER, 1), null, null, null, BLOCK)).isInstanceOf(Verdict.NotMined.class);
  }

  @Nested
  class Erc20 {
    @Test
    void shouldAcceptTheExactAmountFromTheBoundPayerToTheRecipient() {
      Verdict verdict = verifyToken(erc20(PRICE, PAYER, 1), receipt("0x1", BLOCK, transferLog(TOKEN, PAYER, RECIPIENT, PRICE)));

      assertThat(verdict).isEqualTo(new Verdict.Paying(BLOCK, blockHash(BLOCK), MINED, PAYER, PRICE, 1, true));
    }

    @Test
    void shouldRejectARevertedTransactionEvenIfItCarriesTransferLogs() {
      Verdict verdict = verifyToken(erc20(PRICE, PAYER, 1), receipt("0x0", BLOCK, transferLog(TOKEN, PAYER, RECIPIENT, PRICE)));

      assertThat(verdict).isEqualTo(new Verdict.Rejected(RejectionReason.TX_REVERTED, "receipt status 0x0", BLOCK));
    }

    @Test
    void shouldRejectOneBaseUnitLessAsUnderpaid() {
      assertThat(reason(verifyToken(erc20(PRICE, PAYER, 1),
          receipt("0x1", BLOCK, transferLog(TOKEN, PAYER, RECIPIENT, PRICE.subtract(BigInteger.ONE))))))
          .isEqualTo(RejectionReason.UNDERPAID);
    }

    @Test
    void shouldRejectOneBaseUnitMoreAsOverpaid() {
      assertThat(reason(verifyToken(erc20(PRICE, PAYER, 1),
          receipt("0x1", BLOCK, transferLog(TOKEN, PAYER, RECIPIENT, PRICE.add(BigInteger.ONE))))))
          .isEqualTo(RejectionReason.OVERPAID);
    }

    @Test
    void shouldSumSeveralMatchingTransfersInOneTransaction() {
      BigInteger part = BigInteger.valueOf(10_000_000);
      JsonObject receipt = receipt("0x1", BLOCK,
          transferLog(TOKEN, PAYER, RECIPIENT, part),
          transferLog(TOKEN, PAYER, STRANGER, PRICE), // to someone else: not counted
          transferLog(TOKEN, PAYER, RECIPIENT, PRICE.subtract(part)));

      Verdict verdict = verifyToken(erc20(PRICE, PAYER, 1), receipt);

      assertThat(verdict).isInstanceOf(Verdict.Paying.class);
      assertThat(((Verdict.Paying) verdict).amount()).isEqualTo(PRICE);
    }

    @Test
    void shouldRejectSeveralTransfersThatTogetherOverpay() {
      JsonObject receipt = receipt("0x1", BLOCK,
          transferLog(TOKEN, PAYER, RECIPIENT, PRICE), transferLog(TOKEN, PAYER, RECIPIENT, BigInteger.ONE));

      assertThat(reason(verifyToken(erc20(PRICE, PAYER, 1), receipt))).isEqualTo(RejectionReason.OVERPAID);
    }

    @Test
    void shouldRejectATransactionWithoutAnyTransferAsNoTransfer() {
      assertThat(reason(verifyToken(erc20(PRICE, PAYER, 1), receipt("0x1", BLOCK)))).isEqualTo(RejectionReason.NO_TRANSFER);
    }

    @Test
    void shouldNotCountOtherEventsOfTheTokenAsTransfers() {
      JsonObject approval = transferLog(TOKEN, PAYER, RECIPIENT, PRICE);
      approval.getJsonArray("topics").set(0, hash(0x8c5be1e5L)); // not the Transfer topic

      assertThat(reason(verifyToken(erc20(PRICE, PAYER, 1), receipt("0x1", BLOCK, approval))))
          .isEqualTo(RejectionReason.NO_TRANSFER);
    }

    @Test
    void shouldRejectTheRightAmountOfAnotherTokenAsWrongToken() {
      assertThat(reason(verifyToken(erc20(PRICE, PAYER, 1),
          receipt("0x1", BLOCK, transferLog(OTHER_TOKEN, PAYER, RECIPIENT, PRICE)))))
          .isEqualTo(RejectionReason.WRONG_TOKEN);
    }

    @Test
    void shouldRejectATokenTransferToSomeoneElseAsWrongRecipient() {
      assertThat(reason(verifyToken(erc20(PRICE, PAYER, 1),
          receipt("0x1", BLOCK, transferLog(TOKEN, PAYER, STRANGER, PRICE)))))
          .isEqualTo(RejectionReason.WRONG_RECIPIENT);
    }

    @Test
    void shouldRejectAPaymentFromAnotherSenderThanTheBoundPayerAsWrongPayer() {
      assertThat(reason(verifyToken(erc20(PRICE, PAYER, 1),
          receipt("0x1", BLOCK, transferLog(TOKEN, STRANGER, RECIPIENT, PRICE)))))
          .isEqualTo(RejectionReason.WRONG_PAYER);
    }

    @Test
    void shouldAcceptAnySenderWhileNoPayerIsBoundAndReportWhoPaid() {
      Verdict verdict = verifyToken(erc20(PRICE, null, 1), receipt("0x1", BLOCK, transferLog(TOKEN, STRANGER, RECIPIENT, PRICE)));

      assertThat(verdict).isInstanceOf(Verdict.Paying.class);
      assertThat(((Verdict.Paying) verdict).payer()).isEqualTo(STRANGER);
    }

    @Test
    void shouldCompareAddressesCaseInsensitively() {
      PaymentExpectation expectation = new PaymentExpectation(31337, AssetKind.ERC20,
          "0xAbCdEf0000000000000000000000000000000001", "0xABCDEF0000000000000000000000000000000002", PRICE,
          "0xaBcDeF0000000000000000000000000000000003", CREATED, EXPIRES, 1);
      JsonObject receipt = receipt("0x1", BLOCK, transferLog("0xabcdef0000000000000000000000000000000001",
          "0xABCDEF0000000000000000000000000000000003", "0xabcdef0000000000000000000000000000000002", PRICE));

      Verdict verdict = verifyToken(expectation, receipt);

      assertThat(verdict).isInstanceOf(Verdict.Paying.class);
      assertThat(((Verdict.Paying) verdict).payer()).isEqualTo("0xabcdef0000000000000000000000000000000003");
    }

    @Test
    void shouldIgnoreLogsTheNodeMarksAsRemoved() {
      JsonObject removed = transferLog(TOKEN, PAYER, RECIPIENT, PRICE).put("removed", true);

      assertThat(reason(verifyToken(erc20(PRICE, PAYER, 1), receipt("0x1", BLOCK, removed))))
          .isEqualTo(RejectionReason.NO_TRANSFER);
    }
  }

  @Nested
  class ValidityWindow {
    private Verdict minedAt(Instant time) {
      return verifier.verify(erc20(PRICE, PAYER, 1), receipt("0x1", BLOCK, transferLog(TOKEN, PAYER, RECIPIENT, PRICE)),
          null, header(BLOCK, time), BLOCK);
    }

    @Test
    void shouldAcceptABlockAtExactlyTheCreationSecond() {
      assertThat(minedAt(CREATED)).isInstanceOf(Verdict.Paying.class);
    }

    @Test
    void shouldRejectABlockOneSecondBeforeCreation() {
      assertThat(reason(minedAt(CREATED.minusSeconds(1)))).isEqualTo(RejectionReason.OUTSIDE_VALIDITY_WINDOW);
    }

    @Test
    void shouldAcceptABlockStampedWithinTheChainsWindowLeadBeforeCreationButNotEarlier() {
      PaymentVerifier leading = new PaymentVerifier(new TransactionFieldsSource(), java.time.Duration.ofSeconds(2));
      java.util.function.Function<Instant, Verdict> at = time -> leading.verify(erc20(PRICE, PAYER, 1),
          receipt("0x1", BLOCK, transferLog(TOKEN, PAYER, RECIPIENT, PRICE)), null, header(BLOCK, time), BLOCK);
      assertThat(at.apply(CREATED.minusSeconds(2))).isInstanceOf(Verdict.Paying.class);
      assertThat(((Verdict.Rejected) at.apply(CREATED.minusSeconds(3))).reason()).isEqualTo(RejectionReason.OUTSIDE_VALIDITY_WINDOW);
    }

    @Test
    void shouldAcceptABlockAtExactlyTheExpiry() {
      assertThat(minedAt(EXPIRES)).isInstanceOf(Verdict.Paying.class);
    }

    @Test
    void shouldReportAMatchingBlockOneSecondAfterExpiryAsAPaidLatePayment() {
      Verdict verdict = minedAt(EXPIRES.plusSeconds(1));
      assertThat(verdict).isInstanceOf(Verdict.PaidLate.class);
      assertThat(((Verdict.PaidLate) verdict).paying().blockTime()).isEqualTo(EXPIRES.plusSeconds(1));
    }

    @Test
    void shouldCountABlockInTheCreationSecondAsInsideWhenCreationHasMillis() {
      PaymentExpectation expectation = new PaymentExpectation(31337, AssetKind.ERC20, TOKEN, RECIPIENT, PRICE, PAYER,
          CREATED.plusMillis(700), EXPIRES, 1);

      Verdict verdict = verifier.verify(expectation, receipt("0x1", BLOCK, transferLog(TOKEN, PAYER, RECIPIENT, PRICE)),
          null, header(BLOCK, CREATED), BLOCK);

      assertThat(verdict).isInstanceOf(Verdict.Paying.class);
    }

    @Test
    void shouldReportAWrongTransferBeforeTheWindow() {
      Verdict verdict = verifier.verify(erc20(PRICE, PAYER, 1),
          receipt("0x1", BLOCK, transferLog(TOKEN, PAYER, STRANGER, PRICE)), null, header(BLOCK, EXPIRES.plusSeconds(60)), BLOCK);

      assertThat(reason(verdict)).isEqualTo(RejectionReason.WRONG_RECIPIENT);
    }
  }

  @Nested
  class Confirmations {
    private Verdict atHead(long head, int required) {
      return verifier.verify(erc20(PRICE, PAYER, required),
          receipt("0x1", BLOCK, transferLog(TOKEN, PAYER, RECIPIENT, PRICE)), null, header(BLOCK, MINED), head);
    }

    @Test
    void shouldGiveATransactionInTheHeadBlockOneConfirmation() {
      Verdict.Paying paying = (Verdict.Paying) atHead(BLOCK, 1);
      assertThat(paying.confirmations()).isEqualTo(1);
      assertThat(paying.confirmed()).isTrue();
    }

    @Test
    void shouldStayUnconfirmedUntilTheRequiredDepth() {
      Verdict.Paying two = (Verdict.Paying) atHead(BLOCK + 1, 3);
      Verdict.Paying three = (Verdict.Paying) atHead(BLOCK + 2, 3);

      assertThat(two.confirmations()).isEqualTo(2);
      assertThat(two.confirmed()).isFalse();
      assertThat(three.confirmations()).isEqualTo(3);
      assertThat(three.confirmed()).isTrue();
    }

    @Test
    void shouldCountAHeadBehindTheReceiptAsOneConfirmation() {
      assertThat(((Verdict.Paying) atHead(BLOCK - 5, 1)).confirmations()).isEqualTo(1);
    }
  }

  @Nested
  class Native {
    private final BigInteger quote = new BigInteger("1000000000000000001"); // 1 ETH + 1 wei, not a round number

    private Verdict pay(PaymentExpectation expectation, JsonObject tx) {
      return verifier.verify(expectation, receipt("0x1", BLOCK), tx, header(BLOCK, MINED), BLOCK);
    }

    @Test
    void shouldAcceptTheQuotedValueFromThePayerToTheRecipient() {
      Verdict verdict = pay(nativeEth(quote, PAYER, 1), transaction(PAYER, RECIPIENT, quote));

      assertThat(verdict).isEqualTo(new Verdict.Paying(BLOCK, blockHash(BLOCK), MINED, PAYER, quote, 1, true));
    }

    @Test
    void shouldAcceptExactlyHalfAPercentUnder() {
      BigInteger minimum = nativeEth(quote, PAYER, 1).minimumNativeAmount();
      // 0.5 % under, rounded up to whole wei
      assertThat(minimum).isEqualTo(new BigInteger("995000000000000001"));

      assertThat(pay(nativeEth(quote, PAYER, 1), transaction(PAYER, RECIPIENT, minimum))).isInstanceOf(Verdict.Paying.class);
    }

    @Test
    void shouldRejectOneWeiMoreThanHalfAPercentUnder() {
      BigInteger tooLittle = nativeEth(quote, PAYER, 1).minimumNativeAmount().subtract(BigInteger.ONE);

      assertThat(reason(pay(nativeEth(quote, PAYER, 1), transaction(PAYER, RECIPIENT, tooLittle))))
          .isEqualTo(RejectionReason.UNDERPAID);
    }

    @Test
    void shouldAcceptOverpaymentAndRecordTheAmountReceived() {
      BigInteger more = quote.multiply(BigInteger.TWO);

      Verdict verdict = pay(nativeEth(quote, PAYER, 1), transaction(PAYER, RECIPIENT, more));

      assertThat(((Verdict.Paying) verdict).amount()).isEqualTo(more);
    }

    @Test
    void shouldRejectValueSentElsewhereAsWrongRecipient() {
      assertThat(reason(pay(nativeEth(quote, PAYER, 1), transaction(PAYER, STRANGER, quote))))
          .isEqualTo(RejectionReason.WRONG_RECIPIENT);
    }

    @Test
    void shouldRejectAContractCreationAsWrongRecipient() {
      assertThat(reason(pay(nativeEth(quote, PAYER, 1), transaction(PAYER, null, quote))))
          .isEqualTo(RejectionReason.WRONG_RECIPIENT);
    }

    @Test
    void shouldRejectAnotherSenderAsWrongPayer() {
      assertThat(reason(pay(nativeEth(quote, PAYER, 1), transaction(STRANGER, RECIPIENT, quote))))
          .isEqualTo(RejectionReason.WRONG_PAYER);
    }

    @Test
    void shouldCompareNativeAddressesCaseInsensitively() {
      Verdict verdict = pay(nativeEth(quote, PAYER, 1),
          transaction(PAYER.toUpperCase(Locale.ROOT).replace("0X", "0x"), "0x3333333333333333333333333333333333333333", quote));

      assertThat(verdict).isInstanceOf(Verdict.Paying.class);
      assertThat(((Verdict.Paying) verdict).payer()).isEqualTo(PAYER);
    }

    @Test
    void shouldRefuseATransactionThatIsNotTheReceipts() {
      assertThatThrownBy(() -> pay(nativeEth(quote, PAYER, 1), transaction(hash(0xdef), PAYER, RECIPIENT, quote)))
          .isInstanceOf(ChainDataException.class);
    }

    @Test
    void shouldTreatAMissingTransactionAsRetryable() {
      assertThatThrownBy(() -> pay(nativeEth(quote, PAYER, 1), null)).isInstanceOf(ChainDataException.class);
    }
  }

  @Nested
  class MalformedNodeAnswers {
    private void assertRetryable(JsonObject receipt, JsonObject header) {
      assertThatThrownBy(() -> verifier.verify(erc20(PRICE, PAYER, 1), receipt, null, header, BLOCK))
          .isInstanceOf(ChainDataException.class);
    }

    private JsonObject paying() {
      return receipt("0x1", BLOCK, transferLog(TOKEN, PAYER, RECIPIENT, PRICE));
    }

    @Test
    void shouldNotRejectOnAMissingStatus() {
      JsonObject receipt = paying();
      receipt.remove("status");
      assertRetryable(receipt, header(BLOCK, MINED));
    }

    @Test
    void shouldNotRejectOnAStatusOtherThanZeroOrOne() {
      assertRetryable(paying().put("status", "0x2"), header(BLOCK, MINED));
    }

    @Test
    void shouldNotAcceptABlockNumberWithoutHexPrefix() {
      assertRetryable(paying().put("blockNumber", "100"), header(BLOCK, MINED));
    }

    @Test
    void shouldNotAcceptAnEmptyOrNonHexQuantity() {
      assertRetryable(paying().put("status", "0x"), header(BLOCK, MINED));
      assertRetryable(paying().put("status", "0x1g"), header(BLOCK, MINED));
      assertRetryable(paying().put("status", "-0x1"), header(BLOCK, MINED));
    }

    @Test
    void shouldNotAcceptAHeaderOfAnotherBlock() {
      assertRetryable(paying(), header(BLOCK + 1, MINED));
    }

    @Test
    void shouldNotAcceptAMissingHeader() {
      assertRetryable(paying(), null);
    }

    @Test
    void shouldNotAcceptTransferDataOfTheWrongLength() {
      JsonObject log = transferLog(TOKEN, PAYER, RECIPIENT, PRICE).put("data", "0x01");
      assertRetryable(receipt("0x1", BLOCK, log), header(BLOCK, MINED));
    }

    @Test
    void shouldNotAcceptLogsThatAreNotAnArray() {
      assertRetryable(paying().put("logs", "none"), header(BLOCK, MINED));
    }

    @Test
    void shouldNotAcceptATokenTransferWithAFourthTopic() {
      JsonObject log = transferLog(TOKEN, PAYER, RECIPIENT, PRICE);
      log.getJsonArray("topics").add(hash(7));
      assertRetryable(receipt("0x1", BLOCK, log), header(BLOCK, MINED));
    }

    @Test
    void shouldNotAcceptATopicThatIsNotAnAddress() {
      JsonObject log = transferLog(TOKEN, PAYER, RECIPIENT, PRICE);
      log.getJsonArray("topics").set(2, hash(1).replace("0x00", "0xff"));
      assertRetryable(receipt("0x1", BLOCK, log), header(BLOCK, MINED));
    }

    @Test
    void shouldNotAcceptAHeaderWithoutTimestamp() {
      JsonObject header = header(BLOCK, MINED);
      header.remove("timestamp");
      assertRetryable(paying(), header);
    }

    @Test
    void shouldIgnoreLogsWithoutTopics() {
      JsonObject log = new JsonObject().put("address", OTHER_TOKEN).put("topics", new JsonArray()).put("data", "0x");
      Verdict verdict = verifier.verify(erc20(PRICE, PAYER, 1),
          receipt("0x1", BLOCK, log, transferLog(TOKEN, PAYER, RECIPIENT, PRICE)), null, header(BLOCK, MINED), BLOCK);
      assertThat(verdict).isInstanceOf(Verdict.Paying.class);
    }
  }
}
