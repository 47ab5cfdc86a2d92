package io.tollgate.watch;

import io.tollgate.chain.AssetKind;
import io.tollgate.chain.EthRpc;
import io.tollgate.chain.FakeNewHeadsNode;
import io.tollgate.chain.HeadListener;
import io.tollgate.chain.JsonRpcClient;
import io.tollgate.chain.NewHeadsSubscription;
import io.tollgate.chain.RpcRequest;
import io.tollgate.chain.RpcResponse;
import static io.tollgate.testing.Async.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.dev.AnvilProcess;
import io.tollgate.dev.ContractArtifact;
import io.tollgate.payment.ActivePayment;
import io.tollgate.payment.PaymentExpectation;
import io.tollgate.payment.PaymentVerifier;
import io.tollgate.payment.RejectionReason;
import io.tollgate.payment.Verdict;
import io.tollgate.payment.VerdictSink;
import io.tollgate.testing.TestChain;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.crypto.Credentials;

/** The watcher end to end: real anvil (mining only on request), real client, in-memory store. */
class ChainWatcherAnvilTest {
  private static final BigInteger PRICE = BigInteger.valueOf(25_000_000);

  private static AnvilProcess anvil;
  private static TestChain chain;
  private static Vertx vertx;
  private static String token;
  private static Credentials payer;

  private JsonRpcClient client;
  private InMemoryPayments store;
  private ChainWatcher watcher;
  private Context context;
  private String recipient;

  @BeforeAll
  static void startChain() {
    anvil = AnvilProcess.start(AnvilProcess.defaultProjectDir(), 31337, "--no-mining");
    chain = new TestChain(anvil.rpcUrl(), 31337);
    vertx = Vertx.vertx();
    chain.rpc("evm_setAutomine", true); // set-up only; the tests mine explicitly
    token = chain.deploy(TestChain.DEPLOYER, ContractArtifact.load("DemoStablecoin"),
        List.of(new Utf8String("USD Coin"), new Utf8String("2"), new Utf8String("USDC")));
    payer = chain.newFundedAccount();
    chain.mintToken(token, payer.getAddress(), PRICE.multiply(BigInteger.valueOf(100)));
    chain.rpc("evm_setAutomine", false);
  }

  @AfterAll
  static void stopChain() throws Exception {
    await(vertx.close());
    anvil.close();
  }

  @BeforeEach
  void newWatcher() {
    client = new JsonRpcClient(vertx, 31337, List.of(anvil.rpcUrl()), JsonRpcClient.Options.defaults());
    store = new InMemoryPayments();
    watcher = new ChainWatcher(client, store, store, HeadListener.NONE, new PaymentVerifier());
    context = vertx.getOrCreateContext();
    recipient = chain.newAccount(BigInteger.ZERO).getAddress().toLowerCase();
  }

  @AfterEach
  void closeClient() {
    client.close();
  }

