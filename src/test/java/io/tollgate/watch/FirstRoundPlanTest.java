package io.tollgate.watch;

import io.tollgate.chain.RpcRequest;
import static io.tollgate.payment.ChainJson.CREATED;
import static io.tollgate.payment.ChainJson.PAYER;
import static io.tollgate.payment.ChainJson.erc20;
import static io.tollgate.payment.ChainJson.hash;
import static io.tollgate.payment.ChainJson.nativeEth;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.payment.ActivePayment;
import io.tollgate.payment.PaymentVerifier;
import io.tollgate.payment.Verdict;
import java.math.BigInteger;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class FirstRoundPlanTest {
  private static final BigInteger PRICE = BigInteger.valueOf(25_000_000);

  private final WatchMemory memory = new WatchMemory(new PaymentVerifier().nativeSource(), 16, 16);

  private static ActivePayment token(int n, int confirmations) {
    return ActivePayment.unmined(n, UUID.randomUUID(), hash(0x7000 + n), erc20(PRICE, PAYER, confirmations));
  }

  private static ActivePayment nativePayment(int n) {
    return ActivePayment.unmined(n, UUID.randomUUID(), hash(0x7000 + n), nativeEth(PRICE, PAYER, 1));
  }

  /** Payment n with a recorded receipt (and its verdict's details) in block {@code height}. */
  private static ActivePayment recorded(int n, long height, int confirmations) {
    return token(n, confirmations).withMined(new Verdict.Paying(height, hash(height), CREATED, PAYER, PRICE, 1, false));
  }

  private void processed(long head) {
    memory.processed(head, 0, new FirstRound(head, hash(head), CREATED, List.of(), List.of(), List.of()));
  }

  private static List<String> methods(FirstRoundPlan plan) {
    return plan.batch.calls().stream().map(RpcRequest::method).toList();
  }

  @Test
  void shouldAskTheHeadsHeaderFirstAndThenTheReceiptOfEveryUnminedTokenPayment() {
    FirstRoundPlan plan = FirstRoundPlan.of(101, false, List.of(token(1, 1), token(2, 1)), memory);

    assertThat(methods(plan)).containsExactly("eth_getBlockByNumber", "eth_getTransactionReceipt", "eth_getTransactionReceipt");
    assertThat(plan.batch.calls().get(0).params().getString(0)).isEqualTo("0x65");
    assertThat(plan.headHeader).isNotNull();
    assertThat(plan.receipts).extracting(asked -> asked.payment().paymentId()).containsExactly(1L, 2L);
    assertThat(plan.logs).isNull();
  }

  @Test
  void shouldAskNoHeaderInACatchUpRoundOnTheHeadItProcessed() {
    processed(101);

    FirstRoundPlan plan = FirstRoundPlan.of(101, true, List.of(token(3, 1)), memory);

    assertThat(methods(plan)).containsExactly("eth_getTransactionReceipt");
    assertThat(plan.headHeader).isNull();
  }

  @Test
  void shouldAskTheTransactionInsteadOfTheReceiptOfAnUnminedNativePayment() {
    FirstRoundPlan plan = FirstRoundPlan.of(101, false, List.of(nativePayment(1)), memory);

    assertThat(methods(plan)).containsExactly("eth_getBlockByNumber", "eth_getTransactionByHash");
    assertThat(plan.evidence).singleElement().satisfies(asked -> assertThat(asked.payment().paymentId()).isEqualTo(1));
    assertThat(plan.receipts).isEmpty();
  }

  @Test
  void shouldAskOneCanonicalHeaderPerHeightWhereRecordedReceiptsReachTheirConfirmations() {
    List<ActivePayment> active = List.of(recorded(1, 101, 3), recorded(2, 101, 3), recorded(3, 102, 3));

    FirstRoundPlan plan = FirstRoundPlan.of(103, false, active, memory);

    assertThat(methods(plan)).containsExactly("eth_getBlockByNumber", "eth_getBlockByNumber");
    assertThat(plan.batch.calls().get(1).params().getString(0)).isEqualTo("0x65");
    assertThat(plan.confirmable).extracting(ActivePayment::paymentId).containsExactly(1L, 2L);
    assertThat(plan.heights).containsOnlyKeys(101L);
  }

  @Test
  void shouldCheckNoCanonicalHeaderForAReceiptThatNeedsOneConfirmation() {
    FirstRoundPlan plan = FirstRoundPlan.of(101, false, List.of(recorded(1, 101, 1)), memory);

    assertThat(methods(plan)).containsExactly("eth_getBlockByNumber");
    assertThat(plan.confirmable).hasSize(1);
    assertThat(plan.heights).isEmpty();
  }

  @Test
  void shouldAskOneLogsCallInsteadOfTheReceiptsOfTokenPaymentsMissingAtTheLastHead() {
    ActivePayment first = token(1, 1);
    ActivePayment second = token(2, 1);
    ActivePayment justSubmitted = token(3, 1);
    memory.receiptMissing(first, 101);
    memory.receiptMissing(second, 101);
    processed(101);

    FirstRoundPlan plan = FirstRoundPlan.of(102, false, List.of(first, justSubmitted, second), memory);

    assertThat(methods(plan)).containsExactly("eth_getBlockByNumber", "eth_getTransactionReceipt", "eth_getLogs");
    assertThat(plan.viaLogs).containsExactly(first, second);
    assertThat(plan.logs).isNotNull();
  }

  @Test
  void shouldAskTheReceiptsAgainWhenTheHeadSkippedABlock() {
    ActivePayment waiting = token(1, 1);
    memory.receiptMissing(waiting, 101);
    processed(101);

    FirstRoundPlan plan = FirstRoundPlan.of(103, false, List.of(waiting), memory);

    assertThat(methods(plan)).containsExactly("eth_getBlockByNumber", "eth_getTransactionReceipt");
    assertThat(plan.viaLogs).isEmpty();
  }
}
