package io.tollgate.watch;

import io.tollgate.chain.HeadListener;
import io.tollgate.chain.RpcException;
import io.tollgate.chain.RpcRequest;
import io.tollgate.chain.RpcUnavailableException;
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
import io.tollgate.payment.NativeTransfer;
import io.tollgate.payment.NativeTransferSource;
import io.tollgate.payment.PaymentExpectation;
import io.tollgate.payment.PaymentVerifier;
import io.tollgate.payment.RejectionReason;
import io.tollgate.payment.TransactionFieldsSource;
import io.tollgate.payment.Verdict;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ChainWatcherTest {
  private static final BigInteger PRICE = BigInteger.valueOf(25_000_000);
  private static final long GENESIS = 100;
  private static final BigInteger WEI = BigInteger.TEN.pow(16);

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

  private void catchUp() {
    Future<Void> round = watcher.catchUp();
    assertThat(round.succeeded()).as("round outcome %s", round.cause()).isTrue();
  }

  /** The methods of every batch from the given index on, batch by batch. */
  private List<List<String>> methodsSince(int batch) {
    return chain.batches.subList(batch, chain.batches.size()).stream()
        .map(b -> b.stream().map(RpcRequest::method).toList()).toList();
  }

  private ActivePayment nativePayment(int n) {
    return ActivePayment.unmined(n, UUID.randomUUID(), tx(n), nativeEth(WEI, PAYER, 1));
  }

  /** The buyer sends payment n's transaction: the node has it, pending. */
  private void send(int n) {
    chain.transactions.put(tx(n), transaction(tx(n), PAYER, RECIPIENT, WEI));
  }

  private static JsonObject paysNative(int n) {
    return receipt(tx(n), "0x1", 0);
  }

  private void submit(ActivePayment payment) {
    store.add(payment);
    watcher.paymentSubmitted();
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
  void shouldAskTheReceiptOfANativePaymentFirstSeenMinedInTheSecondRound() {
    BigInteger wei = BigInteger.TEN.pow(18);
    store.add(ActivePayment.unmined(1, UUID.randomUUID(), tx(1), nativeEth(wei, PAYER, 1)));
    chain.transactions.put(tx(1), transaction(tx(1), PAYER, RECIPIENT, wei));
    chain.mine(receipt(tx(1), "0x1", 0));

    poll();

    // The transaction is asked instead of the receipt; it says mined, so the receipt follows.
    assertThat(methodsSince(0)).containsExactly(
        List.of("eth_getBlockByNumber", "eth_getTransactionByHash"), List.of("eth_getTransactionReceipt"));
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
  void anAnnouncedHeadTheHttpNodeLacksIsRetriedQuietlyAndWarnedAboutOnlyWhenTheLagLasts() {
    ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(ChainWatcher.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged = new ch.qos.logback.core.read.ListAppender<>();
    logged.start();
    log.addAppender(logged);
    long[] now = {0};
    watcher.nanoClock(() -> now[0]);
    try {
      store.add(tokenPayment(1, 1));
      // the socket's node announces a block the HTTP node does not serve yet
      for (int i = 0; i < 5; i++) {
        now[0] += java.time.Duration.ofSeconds(2).toNanos();
        assertThat(watcher.headAnnounced(GENESIS + 1).succeeded()).isTrue();
      }
      assertThat(watcher.lastHead()).isEqualTo(-1);
      assertThat(logged.list).noneMatch(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.INFO));

      // still behind 30 s after the first miss: one warning, not one per round
      now[0] += ChainWatcher.HEAD_LAG_WARNING.toNanos();
      watcher.headAnnounced(GENESIS + 1);
      watcher.headAnnounced(GENESIS + 1);
      assertThat(logged.list).filteredOn(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN).singleElement()
          .satisfies(e -> assertThat(e.getFormattedMessage()).contains("has not served announced heads"));

      // the HTTP node catches up: the round runs, and the recovery is said once
      chain.mine(paysToken(1));
      assertThat(watcher.headAnnounced(GENESIS + 1).succeeded()).isTrue();
      assertThat(watcher.lastHead()).isEqualTo(GENESIS + 1);
      assertThat(store.verdictsOf(1)).singleElement().isInstanceOf(Verdict.Paying.class);
      assertThat(logged.list).filteredOn(e -> e.getLevel() == ch.qos.logback.classic.Level.INFO)
          .singleElement().satisfies(e -> assertThat(e.getFormattedMessage()).contains("serves the announced heads again"));
      assertThat(logged.list).filteredOn(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN).hasSize(1);
    } finally {
      log.detachAppender(logged);
    }
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

  /**
   * Payment 1 (ERC-20, decided in round 1) and payment 2 (native, first seen already mined: its
   * receipt comes in round 2), mined in the next block.
   */
  private void mineATokenPaymentAndANativeOneThatNeedsRoundTwo() {
    store.add(tokenPayment(1, 1));
    store.add(nativePayment(2));
    send(2);
    chain.mine(paysToken(1), paysNative(2));
  }

  @Test
  void shouldWriteRoundOnesVerdictsWithoutWaitingForRoundTwo() {
    mineATokenPaymentAndANativeOneThatNeedsRoundTwo();
    Promise<Void> roundTwo = Promise.promise();
    chain.held.put(1, roundTwo.future());

    Future<Void> round = watcher.poll();

    assertThat(store.verdictsOf(1)).singleElement().isInstanceOf(Verdict.Paying.class);
    assertThat(store.verdictsOf(2)).isEmpty();
    assertThat(round.isComplete()).as("the round ends after round 2").isFalse();

    roundTwo.complete();

    assertThat(round.succeeded()).isTrue();
    assertThat(store.verdictsOf(2)).singleElement().isInstanceOf(Verdict.Paying.class);
    assertThat(watcher.lastHead()).isEqualTo(GENESIS + 1);
  }

  @Test
  void shouldWriteRoundTwosVerdictsWithoutWaitingForRoundOnesWrite() {
    mineATokenPaymentAndANativeOneThatNeedsRoundTwo();
    Promise<Void> firstWrite = Promise.promise();
    store.nextWrite = firstWrite.future();

    Future<Void> round = watcher.poll();

    assertThat(chain.batches).as("round 2 asked meanwhile").hasSize(2);
    assertThat(store.recorded).as("round 2's verdict written while round 1's is not yet")
        .extracting(InMemoryPayments.Recorded::paymentId).containsExactly(2L);
    assertThat(round.isComplete()).as("the round ends once both are written").isFalse();

    firstWrite.complete();

    assertThat(round.succeeded()).isTrue();
    assertThat(store.recorded).extracting(InMemoryPayments.Recorded::paymentId).containsExactly(2L, 1L);
    assertThat(watcher.lastHead()).isEqualTo(GENESIS + 1);
  }

  @Test
  void shouldEndTheRoundOnlyAfterRoundTwosWrite() {
    mineATokenPaymentAndANativeOneThatNeedsRoundTwo();
    Promise<Void> roundTwo = Promise.promise();
    chain.held.put(1, roundTwo.future());

    Future<Void> round = watcher.poll();
    Promise<Void> secondWrite = Promise.promise();
    store.nextWrite = secondWrite.future(); // round 1's is written; the next write is round 2's
    roundTwo.complete();

    assertThat(store.verdictsOf(2)).isEmpty();
    assertThat(round.isComplete()).as("round 2's verdict still being written").isFalse();

    secondWrite.complete();

    assertThat(round.succeeded()).isTrue();
    assertThat(store.verdictsOf(2)).singleElement().isInstanceOf(Verdict.Paying.class);
  }

  @Test
  void shouldSkipTheRoundWhenRoundTwoFailsButKeepRoundOnesVerdicts() {
    mineATokenPaymentAndANativeOneThatNeedsRoundTwo();
    chain.held.put(1, Future.failedFuture(new RpcUnavailableException("down", null)));

    poll();

    assertThat(store.verdictsOf(1)).singleElement().isInstanceOf(Verdict.Paying.class);
    assertThat(store.verdictsOf(2)).isEmpty();
    assertThat(watcher.lastHead()).as("skipped: the head is checked again").isEqualTo(-1);

    poll();
    assertThat(store.verdictsOf(2)).singleElement().isInstanceOf(Verdict.Paying.class);
    assertThat(store.verdictsOf(1)).as("written once").hasSize(1);
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

  /**
   * A native payment's transaction fields are fixed by its hash, so they are read while it is
   * pending (in its submission's catch-up round, instead of a receipt that is not there yet) and
   * kept: the block that mines it then costs its receipt alone, in one batch.
   */
  @Nested
  class NativeEvidenceBeforeMining {

    @Test
    void shouldAskOnlyTheTransactionAtTheCatchUpAndOnlyTheReceiptInTheBlockThatMinesIt() {
      poll(); // head 100 processed before the payment
      send(1);
      submit(nativePayment(1));
      int before = chain.batches.size();

      catchUp();

      assertThat(methodsSince(before)).containsExactly(List.of("eth_getTransactionByHash"));
      assertThat(store.recorded).isEmpty();
      assertThat(watcher.evidenceKept()).isEqualTo(1);

      String block = chain.mine(paysNative(1));
      before = chain.batches.size();
      long callsBefore = watcher.rpcCalls();
      poll();

      assertThat(methodsSince(before)).as("one batch: the head's header is the receipt's block's, the transaction is known")
          .containsExactly(List.of("eth_getBlockByNumber", "eth_getTransactionReceipt"));
      assertThat(watcher.rpcCalls() - callsBefore).as("eth_blockNumber + the batch").isEqualTo(3);
      assertThat(store.verdictsOf(1)).singleElement()
          .isEqualTo(new Verdict.Paying(GENESIS + 1, block, chain.headTime(), PAYER, WEI, 1, true));
    }

    @Test
    void shouldPayInOneBatchWhenTheMiningBlockIsAnnounced() {
      poll();
      send(1);
      submit(nativePayment(1));
      catchUp();
      chain.mine(paysNative(1));
      int before = chain.batches.size();

      Future<Void> round = watcher.headAnnounced(GENESIS + 1);

      assertThat(round.succeeded()).as("round outcome %s", round.cause()).isTrue();
      assertThat(methodsSince(before)).containsExactly(List.of("eth_getBlockByNumber", "eth_getTransactionReceipt"));
      assertThat(store.verdictsOf(1)).singleElement().isInstanceOf(Verdict.Paying.class);
    }

    @Test
    void shouldDecideATransactionAlreadyMinedAtSubmissionInItsCatchUpRound() {
      send(1);
      String block = chain.mine(paysNative(1));
      poll(); // head 101 processed before the payment was submitted
      submit(nativePayment(1));
      int before = chain.batches.size();

      catchUp();

      // The transaction says mined in the head block, whose header is known: its receipt follows.
      assertThat(methodsSince(before)).containsExactly(
          List.of("eth_getTransactionByHash"), List.of("eth_getTransactionReceipt"));
      assertThat(store.verdictsOf(1)).singleElement()
          .isEqualTo(new Verdict.Paying(GENESIS + 1, block, chain.headTime(), PAYER, WEI, 1, true));
    }

    @Test
    void shouldFetchTheReceiptAndItsBlocksHeaderTogetherForATransactionMinedBeforeTheHead() {
      send(1);
      String block = chain.mine(paysNative(1));
      chain.mine();
      poll(); // head 102: block 101's header was never asked for
      submit(nativePayment(1));
      int before = chain.batches.size();

      catchUp();

      assertThat(methodsSince(before)).containsExactly(
          List.of("eth_getTransactionByHash"), List.of("eth_getTransactionReceipt", "eth_getBlockByHash"));
      assertThat(chain.batches.get(before + 1).get(1).params().getString(0)).isEqualTo(block);
      assertThat(store.verdictsOf(1)).singleElement().isInstanceOfSatisfying(Verdict.Paying.class,
          p -> assertThat(p.confirmations()).isEqualTo(2));
    }

    @Test
    void shouldKeepNothingForATransactionTheNodeDoesNotKnowAndCostNoMoreThanAskingTheReceipt() {
      poll();
      submit(nativePayment(1)); // the node has not seen the transaction yet
      long callsBefore = watcher.rpcCalls();

      catchUp();
      assertThat(watcher.evidenceKept()).isZero();
      assertThat(store.recorded).isEmpty();

      send(1);
      chain.mine(paysNative(1));
      int before = chain.batches.size();
      poll();

      assertThat(methodsSince(before)).containsExactly(
          List.of("eth_getBlockByNumber", "eth_getTransactionByHash"), List.of("eth_getTransactionReceipt"));
      assertThat(store.verdictsOf(1)).singleElement().isInstanceOf(Verdict.Paying.class);
      // As many as receipt first: [receipt] at the catch-up, then eth_blockNumber, [head, receipt], [transaction].
      assertThat(watcher.rpcCalls() - callsBefore).isEqualTo(1 + 1 + 2 + 1);
    }

    @Test
    void shouldKeepTheEvidenceOfATransactionFirstSeenPendingInABlockRound() {
      send(1);
      store.add(nativePayment(1)); // submitted before the round, no catch-up ran for it

      poll();
      assertThat(chain.lastBatchMethods()).containsExactly("eth_getBlockByNumber", "eth_getTransactionByHash");

      chain.mine(paysNative(1));
      int before = chain.batches.size();
      poll();

      assertThat(methodsSince(before)).containsExactly(List.of("eth_getBlockByNumber", "eth_getTransactionReceipt"));
      assertThat(store.verdictsOf(1)).singleElement().isInstanceOf(Verdict.Paying.class);
    }

    @Test
    void shouldAskTheReceiptFirstWhenTheSourcesEvidenceExistsOnlyAfterMining() {
      ChainWatcher tracing = new ChainWatcher(chain, store, store, HeadListener.NONE,
          new PaymentVerifier(new AfterMiningSource()));
      assertThat(tracing.poll().succeeded()).isTrue();
      send(1);
      store.add(nativePayment(1));
      tracing.paymentSubmitted();
      int before = chain.batches.size();

      assertThat(tracing.catchUp().succeeded()).isTrue();
      assertThat(methodsSince(before)).containsExactly(List.of("eth_getTransactionReceipt"));

      chain.mine(paysNative(1));
      before = chain.batches.size();
      assertThat(tracing.poll().succeeded()).isTrue();

      assertThat(methodsSince(before)).containsExactly(
          List.of("eth_getBlockByNumber", "eth_getTransactionReceipt"), List.of("eth_getTransactionByHash"));
      assertThat(store.verdictsOf(1)).singleElement().isInstanceOf(Verdict.Paying.class);
      assertThat(tracing.evidenceKept()).isZero();
    }

    @Test
    void shouldKeepNoEvidenceThatIsAnotherTransactions() {
      poll();
      chain.transactions.put(tx(1), transaction(tx(9), PAYER, RECIPIENT, WEI)); // a node answering nonsense
      submit(nativePayment(1));

      catchUp();
      assertThat(watcher.evidenceKept()).isZero();

      chain.mine(paysNative(1));
      int before = chain.batches.size();
      poll();

      assertThat(methodsSince(before)).as("not kept: asked again").containsExactly(
          List.of("eth_getBlockByNumber", "eth_getTransactionByHash"));
      assertThat(store.recorded).isEmpty();
    }

    @Test
    void shouldNotAcceptAReceiptOfAnotherTransactionThanTheKeptOne() {
      poll();
      send(1);
      submit(nativePayment(1));
      catchUp();
      chain.transactions.put(tx(9), transaction(tx(9), PAYER, RECIPIENT, WEI));
      chain.mine(paysNative(9));
      chain.receipts.put(tx(1), chain.receipts.get(tx(9))); // the node answers with another receipt

      poll();

      assertThat(chain.lastBatchMethods()).containsExactly("eth_getBlockByNumber", "eth_getTransactionReceipt");
      assertThat(store.recorded).isEmpty();
    }

    @Test
    void shouldRejectATransactionStillPendingWhenTheHeadIsPastTheExpiryButNeverOnAnUnservedAnswer() {
      send(1);
      store.add(nativePayment(1));
      store.add(nativePayment(2));
      chain.transactionErrors.put(tx(2), new RpcException(-32005, "limit exceeded", null));
      chain.addBlock(GENESIS + 1, FakeEthRpc.blockHashOf(GENESIS + 1, 0), EXPIRES.plusSeconds(1));
      chain.head = GENESIS + 1;

      poll();

      assertThat(store.verdictsOf(1)).singleElement().isInstanceOfSatisfying(Verdict.Rejected.class,
          r -> assertThat(r.reason()).isEqualTo(RejectionReason.NOT_MINED_BEFORE_EXPIRY));
      assertThat(store.verdictsOf(2)).isEmpty();
    }

    @Test
    void shouldNeverRejectATransactionInABlockWhoseReceiptIsNotServedYet() {
      store.add(nativePayment(1));
      send(1);
      chain.transactions.get(tx(1)).put("blockNumber", "0x64").put("blockHash", FakeEthRpc.blockHashOf(GENESIS, 0));
      chain.addBlock(GENESIS + 1, FakeEthRpc.blockHashOf(GENESIS + 1, 0), EXPIRES.plusSeconds(1));
      chain.head = GENESIS + 1; // past the expiry, and no receipt: another node answered the transaction

      poll();

      assertThat(methodsSince(0)).containsExactly(List.of("eth_getBlockByNumber", "eth_getTransactionByHash"),
          List.of("eth_getTransactionReceipt", "eth_getBlockByHash"));
      assertThat(store.recorded).isEmpty();
      assertThat(watcher.evidenceKept()).isEqualTo(1);
    }

    @Test
    void shouldKeepEvidenceOnlyWhileItsPaymentIsActive() {
      poll();
      send(1);
      send(2);
      submit(nativePayment(1));
      submit(nativePayment(2));
      catchUp();
      assertThat(watcher.evidenceKept()).isEqualTo(2);

      chain.mine(paysNative(1));
      poll(); // payment 1 paid
      assertThat(store.active).containsOnlyKeys(2L);
      chain.mine();
      poll(); // the next full round drops what only payment 1 needed

      assertThat(watcher.evidenceKept()).isEqualTo(1);
    }

    @Test
    void shouldKeepNoMoreEvidenceThanItsCapAndAskAgainForWhatItDropped() {
      ChainWatcher small = new ChainWatcher(chain, store, store, HeadListener.NONE, new PaymentVerifier(), 256, 2);
      assertThat(small.poll().succeeded()).isTrue();
      for (int n = 1; n <= 3; n++) {
        send(n);
        store.add(nativePayment(n));
      }
      small.paymentSubmitted();
      assertThat(small.catchUp().succeeded()).isTrue();
      assertThat(small.evidenceKept()).isEqualTo(2);

      chain.mine(paysNative(1), paysNative(2), paysNative(3));
      int before = chain.batches.size();
      assertThat(small.poll().succeeded()).isTrue();

      // Payment 1's evidence (the oldest) was dropped: it is asked again, its receipt next.
      assertThat(methodsSince(before)).containsExactly(
          List.of("eth_getBlockByNumber", "eth_getTransactionByHash", "eth_getTransactionReceipt", "eth_getTransactionReceipt"),
          List.of("eth_getTransactionReceipt"));
      assertThat(store.recorded).hasSize(3).allMatch(r -> r.verdict() instanceof Verdict.Paying);
      assertThat(small.evidenceKept()).isEqualTo(2);
    }
  }

  /** The transaction's fields read only after mining, as a trace-based source would be. */
  private static final class AfterMiningSource implements NativeTransferSource {
    private final TransactionFieldsSource fields = new TransactionFieldsSource();

    @Override
    public String evidenceMethod() { return fields.evidenceMethod(); }

    @Override
    public JsonArray evidenceParams(String txHash) { return fields.evidenceParams(txHash); }

    @Override
    public NativeTransfer transferOf(PaymentExpectation expectation, JsonObject receipt, Object evidence) {
      return fields.transferOf(expectation, receipt, evidence);
    }
  }

  /**
   * An ERC-20 payment whose receipt was missing at the previous head is decided from the next
   * head's Transfer logs, one eth_getLogs for all of them, in the batch that asks the header.
   */
  @Nested
  class TransferLogsInsteadOfReceipts {

    /** Payment n (ERC-20, 1 confirmation) submitted and found unmined at the current head. */
    private void waiting(int n) {
      submit(tokenPayment(n, 1));
      catchUp();
    }

    @Test
    void shouldConfirmFromTheNextHeadsLogsWithoutAskingTheReceipt() {
      poll();
      waiting(1);
      waiting(2);
      String blockHash = chain.mine(paysToken(1), paysToken(2));
      int before = chain.batches.size();
      long callsBefore = watcher.rpcCalls();

      poll();

      assertThat(methodsSince(before)).containsExactly(List.of("eth_getBlockByNumber", "eth_getLogs"));
      assertThat(watcher.rpcCalls() - callsBefore).as("eth_blockNumber + [header, logs]").isEqualTo(3);
      for (int n = 1; n <= 2; n++) {
        assertThat(store.verdictsOf(n)).as("payment %d", n).singleElement().isEqualTo(new Verdict.Paying(
            GENESIS + 1, blockHash, chain.headTime(), PAYER, PRICE, 1, true));
      }
      assertThat(store.active).isEmpty();
      JsonObject filter = chain.batches.get(before).get(1).params().getJsonObject(0);
      assertThat(filter.getString("fromBlock")).isEqualTo(filter.getString("toBlock")).isEqualTo("0x65");
      assertThat(filter.getJsonArray("address")).containsExactly(TOKEN.toLowerCase());
    }

    @Test
    void shouldGiveTheVerdictTheReceiptWouldForLogsThatDoNotPayExactly() {
      poll();
      waiting(1);
      chain.mine(receipt(tx(1), "0x1", 0, transferLog(TOKEN, PAYER, RECIPIENT, PRICE.subtract(BigInteger.ONE))));

      poll();

      assertThat(store.verdictsOf(1)).singleElement().isInstanceOfSatisfying(Verdict.Rejected.class,
          r -> assertThat(r.reason()).isEqualTo(RejectionReason.UNDERPAID));
      assertThat(chain.lastBatchMethods()).containsExactly("eth_getBlockByNumber", "eth_getLogs");
    }

    @Test
    void shouldAskTheReceiptOfATransactionTheHeadListsWithoutLogsToTheRecipient() {
      poll();
      waiting(1);
      waiting(2);
      chain.mine(receipt(tx(1), "0x0", 0), receipt(tx(2), "0x1", 0, transferLog(TOKEN, PAYER, STRANGER, PRICE)));
      int before = chain.batches.size();

      poll();

      assertThat(methodsSince(before)).containsExactly(List.of("eth_getBlockByNumber", "eth_getLogs"),
          List.of("eth_getTransactionReceipt", "eth_getTransactionReceipt"));
      assertThat(store.verdictsOf(1)).singleElement().isInstanceOfSatisfying(Verdict.Rejected.class,
          r -> assertThat(r.reason()).isEqualTo(RejectionReason.TX_REVERTED));
      assertThat(store.verdictsOf(2)).singleElement().isInstanceOfSatisfying(Verdict.Rejected.class,
          r -> assertThat(r.reason()).isEqualTo(RejectionReason.WRONG_RECIPIENT));
    }

    @Test
    void shouldAskNoReceiptForATransactionTheHeadDoesNotListButItsReceiptAtTheHeadAfter() {
      poll();
      waiting(1);
      chain.mine();
      int before = chain.batches.size();
      poll();
      assertThat(methodsSince(before)).containsExactly(List.of("eth_getBlockByNumber", "eth_getLogs"));
      assertThat(store.verdictsOf(1)).isEmpty();

      // The logs never count as a miss: the next head asks the receipt, in case the miss before came
      // from a node behind the head (the transaction could then be in a block the logs never covered).
      String blockHash = chain.mine(paysToken(1));
      before = chain.batches.size();
      poll();

      assertThat(methodsSince(before)).containsExactly(List.of("eth_getBlockByNumber", "eth_getTransactionReceipt"));
      assertThat(store.verdictsOf(1)).singleElement().isEqualTo(new Verdict.Paying(
          GENESIS + 2, blockHash, chain.headTime(), PAYER, PRICE, 1, true));
    }

    @Test
    void shouldLeaveThePaymentsToTheNextHeadsReceiptsWhenTheHeadDoesNotFollowTheLastOne() {
      poll();
      waiting(1);
      chain.mine(paysToken(1));
      // a reorg: the new head's parent is not the block the last round processed
      chain.canonical.get(GENESIS + 1).put("parentHash", FakeEthRpc.blockHashOf(GENESIS, 1));

      poll();
      assertThat(chain.lastBatchMethods()).containsExactly("eth_getBlockByNumber", "eth_getLogs");
      assertThat(store.verdictsOf(1)).as("the logs are not used").isEmpty();

      chain.mine();
      int before = chain.batches.size();
      poll();
      assertThat(methodsSince(before)).containsExactly(List.of("eth_getBlockByNumber", "eth_getTransactionReceipt"));
      assertThat(store.verdictsOf(1)).singleElement().isInstanceOfSatisfying(Verdict.Paying.class,
          p -> assertThat(p.confirmations()).isEqualTo(2));
    }

    @Test
    void shouldLeaveThePaymentsToTheNextHeadsReceiptsWhenTheLogsAreNotServed() {
      poll();
      waiting(1);
      chain.mine(paysToken(1));
      chain.logsError = new RpcException(-32005, "query returned more than 10000 results", null);

      poll();
      assertThat(store.verdictsOf(1)).isEmpty();
      assertThat(watcher.lastHead()).as("the round itself succeeded").isEqualTo(GENESIS + 1);

      chain.logsError = null;
      chain.mine();
      int before = chain.batches.size();
      poll();
      assertThat(methodsSince(before)).containsExactly(List.of("eth_getBlockByNumber", "eth_getTransactionReceipt"));
      assertThat(store.verdictsOf(1)).singleElement().isInstanceOf(Verdict.Paying.class);
    }

    @Test
    void shouldNotUseLogsAfterASkippedHead() {
      poll();
      waiting(1);
      chain.mine(paysToken(1));
      chain.mine();
      int before = chain.batches.size();

      poll(); // the payment could be in either new block: its receipt says which

      assertThat(methodsSince(before)).containsExactly(List.of("eth_getBlockByNumber", "eth_getTransactionReceipt"),
          List.of("eth_getBlockByHash"));
      assertThat(store.verdictsOf(1)).singleElement().isInstanceOfSatisfying(Verdict.Paying.class,
          p -> assertThat(p.blockNumber()).isEqualTo(GENESIS + 1));
    }

    @Test
    void shouldKeepAskingReceiptsForNativePayments() {
      poll();
      submit(nativePayment(1));
      catchUp(); // its transaction is unknown to the node: nothing kept
      chain.mine();
      int before = chain.batches.size();

      poll();

      assertThat(methodsSince(before).get(0)).doesNotContain("eth_getLogs");
    }
  }
}
