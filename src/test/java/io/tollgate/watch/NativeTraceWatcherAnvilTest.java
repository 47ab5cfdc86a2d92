package io.tollgate.watch;

import static io.tollgate.testing.Async.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.chain.AssetKind;
import io.tollgate.chain.HeadListener;
import io.tollgate.chain.JsonRpcClient;
import io.tollgate.dev.AnvilProcess;
import io.tollgate.dev.ContractArtifact;
import io.tollgate.payment.ActivePayment;
import io.tollgate.payment.BalanceDiffSource;
import io.tollgate.payment.PaymentExpectation;
import io.tollgate.payment.PaymentVerifier;
import io.tollgate.payment.Verdict;
import io.tollgate.testing.ChaosRpcProxy;
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
import org.junit.jupiter.api.Test;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Credentials;

/**
 * The watcher judging native payments by their balance-diff trace, against real anvil through the
 * real client, with a chaos proxy in front where a provider lacks the debug API, doctors or cuts
 * its traces, or serves receipts from an orphaned fork.
 */
class NativeTraceWatcherAnvilTest {
  private static final BigInteger WEI = BigInteger.TEN.pow(16);

  private static AnvilProcess anvil;
  private static TestChain chain;
  private static Vertx vertx;
  private static Credentials payer;

  private ChaosRpcProxy proxy;
  private JsonRpcClient client;
  private InMemoryPayments store;
  private ChainWatcher watcher;
  private Context context;

  @BeforeAll
  static void startChain() {
    anvil = AnvilProcess.start(AnvilProcess.defaultProjectDir(), 31337);
    chain = new TestChain(anvil.rpcUrl(), 31337);
    vertx = Vertx.vertx();
    payer = chain.newFundedAccount();
  }

  @AfterAll
  static void stopChain() throws Exception {
    await(vertx.close());
    anvil.close();
  }

  @AfterEach
  void close() {
    if (client != null) client.close();
    if (proxy != null) proxy.close();
  }

  /** A watcher over {@code urls} (in failover order), judging native payments by their traces. */
  private void watch(String... urls) {
    client = new JsonRpcClient(vertx, 31337, List.of(urls), JsonRpcClient.Options.defaults());
    store = new InMemoryPayments();
    watcher = new ChainWatcher(client, store, store, HeadListener.NONE, new PaymentVerifier(new BalanceDiffSource()));
    context = vertx.getOrCreateContext();
  }

  private ChaosRpcProxy proxy(ChaosRpcProxy.Mode mode) throws Exception {
    proxy = new ChaosRpcProxy(anvil.rpcUrl());
    proxy.mode(mode);
    return proxy;
  }

