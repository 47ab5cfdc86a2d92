package io.tollgate.watch;

import static io.tollgate.payment.ChainJson.CREATED;
import static io.tollgate.payment.ChainJson.PAYER;
import static io.tollgate.payment.ChainJson.RECIPIENT;
import static io.tollgate.payment.ChainJson.TOKEN;
import static io.tollgate.payment.ChainJson.blockHash;
import static io.tollgate.payment.ChainJson.erc20;
import static io.tollgate.payment.ChainJson.hash;
import static io.tollgate.payment.ChainJson.header;
import static io.tollgate.payment.ChainJson.receipt;
import static io.tollgate.payment.ChainJson.transferLog;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.chain.RpcException;
import io.tollgate.chain.RpcResponse;
import io.tollgate.payment.ActivePayment;
import io.tollgate.payment.PaymentVerifier;
import io.tollgate.payment.RejectionReason;
import io.tollgate.payment.Verdict;
import java.math.BigInteger;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The finality re-check's judgement of one receipt answer, as a node gives it. */
class FinalityChecksTest {
  private static final BigInteger PRICE = BigInteger.valueOf(25_000_000);
  private static final String TX = hash(0x9001);
  private static final long MINED = 100;
  private static final long HEAD = 112;

  private final WatchMemory memory = new WatchMemory(new PaymentVerifier().nativeSource(), 16, 16);

  private static ActivePayment confirmed() {
    return new ActivePayment(1, UUID.randomUUID(), TX, erc20(PRICE, PAYER, 1), MINED, blockHash(MINED),
        CREATED.plusSeconds(30), PAYER, PRICE);
  }

  private List<Decision> judge(RpcResponse answer) {
    RoundPlan plan = new RoundPlan();
    FinalityChecks checks = FinalityChecks.ask(plan, List.of(confirmed()));
    assertThat(plan.calls()).hasSize(1);
    assertThat(plan.calls().get(0).method()).isEqualTo("eth_getTransactionReceipt");
    return checks.judge(31337, plan.answered(List.of(answer)), new PaymentVerifier(), memory, HEAD);
  }

  @Test
  void theSameBlockDeepEnoughIsFinal() {
    List<Decision> decided = judge(RpcResponse.ok(receipt(TX, "0x1", MINED, transferLog(TOKEN, PAYER, RECIPIENT, PRICE))));
    assertThat(decided).singleElement().extracting(Decision::verdict).isEqualTo(new Verdict.Final(blockHash(MINED)));
  }

  @Test
  void noReceiptIsCountedNotDecided() {
    assertThat(judge(RpcResponse.ok(null))).singleElement().extracting(Decision::verdict)
        .isInstanceOf(Verdict.Vanished.class);
  }

  @Test
  void aProviderErrorDecidesNothing() {
    assertThat(judge(RpcResponse.failed(new RpcException(-32005, "limit exceeded", null)))).isEmpty();
    assertThat(judge(RpcResponse.failed(new RpcException(-32000, "header not found", null)))).isEmpty();
  }

  @Test
  void minedAgainAndStillPayingUpdatesTheFacts() {
    memory.remember(header(MINED + 2, CREATED.plusSeconds(40)));
    List<Decision> decided = judge(RpcResponse.ok(receipt(TX, "0x1", MINED + 2, transferLog(TOKEN, PAYER, RECIPIENT, PRICE))));
    Verdict.Remined remined = (Verdict.Remined) decided.get(0).verdict();
    assertThat(remined.paying().blockNumber()).isEqualTo(MINED + 2);
    assertThat(remined.paying().blockHash()).isEqualTo(blockHash(MINED + 2));
    assertThat(remined.paying().blockTime()).isEqualTo(CREATED.plusSeconds(40));
  }

  @Test
  void minedAgainWhereItRevertsIsReversed() {
    List<Decision> decided = judge(RpcResponse.ok(receipt(TX, "0x0", MINED + 1)));
    assertThat(decided.get(0).verdict()).isInstanceOfSatisfying(Verdict.Reversed.class,
        r -> assertThat(r.reason()).isEqualTo(RejectionReason.TX_REVERTED));
  }

  @Test
  void minedAgainWithoutTheTransferIsReversed() {
    memory.remember(header(MINED + 1, CREATED.plusSeconds(35)));
    List<Decision> decided = judge(RpcResponse.ok(receipt(TX, "0x1", MINED + 1)));
    assertThat(decided.get(0).verdict()).isInstanceOf(Verdict.Reversed.class);
  }

  @Test
  void aReceiptOfAnotherTransactionDecidesNothing() {
    assertThat(judge(RpcResponse.ok(receipt(hash(0x9002), "0x1", MINED)))).isEmpty();
  }
}
