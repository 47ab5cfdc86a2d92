package io.tollgate.watch;

import io.tollgate.chain.RpcRequest;
import static io.tollgate.payment.ChainJson.CREATED;
import static io.tollgate.payment.ChainJson.PAYER;
import static io.tollgate.payment.ChainJson.erc20;
import static io.tollgate.payment.ChainJson.hash;
import static io.tollgate.payment.ChainJson.header;
import static io.tollgate.payment.ChainJson.nativeEth;
import static io.tollgate.payment.ChainJson.receipt;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.payment.ActivePayment;
import io.tollgate.payment.ChainJson;
import io.tollgate.payment.PaymentVerifier;
import java.math.BigInteger;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SecondRoundPlanTest {
  private static final BigInteger PRICE = BigInteger.valueOf(25_000_000);

  private final WatchMemory memory = new WatchMemory(new PaymentVerifier().nativeSource(), 16, 16);

  private static Mined minedToken(int n, long height) {
    ActivePayment payment = ActivePayment.unmined(n, UUID.randomUUID(), hash(0x7000 + n), erc20(PRICE, PAYER, 1));
    return new Mined(payment, receipt(payment.txHash(), "0x1", height), block(height), null);
  }

  private static ActivePayment nativePayment(int n) {
    return ActivePayment.unmined(n, UUID.randomUUID(), hash(0x7000 + n), nativeEth(PRICE, PAYER, 1));
  }

  private static BlockKey block(long height) {
    return new BlockKey(height, ChainJson.blockHash(height));
  }

  private static FirstRound left(List<Mined> mined, List<Sighted> sighted) {
    return new FirstRound(102, hash(102), CREATED, List.of(), mined, sighted);
  }

  private static List<String> methods(SecondRoundPlan plan) {
    return plan.batch.calls().stream().map(RpcRequest::method).toList();
  }

  @Test
  void shouldBeNoPlanAtAllWhenRoundOneLeftNothingMissing() {
    assertThat(SecondRoundPlan.of(left(List.of(), List.of()), memory)).isNull();
  }

  @Test
  void shouldAskEachHeaderNotCachedOnceForAllTheReceiptsMinedInItsBlock() {
    memory.remember(header(102, CREATED));

    SecondRoundPlan plan = SecondRoundPlan.of(left(List.of(minedToken(1, 101), minedToken(2, 101), minedToken(3, 102)), List.of()), memory);

    assertThat(methods(plan)).containsExactly("eth_getBlockByHash");
    assertThat(plan.batch.calls().get(0).params().getString(0)).isEqualTo(ChainJson.blockHash(101));
    assertThat(plan.headers).containsOnlyKeys(block(101));
    assertThat(plan.pending).hasSize(3).allMatch(pending -> pending.evidence() == null);
  }

  @Test
  void shouldAskTheEvidenceOfANativeReceiptThatLacksIt() {
    memory.remember(header(102, CREATED));
    ActivePayment payment = nativePayment(1);
    Mined mined = new Mined(payment, receipt(payment.txHash(), "0x1", 102), block(102), null);

    SecondRoundPlan plan = SecondRoundPlan.of(left(List.of(mined), List.of()), memory);

    assertThat(methods(plan)).containsExactly("eth_getTransactionByHash");
    assertThat(plan.pending).singleElement().satisfies(pending -> assertThat(pending.evidence()).isNotNull());
  }

  @Test
  void shouldAskASightedTransactionsReceiptTogetherWithItsBlocksHeader() {
    Sighted sighted = new Sighted(nativePayment(1), new Object(), block(101));

    SecondRoundPlan plan = SecondRoundPlan.of(left(List.of(), List.of(sighted)), memory);

    assertThat(methods(plan)).containsExactly("eth_getTransactionReceipt", "eth_getBlockByHash");
    assertThat(plan.receipts).singleElement().satisfies(asked -> assertThat(asked.sighted()).isSameAs(sighted));
  }
}