  /** One tick on the watcher's own context, as the verticle's timer would run it. */
  private void poll() throws Exception {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> watcher.poll().onComplete(done));
    await(done.future());
  }

  /** A catch-up round on the watcher's own context, as the verticle runs it after a submission. */
  private void catchUp() throws Exception {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> watcher.catchUp().onComplete(done));
    await(done.future());
  }

  private ActivePayment nativePayment(long id, String txHash, BigInteger wei) {
    Instant now = Instant.now();
    PaymentExpectation expectation = new PaymentExpectation(31337, AssetKind.NATIVE, null, recipient, wei,
        payer.getAddress(), now.minus(Duration.ofHours(1)), now.plus(Duration.ofHours(1)), 1);
    return ActivePayment.unmined(id, UUID.randomUUID(), txHash.toLowerCase(), expectation);
  }

  private ActivePayment tokenPayment(long id, String txHash, int confirmations) {
    Instant now = Instant.now();
    PaymentExpectation expectation = new PaymentExpectation(31337, AssetKind.ERC20, token, recipient, PRICE,
        payer.getAddress(), now.minus(Duration.ofHours(1)), now.plus(Duration.ofHours(1)), confirmations);
    return ActivePayment.unmined(id, UUID.randomUUID(), txHash.toLowerCase(), expectation);
  }

  private void mine(int blocks) {
    chain.rpc("evm_mine");
    if (blocks > 1) chain.mine(blocks - 1);
  }

  @Test
  void shouldConfirmAPaymentOnceItIsMinedInTwoSmallBatches() throws Exception {
    String txHash = chain.transferToken(payer, token, recipient, PRICE);
    store.add(tokenPayment(1, txHash, 1));
    mine(1);
    // Sent after that block and not mined until the next one: the first round sees no receipt.
    String pending = chain.transferToken(payer, token, recipient, PRICE);
    store.add(tokenPayment(2, pending, 1));

    poll();
    assertThat(store.verdictsOf(2)).as("pending: nothing to report").isEmpty();
    assertThat(store.verdictsOf(1)).singleElement().isInstanceOfSatisfying(Verdict.Paying.class,
        paying -> assertThat(paying.confirmed()).isTrue());
    long callsAfterFirstRound = watcher.rpcCalls();
    assertThat(callsAfterFirstRound).as("eth_blockNumber + [head header, 2 receipts]").isEqualTo(4);

    mine(1);
    poll();

    assertThat(store.verdictsOf(2)).singleElement().isInstanceOfSatisfying(Verdict.Paying.class, paying -> {
      assertThat(paying.amount()).isEqualTo(PRICE);
      assertThat(paying.confirmations()).isEqualTo(1);
      assertThat(paying.confirmed()).isTrue();
    });
    assertThat(watcher.rpcCalls() - callsAfterFirstRound)
        .as("eth_blockNumber + [head header, the head's Transfer logs]: no receipt, no second round")
        .isEqualTo(3);
    assertThat(client.callsSent()).isEqualTo(watcher.rpcCalls());
    assertThat(store.active).isEmpty();
  }

  /**
   * A native payment submitted while its transaction is pending: its catch-up round reads the
   * transaction (which anvil serves pending, without a block), and the block that mines it is
   * decided from the receipt alone, in one batch.
   */
  @Test
  void shouldReadAPendingNativeTransactionAtItsCatchUpAndPayFromTheReceiptInOneBatch() throws Exception {
    poll(); // the head is processed before the payment
    BigInteger wei = BigInteger.TEN.pow(15);
    String txHash = chain.sendEth(payer, recipient, wei);
    store.add(nativePayment(1, txHash, wei));
    watcher.paymentSubmitted();
    long callsBefore = watcher.rpcCalls();
    long requestsBefore = client.httpRequests();

    catchUp();

    assertThat(store.recorded).as("pending: nothing to report").isEmpty();
    assertThat(watcher.rpcCalls() - callsBefore).as("the transaction, instead of its receipt").isEqualTo(1);
    assertThat(client.httpRequests() - requestsBefore).isEqualTo(1);

    mine(1);
    callsBefore = watcher.rpcCalls();
    requestsBefore = client.httpRequests();
    poll();

    assertThat(store.verdictsOf(1)).singleElement().isInstanceOfSatisfying(Verdict.Paying.class, paying -> {
      assertThat(paying.amount()).isEqualTo(wei);
      assertThat(paying.payer()).isEqualTo(payer.getAddress().toLowerCase());
      assertThat(paying.confirmed()).isTrue();
    });
    assertThat(watcher.rpcCalls() - callsBefore).as("eth_blockNumber + [head header, receipt]").isEqualTo(3);
    assertThat(client.httpRequests() - requestsBefore).as("eth_blockNumber, one batch").isEqualTo(2);
  }

  @Test
  void shouldStayUnconfirmedUntilTwoMoreBlocksAreMined() throws Exception {
    String txHash = chain.transferToken(payer, token, recipient, PRICE);
    store.add(tokenPayment(1, txHash, 3));

    poll();
    assertThat(store.recorded).as("not mined yet").isEmpty();

    mine(1);
    poll();
    assertThat(store.verdictsOf(1)).singleElement().isInstanceOfSatisfying(Verdict.Paying.class, paying -> {
      assertThat(paying.confirmations()).isEqualTo(1);
      assertThat(paying.confirmed()).isFalse();
    });

    mine(1);
    long before = watcher.rpcCalls();
    poll();
    assertThat(store.verdictsOf(1)).as("2 of 3: nothing changes").hasSize(1);
    assertThat(watcher.rpcCalls() - before).as("eth_blockNumber + head header, no per-payment call").isEqualTo(2);

    mine(1);
    poll();
    assertThat(store.verdictsOf(1)).hasSize(2).last().isInstanceOfSatisfying(Verdict.Paying.class, paying -> {
      assertThat(paying.confirmations()).isEqualTo(3);
      assertThat(paying.confirmed()).isTrue();
      assertThat(paying.amount()).isEqualTo(PRICE);
    });
  }

  @Test
  void shouldCheckManyPaymentsWithAFixedNumberOfBatches() throws Exception {
    int payments = 20;
    for (int n = 0; n < payments; n++) {
      store.add(tokenPayment(n, chain.transferToken(payer, token, recipient, BigInteger.valueOf(n + 1)), 1));
    }
    mine(1);
    mine(1); // the receipts' block is no longer the head: the second round fetches its header once
    long requestsBefore = client.httpRequests();

    poll();

    assertThat(store.recorded).hasSize(payments);
    assertThat(client.httpRequests() - requestsBefore).as("eth_blockNumber, round 1, round 2").isEqualTo(3);
    assertThat(watcher.rpcCalls()).isEqualTo(1 + (1 + payments) + 1);
  }

  @Test
  void shouldBeReadyAfterItsFirstRoundWhenDeployedAsAVerticle() throws Exception {
    String txHash = chain.transferToken(payer, token, recipient, PRICE);
    Promise<Verdict> firstVerdict = Promise.promise();
    store.add(tokenPayment(1, txHash, 1));
    VerdictSink sink = (payment, verdict, head) -> {
      firstVerdict.tryComplete(verdict);
      return store.record(payment, verdict, head);
    };
    ChainWatcher own = new ChainWatcher(client, store, sink, HeadListener.NONE, new PaymentVerifier());

    String id = await(vertx.deployVerticle(new ChainWatcherVerticle(own, Duration.ofMillis(50))));
    assertThat(own.rounds()).as("start() completes after the first round").isEqualTo(1);

    mine(1);
    assertThat(await(firstVerdict.future())).isInstanceOf(Verdict.Paying.class);
    await(vertx.undeploy(id));
  }

  /**
   * With a new-heads subscription a mined block is checked at once, although the timer would not
   * poll for a minute: the round is driven by anvil's eth_subscription notification.
   */
  @Test
  void shouldCheckANewBlockAsSoonAsTheSubscriptionAnnouncesIt() throws Exception {
    Promise<Verdict> verdict = Promise.promise();
    ChainWatcher own = new ChainWatcher(client, store, (payment, v, head) -> {
      verdict.tryComplete(v);
      return store.record(payment, v, head);
    }, HeadListener.NONE, new PaymentVerifier());
    Duration never = Duration.ofMinutes(1);
    ChainWatcherVerticle verticle = new ChainWatcherVerticle(own, new ChainWatcherVerticle.HeadSource(
        never, anvil.wsUrl(), never, NewHeadsSubscription.Options.defaults()));
    String id = await(vertx.deployVerticle(verticle));
    awaitLive(verticle);
    store.add(tokenPayment(1, chain.transferToken(payer, token, recipient, PRICE), 1));
    long roundsBefore = own.rounds();

    long minedAt = System.nanoTime();
    mine(1);

    assertThat(await(verdict.future())).isInstanceOfSatisfying(Verdict.Paying.class,
        paying -> assertThat(paying.confirmed()).isTrue());
    assertThat(Duration.ofNanos(System.nanoTime() - minedAt)).isLessThan(Duration.ofSeconds(5));
    awaitRounds(own, roundsBefore + 1); // the verdict is written inside the round, which ends after it
    assertThat(own.rounds()).as("one round for the one block").isEqualTo(roundsBefore + 1);
    await(vertx.undeploy(id));
  }

  /**
   * While heads come by subscription the timer is slow; a payment whose transaction is already in
   * the processed head still gets its catch-up round within the normal poll interval, not at the
   * next block (which this chain, mining on request, never produces) or the slow timer's tick.
   */
  @Test
  void shouldCatchUpOnASubmissionSoonWhileTheTimerIsSlow() throws Exception {
    Promise<Verdict> verdict = Promise.promise();
    ChainWatcher own = new ChainWatcher(client, store, (payment, v, head) -> {
      verdict.tryComplete(v);
      return store.record(payment, v, head);
    }, HeadListener.NONE, new PaymentVerifier());
    ChainWatcherVerticle verticle = new ChainWatcherVerticle(own, new ChainWatcherVerticle.HeadSource(
        Duration.ofMillis(200), anvil.wsUrl(), Duration.ofMinutes(1), NewHeadsSubscription.Options.defaults()));
    String id = await(vertx.deployVerticle(verticle));
    awaitLive(verticle);
    String txHash = chain.transferToken(payer, token, recipient, PRICE);
    long roundsBefore = own.rounds();
    mine(1);
    awaitRounds(own, roundsBefore + 1); // that block's round ran before the payment was submitted

    store.add(tokenPayment(1, txHash, 1));
    verticle.paymentSubmitted();

    assertThat(await(verdict.future())).isInstanceOf(Verdict.Paying.class);
    await(vertx.undeploy(id));
  }

  /**
   * A subscription may announce a block before the HTTP endpoint (often another node of the
   * provider) serves it. That round is skipped, and the verticle polls again within the normal
   * interval until HTTP has the block, instead of leaving it to the next announcement or the slow
   * fallback timer.
   */
  @Test
  void shouldPollSoonForAnAnnouncedHeadThatHttpDidNotServeYet() throws Exception {
    FakeNewHeadsNode ahead = FakeNewHeadsNode.start(vertx, FakeNewHeadsNode::acceptSubscription);
    Promise<Verdict> verdict = Promise.promise();
    ChainWatcher own = new ChainWatcher(client, store, (payment, v, head) -> {
      verdict.tryComplete(v);
      return store.record(payment, v, head);
    }, HeadListener.NONE, new PaymentVerifier());
    ChainWatcherVerticle verticle = new ChainWatcherVerticle(own, new ChainWatcherVerticle.HeadSource(
        Duration.ofMillis(200), ahead.url("/"), Duration.ofMinutes(1), NewHeadsSubscription.Options.defaults()));
    String id = await(vertx.deployVerticle(verticle));
    awaitLive(verticle);
    store.add(tokenPayment(1, chain.transferToken(payer, token, recipient, PRICE), 1));
    long next = chain.blockNumber() + 1;

    ahead.announce(0, next); // anvil has not mined it yet
    Thread.sleep(500);
    assertThat(own.lastHead()).as("nothing to process at %s yet", next).isLessThan(next);
    mine(1); // announced no more: only a poll can find it

    assertThat(await(verdict.future())).isInstanceOf(Verdict.Paying.class);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (own.lastHead() < next && System.nanoTime() < deadline) Thread.sleep(10); // the round ends after its writes
    assertThat(own.lastHead()).isEqualTo(next);
    await(vertx.undeploy(id));
    ahead.close();
  }

  private static void awaitLive(ChainWatcherVerticle verticle) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!verticle.subscriptionLive() && System.nanoTime() < deadline) Thread.sleep(10);
    assertThat(verticle.subscriptionLive()).as("subscribed to anvil's new heads").isTrue();
  }

  private static void awaitRounds(ChainWatcher watcher, long rounds) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (watcher.rounds() < rounds && System.nanoTime() < deadline) Thread.sleep(10);
    assertThat(watcher.rounds()).isGreaterThanOrEqualTo(rounds);
  }

  /**
   * ERC-20 payments whose receipts were missing at the previous head, decided from the next head's
   * Transfer logs as anvil filters them: one paid exactly, one underpaid (both from their logs),
   * and one that paid someone else, which the head lists without logs to the recipient, so its
   * receipt is asked and gives the reason.
   */
  @Test
  void shouldDecideWaitingTokenPaymentsFromTheNextHeadsLogs() throws Exception {
    List<List<String>> batches = new java.util.ArrayList<>();
    EthRpc recording = new EthRpc() {
      @Override public long chainId() { return client.chainId(); }
      @Override public io.vertx.core.Future<Object> call(String method, io.vertx.core.json.JsonArray params) {
        batches.add(List.of(method));
        return client.call(method, params);
      }
      @Override public io.vertx.core.Future<List<RpcResponse>> batch(List<RpcRequest> requests) {
        batches.add(requests.stream().map(RpcRequest::method).toList());
        return client.batch(requests);
      }
    };
    watcher = new ChainWatcher(recording, store, store, HeadListener.NONE, new PaymentVerifier());
    String stranger = chain.newAccount(BigInteger.ZERO).getAddress().toLowerCase();
    mine(1);
    poll();
    store.add(tokenPayment(1, chain.transferToken(payer, token, recipient, PRICE), 1));
    store.add(tokenPayment(2, chain.transferToken(payer, token, recipient, PRICE.subtract(BigInteger.ONE)), 1));
    store.add(tokenPayment(3, chain.transferToken(payer, token, stranger, PRICE), 1));
    watcher.paymentSubmitted();
    catchUp(); // pending: their receipts are missing at this head
    assertThat(store.recorded).isEmpty();
    mine(1);
    int before = batches.size();

    poll();

    assertThat(batches.subList(before, batches.size())).containsExactly(List.of("eth_blockNumber"),
        List.of("eth_getBlockByNumber", "eth_getLogs"), List.of("eth_getTransactionReceipt"));
    assertThat(store.verdictsOf(1)).singleElement().isInstanceOfSatisfying(Verdict.Paying.class, paying -> {
      assertThat(paying.amount()).isEqualTo(PRICE);
      assertThat(paying.confirmed()).isTrue();
    });
    assertThat(store.verdictsOf(2)).singleElement().isInstanceOfSatisfying(Verdict.Rejected.class,
        rejected -> assertThat(rejected.reason()).isEqualTo(RejectionReason.UNDERPAID));
    assertThat(store.verdictsOf(3)).singleElement().isInstanceOfSatisfying(Verdict.Rejected.class,
        rejected -> assertThat(rejected.reason()).isEqualTo(RejectionReason.WRONG_RECIPIENT));
  }
}
