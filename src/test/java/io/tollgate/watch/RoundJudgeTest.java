package io.tollgate.watch;

import io.tollgate.chain.RpcException;
import static io.tollgate.payment.ChainJson.CREATED;
import static io.tollgate.payment.ChainJson.EXPIRES;
import static io.tollgate.payment.ChainJson.PAYER;
import static io.tollgate.payment.ChainJson.RECIPIENT;
import static io.tollgate.payment.ChainJson.TOKEN;
import static io.tollgate.payment.ChainJson.erc20;
import static io.tollgate.payment.ChainJson.hash;
import static io.tollgate.payment.ChainJson.nativeEth;
import static io.tollgate.payment.ChainJson.receipt;
import static io.tollgate.payment.ChainJson.transaction;
import static io.tollgate.payment.ChainJson.transferLog;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.payment.ActivePayment;
import io.tollgate.payment.PaymentVerifier;
import io.tollgate.payment.RejectionReason;
import io.tollgate.payment.Verdict;
import java.math.BigInteger;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The judge on answers as a node gives them (FakeEthRpc answers synchronously, without Vert.x). */
class RoundJudgeTest {
  private static final BigInteger PRICE = BigInteger.valueOf(25_000_000);
  private static final long GENESIS = 100;

  private final FakeEthRpc chain = new FakeEthRpc(GENESIS, CREATED.plusSeconds(60));
  private final WatchMemory memory = new WatchMemory(new PaymentVerifier().nativeSource(), 16, 16);
  private final RoundJudge judge = new RoundJudge(chain.chainId(), new PaymentVerifier(), memory);

  private static String tx(int n) {
    return hash(0x7000 + n);
  }

  private static ActivePayment token(int n) {
    return ActivePayment.unmined(n, UUID.randomUUID(), tx(n), erc20(PRICE, PAYER, 1));
  }

  private static ActivePayment nativePayment(int n) {
    return ActivePayment.unmined(n, UUID.randomUUID(), tx(n), nativeEth(PRICE, PAYER, 1));
  }

  private static io.vertx.core.json.JsonObject paysToken(int n) {
    return receipt(tx(n), "0x1", 0, transferLog(TOKEN, PAYER, RECIPIENT, PRICE));
  }

  private RoundPlan.Answers answer(RoundPlan plan) {
    return plan.answered(chain.batch(plan.calls()).result());
  }

  private FirstRound roundOne(List<ActivePayment> active) {
    FirstRoundPlan plan = FirstRoundPlan.of(chain.head, false, active, memory);
    return judge.first(plan, answer(plan.batch));
  }

  private List<Decision> roundTwo(FirstRound first) {
    SecondRoundPlan plan = SecondRoundPlan.of(first, memory);
    return plan == null ? List.of() : judge.second(first, plan, answer(plan.batch));
  }

  @Test
  void shouldPayATokenReceiptMinedInTheHeadBlockInRoundOne() {
    String block = chain.mine(paysToken(1));

    FirstRound first = roundOne(List.of(token(1)));

    assertThat(first.decided()).singleElement().satisfies(d -> assertThat(d.verdict())
        .isEqualTo(new Verdict.Paying(GENESIS + 1, block, chain.headTime(), PAYER, PRICE, 1, true)));
    assertThat(first.leftMissing()).isFalse();
    assertThat(first.headHash()).isEqualTo(block);
  }

  @Test
  void shouldSayTheHeadIsNotServedYetWhenTheNodeLacksItsBlock() {
    FirstRoundPlan plan = FirstRoundPlan.of(GENESIS + 1, false, List.of(token(1)), memory);
    RoundPlan.Answers answers = answer(plan.batch);

    assertThatThrownBy(() -> judge.first(plan, answers)).isInstanceOfSatisfying(HeadNotServedYet.class,
        e -> assertThat(e.head()).isEqualTo(GENESIS + 1));
  }

  /** Issue 22: a node whose head lags the wall clock is no witness that a transaction is missing. */
  @Test
  void shouldNotRejectAnUnminedPaymentOnTheWordOfAHeadLaggingTheWallClock() {
    chain.addBlock(GENESIS + 1, FakeEthRpc.blockHashOf(GENESIS + 1, 0), EXPIRES.plusSeconds(1));
    chain.head = GENESIS + 1;
    judge.witnessBound(java.time.Clock.fixed(EXPIRES.plusSeconds(1 + 121), java.time.ZoneOffset.UTC),
        java.time.Duration.ofSeconds(120));
    assertThat(roundOne(List.of(token(1))).decided()).as("head 121 s behind the wall clock").isEmpty();

    judge.witnessBound(java.time.Clock.fixed(EXPIRES.plusSeconds(1 + 119), java.time.ZoneOffset.UTC),
        java.time.Duration.ofSeconds(120));
    assertThat(roundOne(List.of(token(1))).decided()).as("head 119 s behind: a witness").singleElement()
        .satisfies(d -> assertThat(d.verdict()).isInstanceOf(Verdict.Rejected.class));
  }

