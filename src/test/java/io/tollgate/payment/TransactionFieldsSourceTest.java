package io.tollgate.payment;

import io.tollgate.chain.ChainDataException;
import static io.tollgate.payment.ChainJson.PAYER;
import static io.tollgate.payment.ChainJson.RECIPIENT;
import static io.tollgate.payment.ChainJson.TX_HASH;
import static io.tollgate.payment.ChainJson.blockHash;
import static io.tollgate.payment.ChainJson.hash;
import static io.tollgate.payment.ChainJson.nativeEth;
import static io.tollgate.payment.ChainJson.receipt;
import static io.tollgate.payment.ChainJson.transaction;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class TransactionFieldsSourceTest {
  private static final BigInteger WEI = new BigInteger("1000000000000000001");
  private final TransactionFieldsSource source = new TransactionFieldsSource();

  /** A transaction as a node serves it, with the fields transferOf does not read. */
  private static JsonObject fullTransaction() {
    return transaction(PAYER, RECIPIENT, WEI)
        .put("nonce", "0x7").put("gas", "0x5208").put("input", "0x").put("type", "0x2")
        .put("r", hash(1)).put("s", hash(2)).put("yParity", "0x1")
        .put("blockNumber", null).put("blockHash", null).put("transactionIndex", null);
  }

  @Test
  void shouldSayItsEvidenceIsFixedBeforeMining() {
    assertThat(source.evidenceFixedBeforeMining()).isTrue();
    assertThat(new NativeTransferSource() {
      @Override public String evidenceMethod() { return "debug_traceTransaction"; }
      @Override public io.vertx.core.json.JsonArray evidenceParams(String txHash) { return new io.vertx.core.json.JsonArray(); }
      @Override public NativeTransfer transferOf(PaymentExpectation e, JsonObject r, Object evidence) { return null; }
    }.evidenceFixedBeforeMining()).as("not unless a source says so").isFalse();
  }

  @Test
  void shouldReadAPendingTransactionAndKeepOnlyWhatTransferOfReads() {
    FixedEvidence read = source.fixedEvidence(TX_HASH, fullTransaction());

    assertThat(read.mined()).isFalse();
    assertThat(((JsonObject) read.evidence()).fieldNames()).containsExactlyInAnyOrder("hash", "from", "to", "value", "nonce", "hasData");
    PaymentExpectation expectation = nativeEth(WEI, PAYER, 1);
    JsonObject receipt = receipt("0x1", 100);
    assertThat(source.transferOf(expectation, receipt, read.evidence()))
        .isEqualTo(source.transferOf(expectation, receipt, fullTransaction()))
        .isEqualTo(new NativeTransfer(PAYER, RECIPIENT, WEI));
  }

  @Test
  void shouldReadWhereAMinedTransactionIs() {
    FixedEvidence read = source.fixedEvidence(TX_HASH,
        fullTransaction().put("blockNumber", "0x64").put("blockHash", blockHash(100)));

    assertThat(read.mined()).isTrue();
    assertThat(read.blockNumber()).isEqualTo(100);
    assertThat(read.blockHash()).isEqualTo(blockHash(100));
  }

  @Test
  void shouldKeepAContractCreationAsSentToNobody() {
    FixedEvidence read = source.fixedEvidence(TX_HASH, transaction(PAYER, null, WEI));

    assertThat(source.transferOf(nativeEth(WEI, PAYER, 1), receipt("0x1", 100), read.evidence()).to()).isNull();
  }

  @Test
  void shouldReturnNothingForATransactionTheNodeDoesNotKnow() {
    assertThat(source.fixedEvidence(TX_HASH, null)).isNull();
  }

  @Test
  void shouldRefuseAnotherTransactionThanTheOneAskedFor() {
    assertThatThrownBy(() -> source.fixedEvidence(TX_HASH, transaction(hash(0xdef), PAYER, RECIPIENT, WEI)))
        .isInstanceOf(ChainDataException.class);
  }

  @Test
  void shouldRefuseKeptEvidenceWithTheReceiptOfAnotherTransaction() {
    Object kept = source.fixedEvidence(TX_HASH, fullTransaction()).evidence();

    assertThatThrownBy(() -> source.transferOf(nativeEth(WEI, PAYER, 1), receipt(hash(0xdef), "0x1", 100), kept))
        .isInstanceOf(ChainDataException.class);
  }

  @Test
  void shouldKeepNothingMalformed() {
    assertThatThrownBy(() -> source.fixedEvidence(TX_HASH, fullTransaction().put("value", "1")))
        .isInstanceOf(ChainDataException.class);
    assertThatThrownBy(() -> source.fixedEvidence(TX_HASH, fullTransaction().put("from", "0x12")))
        .isInstanceOf(ChainDataException.class);
    assertThatThrownBy(() -> source.fixedEvidence(TX_HASH, fullTransaction().put("blockHash", blockHash(100))))
        .as("a block hash without its number").isInstanceOf(ChainDataException.class);
    assertThatThrownBy(() -> source.fixedEvidence(TX_HASH, "0x1")).isInstanceOf(ChainDataException.class);
  }
}
