package io.tollgate.chain;

import static io.tollgate.payment.ChainJson.CREATED;
import static io.tollgate.payment.ChainJson.EXPIRES;
import static io.tollgate.payment.ChainJson.PAYER;
import static io.tollgate.payment.ChainJson.RECIPIENT;
import static io.tollgate.payment.ChainJson.STRANGER;
import static io.tollgate.payment.ChainJson.TOKEN;
import static io.tollgate.payment.ChainJson.erc20;
import static io.tollgate.payment.ChainJson.hash;
import static io.tollgate.payment.ChainJson.nativeEth;
import static io.tollgate.payment.ChainJson.receipt;
import static io.tollgate.payment.ChainJson.transaction;
import static io.tollgate.payment.ChainJson.transferLog;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.payment.ActivePayment;
import io.tollgate.payment.PaymentExpectation;
import io.tollgate.payment.PaymentVerifier;
import io.tollgate.payment.RejectionReason;
import io.tollgate.payment.Verdict;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ChainWatcherTest {
  private static final BigInteger PRICE = BigInteger.valueOf(25_000_000);
  private static final long GENESIS = 100;

  private final FakeEthRpc chain = new FakeEthRpc(GENESIS, CREATED.plusSeconds(60));
  private final InMemoryPayments store = new InMemoryPayments();
  private final List<String> headsSeen = new ArrayList<>();
  private final ChainWatcher watcher = new ChainWatcher(chain, store, store,
      (chainId, number, time) -> headsSeen.add(chainId + ":" + number + "@" + time.getEpochSecond()),
      new PaymentVerifier());

  private static String tx(int n) {
    return hash(0x7000 + n);
  }

  private ActivePayment tokenPayment(int n, int confirmations) {
    return ActivePayment.unmined(n, UUID.randomUUID(), tx(n), erc20(PRICE, PAYER, confirmations));
  }

  private static JsonObject paysToken(int n) {
    return receipt(tx(n), "0x1", 0, transferLog(TOKEN, PAYER, RECIPIENT, PRICE));
  }

  private void poll() {
    Future<Void> round = watcher.poll();
    assertThat(round.succeeded()).as("round outcome %s", round.cause()).isTrue();
  }

  @Test
  void shouldReportNothingAndAskForNoSecondRoundWhileAPaymentIsNotMined() {
    store.add(tokenPayment(1, 1));

    poll();

    assertThat(store.recorded).isEmpty();
    assertThat(chain.batches).hasSize(1);
    assertThat(chain.lastBatchMethods()).containsExactly("eth_getBlockByNumber", "eth_getTransactionReceipt");
    assertThat(watcher.rpcCalls()).isEqualTo(3); // eth_blockNumber + a batch of two
  }

  @Test
  void shouldCheckAPaymentSubmittedAfterItsBlockWithoutWaitingForTheNextHead() {
    store.add(tokenPayment(1, 1));
    chain.mine(paysToken(1), paysToken(2));
    poll(); // payment 1 confirmed; payment 2's hash is not submitted yet
    int batchesBefore = chain.batches.size();

    poll(); // same head, nothing submitted: no round at all
    assertThat(chain.batches).hasSize(batchesBefore);

    store.add(tokenPayment(2, 1));
    watcher.paymentSubmitted();
    poll(); // same head: a catch-up round for the new payment only

    assertThat(store.verdictsOf(2)).singleElement().isInstanceOfSatisfying(Verdict.Paying.class,
        p -> assertThat(p.confirmed()).isTrue());
    assertThat(chain.batches).hasSize(batchesBefore + 1);
    // the head's header is known from its round: only the new receipt is asked for
    assertThat(chain.batches.get(batchesBefore)).extracting(r -> r.method())
        .containsExactly("eth_getTransactionReceipt");
  }

  @Test
  void shouldConfirmAPaymentMinedInTheHeadBlockWithoutASecondRound() {
    store.add(tokenPayment(1, 1));
    String blockHash = chain.mine(paysToken(1));

    poll();

    assertThat(store.verdictsOf(1)).singleElement().isEqualTo(new Verdict.Paying(
        GENESIS + 1, blockHash, chain.headTime(), PAYER, PRICE, 1, true));
    assertThat(chain.batches).hasSize(1); // the head header fetched in round 1 is the receipt's block
    assertThat(store.active).isEmpty();
  }

  @Test
  void shouldFetchTheReceiptsBlockHeaderOnceForAllPaymentsMinedInIt() {
    for (int n = 1; n <= 5; n++) store.add(tokenPayment(n, 1));
    chain.mine(paysToken(1), paysToken(2), paysToken(3), paysToken(4), paysToken(5));
    chain.mine();

    poll();

    assertThat(store.recorded).hasSize(5).allMatch(r -> r.verdict() instanceof Verdict.Paying p && p.confirmations() == 2);
    assertThat(chain.batches).hasSize(2);
    assertThat(chain.batches.get(0)).hasSize(6);
    assertThat(chain.lastBatchMethods()).containsExactly("eth_getBlockByHash");
    assertThat(watcher.rpcCalls()).isEqualTo(1 + 6 + 1);
  }

  @Test
  void shouldFetchTheTransactionOfANativePaymentInTheSecondRound() {
    BigInteger wei = BigInteger.TEN.pow(18);
    store.add(ActivePayment.unmined(1, UUID.randomUUID(), tx(1), nativeEth(wei, PAYER, 1)));
    chain.transactions.put(tx(1), transaction(tx(1), PAYER, RECIPIENT, wei));
    chain.mine(receipt(tx(1), "0x1", 0));

    poll();

    assertThat(chain.lastBatchMethods()).containsExactly("eth_getTransactionByHash");
    assertThat(store.verdictsOf(1)).singleElement().isInstanceOfSatisfying(Verdict.Paying.class,
        p -> assertThat(p.amount()).isEqualTo(wei));
  }

  @Test
  void shouldReportARejectionOnce() {
    store.add(tokenPayment(1, 1));
    chain.mine(receipt(tx(1), "0x1", 0, transferLog(TOKEN, PAYER, STRANGER, PRICE)));

    poll();
    chain.mine();
    poll();

    assertThat(store.verdictsOf(1)).singleElement().isInstanceOfSatisfying(Verdict.Rejected.class,
        r -> assertThat(r.reason()).isEqualTo(RejectionReason.WRONG_RECIPIENT));
  }

  @Test
  void shouldWaitForConfirmationsWithoutPerPaymentCallsAndCheckTheBlockHashOnce() {
    store.add(tokenPayment(1, 3));
    store.add(tokenPayment(2, 3));
    String blockHash = chain.mine(paysToken(1), paysToken(2));

    poll(); // head 101: seen, 1 of 3
    assertThat(store.recorded).hasSize(2).allMatch(r -> r.verdict() instanceof Verdict.Paying p && !p.confirmed());

    chain.mine();
    int batchesBefore = chain.batches.size();
    poll(); // head 102: 2 of 3, nothing to ask about the payments
    assertThat(chain.batches.subList(batchesBefore, chain.batches.size()))
        .singleElement().satisfies(b -> assertThat(b).extracting(RpcRequest::method).containsExactly("eth_getBlockByNumber"));
    assertThat(store.recorded).hasSize(2);

    chain.mine();
    poll(); // head 103: 3 of 3, one shared canonical-hash lookup at height 101
    assertThat(chain.lastBatchMethods()).containsExactly("eth_getBlockByNumber", "eth_getBlockByNumber");
    assertThat(chain.batches.get(chain.batches.size() - 1).get(1).params().getString(0)).isEqualTo("0x65");
    assertThat(store.verdictsOf(1)).last().isEqualTo(new Verdict.Paying(
        GENESIS + 1, blockHash, CREATED.plusSeconds(72), PAYER, PRICE, 3, true));
    assertThat(store.active).isEmpty();
  }

  @Test
  void shouldTreatAPaymentWhoseBlockWasReorgedOutAsNotMinedAgain() {
    store.add(tokenPayment(1, 2));
    chain.mine(paysToken(1));
    poll();

    // The block at 101 is replaced; the transaction is back in the pool.
    chain.addBlock(GENESIS + 1, FakeEthRpc.blockHashOf(GENESIS + 1, 1), CREATED.plusSeconds(73));
    chain.receipts.remove(tx(1));
    chain.mine();
    poll();

    assertThat(store.verdictsOf(1)).last().isInstanceOf(Verdict.NotMined.class);
    assertThat(store.active.get(1L).isMined()).isFalse();

    chain.mine(paysToken(1)); // re-included at 103
    poll();
    assertThat(store.verdictsOf(1)).last().isInstanceOfSatisfying(Verdict.Paying.class, p -> {
      assertThat(p.blockNumber()).isEqualTo(GENESIS + 3);
      assertThat(p.confirmed()).isFalse();
    });
  }

  @Test
  void shouldReReadTheReceiptAtConfirmationWhenTheStoreKeptNoVerdictDetails() {
    String blockHash = chain.mine(paysToken(1));
    store.add(new ActivePayment(1, UUID.randomUUID(), tx(1), erc20(PRICE, PAYER, 2), GENESIS + 1, blockHash));
    chain.mine();

    poll();

    assertThat(chain.batches.get(0)).extracting(RpcRequest::method)
        .containsExactly("eth_getBlockByNumber", "eth_getTransactionReceipt");
    assertThat(store.verdictsOf(1)).singleElement().isInstanceOfSatisfying(Verdict.Paying.class,
        p -> assertThat(p.confirmed()).isTrue());
  }

  @Test
  void shouldRejectAPaymentStillUnminedWhenTheHeadIsPastItsExpiry() {
    store.add(tokenPayment(1, 1));
    chain.addBlock(GENESIS + 1, FakeEthRpc.blockHashOf(GENESIS + 1, 0), EXPIRES);
    chain.head = GENESIS + 1;
    poll();
    assertThat(store.recorded).as("a block at the expiry itself is still inside").isEmpty();

    chain.addBlock(GENESIS + 2, FakeEthRpc.blockHashOf(GENESIS + 2, 0), EXPIRES.plusSeconds(1));
    chain.head = GENESIS + 2;
    poll();

    assertThat(store.verdictsOf(1)).singleElement().isInstanceOfSatisfying(Verdict.Rejected.class,
        r -> assertThat(r.reason()).isEqualTo(RejectionReason.NOT_MINED_BEFORE_EXPIRY));
  }

  @Test
  void shouldNeverRejectBecauseTheNodeIsDown() {
    store.add(tokenPayment(1, 1));
    chain.addBlock(GENESIS + 1, FakeEthRpc.blockHashOf(GENESIS + 1, 0), EXPIRES.plusSeconds(600));
    chain.head = GENESIS + 1;
    chain.down = true;

    poll();
    poll();

    assertThat(store.recorded).isEmpty();
    assertThat(watcher.lastHead()).isEqualTo(-1);

    chain.down = false;
    poll();
    assertThat(watcher.lastHead()).isEqualTo(GENESIS + 1);
  }

  @Test
  void shouldSkipAPaymentWhoseReceiptCallFailedAndStillJudgeTheOthers() {
    store.add(tokenPayment(1, 1));
    store.add(tokenPayment(2, 1));
    chain.mine(paysToken(1), paysToken(2));
    chain.receiptErrors.put(tx(1), new RpcException(-32005, "limit exceeded", null));

    poll();

    assertThat(store.verdictsOf(1)).isEmpty();
    assertThat(store.verdictsOf(2)).hasSize(1);
  }

  @Test
  void shouldRetryAMalformedReceiptInsteadOfRejectingIt() {
    store.add(tokenPayment(1, 1));
    JsonObject broken = paysToken(1);
    chain.mine(broken);
    chain.receipts.get(tx(1)).put("status", "1");

    poll();
    assertThat(store.recorded).isEmpty();

    chain.receipts.get(tx(1)).put("status", "0x1");
    chain.mine();
    poll();
    assertThat(store.verdictsOf(1)).singleElement().isInstanceOf(Verdict.Paying.class);
  }

  @Test
  void shouldRunOneRoundPerHeadAndNoneForAHeadAlreadyProcessed() {
    store.add(tokenPayment(1, 1));

    poll();
    poll();

    assertThat(chain.batches).hasSize(1);
    assertThat(chain.calls).containsExactly("eth_blockNumber", "eth_blockNumber");
    assertThat(watcher.rounds()).isEqualTo(1);
  }

  @Test
  void shouldNotOverlapRoundsAndContinueWithTheNewestHeadRightAfter() {
    store.add(tokenPayment(1, 1));
    Promise<List<ActivePayment>> slowLoad = Promise.promise();
    store.nextLoad = slowLoad.future();

    Future<Void> slow = watcher.poll();
    chain.mine();
    chain.mine();
    chain.mine();
    assertThat(watcher.poll().succeeded()).isTrue(); // folded: a round is running
    assertThat(watcher.poll().succeeded()).isTrue(); // folded into the same one
    assertThat(chain.calls).hasSize(1);

    // The polls asked for meanwhile become one round right after, with the newest head, not a
    // round per head missed and not a wait for the next timer tick.
    slowLoad.complete(List.copyOf(store.active.values()));
    assertThat(slow.succeeded()).isTrue();
    assertThat(chain.calls).containsExactly("eth_blockNumber", "eth_blockNumber");

    assertThat(headsSeen).containsExactly("31337:100@" + CREATED.plusSeconds(60).getEpochSecond(),
        "31337:103@" + CREATED.plusSeconds(96).getEpochSecond());
    assertThat(watcher.rounds()).isEqualTo(2);
  }

  @Test
  void shouldRunTheRoundOfAnAnnouncedHeadWithoutAskingForTheHeadNumber() {
    store.add(tokenPayment(1, 1));
    chain.mine(paysToken(1));

    Future<Void> round = watcher.headAnnounced(GENESIS + 1);
    assertThat(round.succeeded()).as("round outcome %s", round.cause()).isTrue();

    assertThat(chain.calls).isEmpty();
    assertThat(watcher.lastHead()).isEqualTo(GENESIS + 1);
    assertThat(store.verdictsOf(1)).singleElement().isInstanceOf(Verdict.Paying.class);
    // An announcement of a head already processed costs nothing.
    assertThat(watcher.headAnnounced(GENESIS + 1).succeeded()).isTrue();
    assertThat(chain.calls).isEmpty();
    assertThat(chain.batches).hasSize(1);
  }

  @Test
  void shouldCatchUpOnTheProcessedHeadWithoutAskingForTheHeadNumber() {
    store.add(tokenPayment(1, 1));
    chain.mine(paysToken(1), paysToken(2));
    poll(); // payment 1 confirmed; payment 2's hash is not submitted yet
    int batchesBefore = chain.batches.size();
    int callsBefore = chain.calls.size();

    store.add(tokenPayment(2, 1));
    watcher.paymentSubmitted();
    Future<Void> round = watcher.catchUp();
    assertThat(round.succeeded()).as("round outcome %s", round.cause()).isTrue();

    assertThat(chain.calls).as("no eth_blockNumber").hasSize(callsBefore);
    assertThat(chain.batches).hasSize(batchesBefore + 1);
    assertThat(chain.batches.get(batchesBefore)).extracting(r -> r.method()).containsExactly("eth_getTransactionReceipt");
    assertThat(store.verdictsOf(2)).singleElement().isInstanceOf(Verdict.Paying.class);

    assertThat(watcher.catchUp().succeeded()).isTrue(); // nothing submitted since: no round at all
    assertThat(chain.batches).hasSize(batchesBefore + 1);
    assertThat(chain.calls).hasSize(callsBefore);
  }

  @Test
  void shouldReportAgainOnALaterHeadWhenRecordingFailed() {
    store.add(tokenPayment(1, 1));
    chain.mine(paysToken(1));
    store.failWrites = 1;

    poll();
    assertThat(store.recorded).isEmpty();

    chain.mine();
    poll();
    assertThat(store.verdictsOf(1)).singleElement().isInstanceOf(Verdict.Paying.class);
  }

  @Test
  void shouldRememberHeadersAcrossHeads() {
    store.add(tokenPayment(1, 1));
    chain.mine(paysToken(1));
    chain.mine();
    poll(); // fetches header 101 by hash

    store.add(tokenPayment(2, 1));
    chain.receipts.put(tx(2), paysToken(2).put("blockNumber", "0x65").put("blockHash", FakeEthRpc.blockHashOf(101, 0)));
    chain.mine();
    int before = chain.batches.size();
    poll();

    assertThat(chain.batches.size() - before).as("no second round: header 101 is cached").isEqualTo(1);
    assertThat(store.verdictsOf(2)).singleElement().isInstanceOf(Verdict.Paying.class);
  }

  @Test
  void shouldReportOnlyVerdictsThatChangeTheStore() {
    ActivePayment unmined = tokenPayment(1, 3);
    PaymentExpectation expectation = unmined.expectation();
    Verdict.Paying paying = new Verdict.Paying(5, hash(5), Instant.EPOCH, PAYER, PRICE, 1, false);
    ActivePayment mined = unmined.withMined(paying);

    assertThat(ChainWatcher.changes(unmined, new Verdict.NotMined())).isFalse();
    assertThat(ChainWatcher.changes(unmined, paying)).isTrue();
    assertThat(ChainWatcher.changes(mined, paying)).isFalse();
    assertThat(ChainWatcher.changes(mined, new Verdict.Paying(5, hash(5), Instant.EPOCH, PAYER, PRICE, 3, true))).isTrue();
    assertThat(ChainWatcher.changes(mined, new Verdict.Paying(6, hash(6), Instant.EPOCH, PAYER, PRICE, 1, false))).isTrue();
    assertThat(ChainWatcher.changes(mined, new Verdict.NotMined())).isTrue();
    assertThat(expectation.requiredConfirmations()).isEqualTo(3);
  }
}