  @Test
  void shouldRejectAnUnminedPaymentOnlyOnceTheHeadIsPastItsExpiry() {
    chain.addBlock(GENESIS + 1, FakeEthRpc.blockHashOf(GENESIS + 1, 0), EXPIRES);
    chain.head = GENESIS + 1;
    assertThat(roundOne(List.of(token(1))).decided()).as("a block at the expiry itself is still inside").isEmpty();

    chain.addBlock(GENESIS + 2, FakeEthRpc.blockHashOf(GENESIS + 2, 0), EXPIRES.plusSeconds(1));
    chain.head = GENESIS + 2;

    assertThat(roundOne(List.of(token(1))).decided()).singleElement().satisfies(d -> assertThat(d.verdict())
        .isInstanceOfSatisfying(Verdict.Rejected.class, r -> assertThat(r.reason()).isEqualTo(RejectionReason.NOT_MINED_BEFORE_EXPIRY)));
  }

  @Test
  void shouldNeverDecideAPaymentWhoseReceiptTheNodeDidNotServe() {
    chain.addBlock(GENESIS + 1, FakeEthRpc.blockHashOf(GENESIS + 1, 0), EXPIRES.plusSeconds(1));
    chain.head = GENESIS + 1;
    chain.receiptErrors.put(tx(1), new RpcException(-32005, "limit exceeded", null));

    FirstRound first = roundOne(List.of(token(1)));

    assertThat(first.decided()).isEmpty();
    assertThat(first.leftMissing()).isFalse();
  }

  @Test
  void shouldCallARecordedReceiptThatVanishedNotMined() {
    String block = chain.mine();
    ActivePayment recordedWithoutDetails = new ActivePayment(1, UUID.randomUUID(), tx(1), erc20(PRICE, PAYER, 1), GENESIS + 1, block);

    FirstRound first = roundOne(List.of(recordedWithoutDetails));

    assertThat(first.decided()).singleElement().satisfies(d -> assertThat(d.verdict()).isInstanceOf(Verdict.NotMined.class));
  }

  @Test
  void shouldLeaveAReceiptOfAnUncachedBlockToRoundTwoAndJudgeItThere() {
    String block = chain.mine(paysToken(1));
    chain.mine();

    FirstRound first = roundOne(List.of(token(1)));
    assertThat(first.decided()).isEmpty();
    assertThat(first.mined()).singleElement().satisfies(m -> assertThat(m.block().hash()).isEqualTo(block));

    assertThat(roundTwo(first)).singleElement().satisfies(d -> assertThat(d.verdict())
        .isInstanceOfSatisfying(Verdict.Paying.class, p -> assertThat(p.confirmations()).isEqualTo(2)));
  }

  @Test
  void shouldJudgeANativeTransactionSeenMinedInRoundOneFromItsReceiptInRoundTwo() {
    chain.transactions.put(tx(1), transaction(tx(1), PAYER, RECIPIENT, PRICE));
    chain.mine(receipt(tx(1), "0x1", 0));

    FirstRound first = roundOne(List.of(nativePayment(1)));
    assertThat(first.sighted()).singleElement().satisfies(s -> assertThat(s.block().number()).isEqualTo(GENESIS + 1));
    assertThat(memory.evidence().size()).as("kept for later heads").isEqualTo(1);

    assertThat(roundTwo(first)).singleElement().satisfies(d -> assertThat(d.verdict())
        .isInstanceOfSatisfying(Verdict.Paying.class, p -> assertThat(p.amount()).isEqualTo(PRICE)));
  }

  @Test
  void shouldNotJudgeAReceiptOfAnotherTransaction() {
    chain.mine(paysToken(9));
    chain.receipts.put(tx(1), chain.receipts.get(tx(9)));

    FirstRound first = roundOne(List.of(token(1)));

    assertThat(first.decided()).isEmpty();
    assertThat(first.leftMissing()).isFalse();
  }
}