  private void poll() throws Exception {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> watcher.poll().onComplete(done));
    await(done.future());
  }

  private static ActivePayment payment(long id, String txHash, String recipient, String boundPayer) {
    Instant now = Instant.now();
    PaymentExpectation expectation = new PaymentExpectation(31337, AssetKind.NATIVE, null, recipient, WEI, boundPayer,
        now.minus(Duration.ofHours(1)), now.plus(Duration.ofHours(1)), 1);
    return ActivePayment.unmined(id, UUID.randomUUID(), txHash.toLowerCase(), expectation);
  }

  private static String newRecipient() {
    return chain.newAccount(BigInteger.ZERO).getAddress().toLowerCase();
  }

  /** A payment from a smart wallet: its owner's transaction calls the wallet, which pays the recipient. */
  private static String[] walletPayment(String recipient) {
    Credentials owner = chain.newFundedAccount();
    String wallet = chain.deploy(owner, ContractArtifact.load("TestOwnerWallet"), List.of(new Address(owner.getAddress())));
    chain.rpc("anvil_setBalance", wallet, "0x" + WEI.multiply(BigInteger.TWO).toString(16));
    String tx = chain.send(owner, wallet, BigInteger.ZERO,
        TestChain.encode("execute", new Address(recipient), new Uint256(WEI), new DynamicBytes(new byte[0])),
        BigInteger.valueOf(300_000));
    chain.awaitReceipt(tx);
    return new String[] {wallet, tx};
  }

  private static void newBlock() {
    chain.rpc("evm_mine");
  }

  @Test
  void shouldPayASmartWalletPaymentWithOneTraceCallMore() throws Exception {
    watch(anvil.rpcUrl());
    poll();
    String recipient = newRecipient();
    String[] wallet = walletPayment(recipient);
    store.add(payment(1, wallet[1], recipient, wallet[0]));
    newBlock();
    long before = watcher.rpcCalls();

    poll();

    assertThat(store.verdictsOf(1)).singleElement().isInstanceOfSatisfying(Verdict.Paying.class, paying -> {
      assertThat(paying.payer()).isEqualTo(wallet[0]);
      assertThat(paying.amount()).isEqualTo(WEI);
      assertThat(paying.confirmed()).isTrue();
    });
    assertThat(watcher.rpcCalls() - before)
        .as("eth_blockNumber + [head header, transaction] + [receipt, trace, header of its block]").isEqualTo(6);
  }

  @Test
  void shouldPayAPlainTransferWithoutATraceCall() throws Exception {
    watch(anvil.rpcUrl());
    poll();
    String recipient = newRecipient();
    String tx = chain.sendEth(payer, recipient, WEI);
    chain.awaitReceipt(tx);
    store.add(payment(1, tx, recipient, payer.getAddress().toLowerCase()));
    newBlock();
    long before = watcher.rpcCalls();

    poll();

    assertThat(store.verdictsOf(1)).singleElement().isInstanceOf(Verdict.Paying.class);
    assertThat(watcher.rpcCalls() - before)
        .as("eth_blockNumber + [head header, transaction] + [receipt, header of its block]: no trace").isEqualTo(5);
  }

  @Test
  void shouldTraceARecipientThatRanCodeAndRefuseWhatItPassedOn() throws Exception {
    watch(anvil.rpcUrl());
    String recipient = chain.deploy(payer, ContractArtifact.load("ForwardingRecipient"), List.of(new Address(newRecipient())));
    String tx = chain.send(payer, recipient, WEI, "", BigInteger.valueOf(100_000));
    chain.awaitReceipt(tx);
    store.add(payment(1, tx, recipient, null));

    for (int i = 0; i < 3 && store.recorded.isEmpty(); i++) {
      newBlock();
      poll();
    }

    assertThat(store.verdictsOf(1)).singleElement().isInstanceOfSatisfying(Verdict.Rejected.class,
        r -> assertThat(r.reason()).isEqualTo(io.tollgate.payment.RejectionReason.NO_TRANSFER));
  }

  @Test
  void shouldAskTheTraceOfAProviderThatServesItWhenTheFirstDoesNot() throws Exception {
    watch(proxy(ChaosRpcProxy.Mode.NO_DEBUG_API).url(), anvil.rpcUrl());
    String recipient = newRecipient();
    String[] wallet = walletPayment(recipient);
    store.add(payment(1, wallet[1], recipient, wallet[0]));

    poll();

    assertThat(store.verdictsOf(1)).singleElement().isInstanceOf(Verdict.Paying.class);
    assertThat(client.providerStats().get(0).providerErrors()).as("the batch with the trace failed over").isPositive();
  }

  @Test
  void shouldPayAPlainTransferWithoutTheDebugApiButNotGuessAWalletsPayment() throws Exception {
    ChaosRpcProxy noDebug = proxy(ChaosRpcProxy.Mode.NO_DEBUG_API);
    watch(noDebug.url());
    String recipient = newRecipient();
    String plain = chain.sendEth(payer, recipient, WEI);
    chain.awaitReceipt(plain);
    store.add(payment(1, plain, recipient, payer.getAddress().toLowerCase()));
    String walletRecipient = newRecipient();
    String[] wallet = walletPayment(walletRecipient);
    store.add(payment(2, wallet[1], walletRecipient, wallet[0]));

    poll();

    assertThat(store.verdictsOf(1)).singleElement().isInstanceOf(Verdict.Paying.class);
    assertThat(store.verdictsOf(2)).singleElement().isInstanceOfSatisfying(Verdict.Unverifiable.class,
        u -> assertThat(u.reason()).isEqualTo("trace_unavailable"));

    noDebug.mode(ChaosRpcProxy.Mode.PASS);
    newBlock();
    poll();
    assertThat(store.verdictsOf(2)).last().isInstanceOf(Verdict.Paying.class);
  }

  @Test
  void shouldNeverPayOnADoctoredOrCutTrace() throws Exception {
    ChaosRpcProxy lying = proxy(ChaosRpcProxy.Mode.DOCTORED_TRACES);
    watch(lying.url());
    String recipient = newRecipient();
    String[] wallet = walletPayment(recipient); // a plain transfer would need no trace
    store.add(payment(1, wallet[1], recipient, wallet[0]));

    poll();
    lying.mode(ChaosRpcProxy.Mode.PARTIAL_TRACES);
    newBlock();
    poll();
    assertThat(store.recorded).as("a trace that creates value, then one cut short: retried, never judged").isEmpty();

    lying.mode(ChaosRpcProxy.Mode.PASS);
    newBlock();
    poll();
    assertThat(store.verdictsOf(1)).singleElement().isInstanceOf(Verdict.Paying.class);
  }

  @Test
  void shouldMoveAwayFromAProviderServingReceiptsOfAnOrphanedFork() throws Exception {
    watch(proxy(ChaosRpcProxy.Mode.ORPHANED_RECEIPTS).url(), anvil.rpcUrl());
    poll();
    String recipient = newRecipient();
    String tx = chain.sendEth(payer, recipient, WEI);
    chain.awaitReceipt(tx);
    store.add(payment(1, tx, recipient, payer.getAddress().toLowerCase()));

    for (int i = 0; i < 4 && store.verdictsOf(1).isEmpty(); i++) {
      newBlock();
      poll();
    }

    assertThat(store.verdictsOf(1)).singleElement().isInstanceOfSatisfying(Verdict.Paying.class,
        paying -> assertThat(paying.blockHash()).isNotEqualTo("0x" + "0f".repeat(32)));
    assertThat(client.providerStats().get(0).providerErrors())
        .as("the receipt named a block no provider shows: that provider is tried last").isPositive();
  }
}
