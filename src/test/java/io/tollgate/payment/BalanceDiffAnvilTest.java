package io.tollgate.payment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.chain.AssetKind;
import io.tollgate.chain.ChainDataException;
import io.tollgate.chain.RpcException;
import io.tollgate.chain.RpcResponse;
import io.tollgate.dev.AnvilProcess;
import io.tollgate.dev.ContractArtifact;
import io.tollgate.testing.TestChain;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Credentials;

/**
 * Native payments judged by their balance-diff trace, each case a real contract transaction on
 * anvil with anvil's own {@code prestateTracer} trace: smart-wallet payments pay, and the phantom
 * payments a call-tree or transaction-field reading was fooled by pay nothing.
 */
class BalanceDiffAnvilTest {
  private static final BigInteger WEI = BigInteger.TEN.pow(16);
  private static final BigInteger GAS = BigInteger.valueOf(300_000);

  private static AnvilProcess anvil;
  private static TestChain chain;
  private static Credentials payer;

  private final BalanceDiffSource source = new BalanceDiffSource();
  private final PaymentVerifier verifier = new PaymentVerifier(source);

  @BeforeAll
  static void setUp() {
    anvil = AnvilProcess.start(AnvilProcess.defaultProjectDir(), 31337);
    chain = new TestChain(anvil.rpcUrl(), 31337);
    payer = chain.newFundedAccount();
  }

  @AfterAll
  static void tearDown() {
    anvil.close();
  }

  private static String newRecipient() {
    return chain.newAccount(BigInteger.ZERO).getAddress().toLowerCase();
  }

  private static PaymentExpectation expectation(String recipient, String boundPayer) {
    Instant now = Instant.now();
    return new PaymentExpectation(31337, AssetKind.NATIVE, null, recipient, WEI, boundPayer,
        now.minus(Duration.ofHours(1)), now.plus(Duration.ofHours(1)), 1);
  }

  /** The chain's receipt, header, transaction and trace, as the watcher fetches them. */
  private record Mined(JsonObject receipt, JsonObject header, JsonObject tx, JsonObject trace) {}

  private static Mined mined(String txHash) {
    JsonObject receipt = chain.awaitReceipt(txHash);
    assertThat(receipt.getString("status")).as("the transaction itself succeeds").isEqualTo("0x1");
    JsonObject header = (JsonObject) chain.rpc("eth_getBlockByHash", receipt.getString("blockHash"), false);
    JsonObject tx = (JsonObject) chain.rpc("eth_getTransactionByHash", txHash);
    JsonObject trace = (JsonObject) chain.rpc("debug_traceTransaction", txHash,
        new JsonObject().put("tracer", "prestateTracer").put("tracerConfig", new JsonObject().put("diffMode", true)));
    return new Mined(receipt, header, tx, trace);
  }

  private Verdict verify(PaymentExpectation expectation, Mined m, RpcResponse trace) {
    Object kept = source.fixedEvidence(m.tx().getString("hash"), m.tx()).evidence();
    return verifier.verify(expectation, m.receipt(), new NativeEvidence(kept, trace), m.header(), chain.blockNumber());
  }

  private Verdict verify(PaymentExpectation expectation, Mined m) {
    return verify(expectation, m, RpcResponse.ok(m.trace()));
  }

  private static final RpcResponse NO_DEBUG_API = RpcResponse.failed(new RpcException(-32601, "Method not found", null));

  private static Verdict.Rejected rejected(Verdict verdict) {
    assertThat(verdict).isInstanceOf(Verdict.Rejected.class);
    return (Verdict.Rejected) verdict;
  }

  @Test
  void shouldPayAPlainTransferByItsTraceAndWithoutTheDebugApi() {
    String recipient = newRecipient();
    Mined m = mined(chain.sendEth(payer, recipient, WEI));

    assertThat(verify(expectation(recipient, payer.getAddress().toLowerCase()), m))
        .isInstanceOfSatisfying(Verdict.Paying.class, p -> {
          assertThat(p.amount()).isEqualTo(WEI);
          assertThat(p.payer()).isEqualTo(payer.getAddress().toLowerCase());
        });
    assertThat(verify(expectation(recipient, null), m)).as("unbound: the sender is the payer")
        .isInstanceOfSatisfying(Verdict.Paying.class, p -> assertThat(p.payer()).isEqualTo(payer.getAddress().toLowerCase()));
    assertThat(verify(expectation(recipient, null), m, NO_DEBUG_API)).as("no debug API: a plain transfer's fields say all")
        .isInstanceOf(Verdict.Paying.class);
    Object kept = source.fixedEvidence(m.tx().getString("hash"), m.tx()).evidence();
    assertThat(source.needsMinedEvidence(expectation(recipient, null), m.receipt(), kept)).as("no trace asked").isFalse();
    assertThat(verifier.verify(expectation(recipient, null), m.receipt(), kept, m.header(), chain.blockNumber()))
        .isInstanceOf(Verdict.Paying.class);
  }

  @Test
  void shouldPayFromASmartWalletThatTheOuterTransactionDoesNotName() {
    String recipient = newRecipient();
    Credentials owner = chain.newFundedAccount();
    String wallet = chain.deploy(owner, ContractArtifact.load("TestOwnerWallet"), List.of(new Address(owner.getAddress())));
    chain.rpc("anvil_setBalance", wallet, "0x" + WEI.multiply(BigInteger.TWO).toString(16)); // it has no receive()

    Mined m = mined(chain.send(owner, wallet, BigInteger.ZERO,
        TestChain.encode("execute", new Address(recipient), new Uint256(WEI), new DynamicBytes(new byte[0])), GAS));

    assertThat(verify(expectation(recipient, wallet), m)).isInstanceOfSatisfying(Verdict.Paying.class, p -> {
      assertThat(p.payer()).isEqualTo(wallet);
      assertThat(p.amount()).isEqualTo(WEI);
    });
    assertThat(verify(expectation(recipient, null), m)).as("unbound: the wallet paid, its owner only the gas")
        .isInstanceOfSatisfying(Verdict.Paying.class, p -> assertThat(p.payer()).isEqualTo(wallet));
    assertThat(new PaymentVerifier().verify(expectation(recipient, wallet), m.receipt(), m.tx(), m.header(), chain.blockNumber()))
        .as("the transaction's own fields cannot see it").isInstanceOf(Verdict.Rejected.class);
    assertThatThrownBy(() -> verify(expectation(recipient, wallet), m, NO_DEBUG_API))
        .as("no debug API: a contract-originated payment is not guessed").isInstanceOf(TraceUnavailableException.class);
    assertThat(rejected(verify(expectation(recipient, owner.getAddress().toLowerCase()), m)).reason())
        .as("the owner paid only gas").isEqualTo(RejectionReason.WRONG_PAYER);
  }

  @Test
  void shouldRefuseValueSentInsideARevertedSubCall() {
    String recipient = newRecipient();
    String contract = chain.deploy(payer, ContractArtifact.load("RevertedSubcallPayer"), List.of());
    Mined m = mined(chain.send(payer, contract, WEI, TestChain.encode("pay", new Address(recipient)), GAS));

    assertThat(rejected(verify(expectation(recipient, payer.getAddress().toLowerCase()), m)).reason())
        .isEqualTo(RejectionReason.NO_TRANSFER);
    assertThat(rejected(verify(expectation(recipient, null), m)).reason()).isEqualTo(RejectionReason.NO_TRANSFER);
  }

  @Test
  void shouldRefuseAValueBearingDelegatecall() {
    String recipient = newRecipient();
    String contract = chain.deploy(payer, ContractArtifact.load("DelegatecallPayer"), List.of());
    Mined m = mined(chain.send(payer, contract, WEI, TestChain.encode("pay", new Address(recipient)), GAS));
    // The call tree shows a DELEGATECALL frame "to" the recipient carrying the value.
    JsonObject callTree = (JsonObject) chain.rpc("debug_traceTransaction", m.tx().getString("hash"),
        new JsonObject().put("tracer", "callTracer"));
    assertThat(callTree.getJsonArray("calls").getJsonObject(0).getString("type")).isEqualTo("DELEGATECALL");

    assertThat(rejected(verify(expectation(recipient, payer.getAddress().toLowerCase()), m)).reason())
        .isEqualTo(RejectionReason.NO_TRANSFER);
  }

  @Test
  void shouldRefuseAPaymentTheRecipientPassesOnInTheSameTransaction() {
    String sink = newRecipient();
    String recipient = chain.deploy(payer, ContractArtifact.load("ForwardingRecipient"), List.of(new Address(sink)));
    Mined m = mined(chain.send(payer, recipient, WEI, "", GAS));

    assertThat(new PaymentVerifier().verify(expectation(recipient, null), m.receipt(), m.tx(), m.header(), chain.blockNumber()))
        .as("the transaction's own fields say paid").isInstanceOf(Verdict.Paying.class);
    assertThat(rejected(verify(expectation(recipient, null), m)).reason()).isEqualTo(RejectionReason.NO_TRANSFER);
    assertThatThrownBy(() -> verify(expectation(recipient, null), m, NO_DEBUG_API))
        .as("no debug API: code ran at the recipient, so the fields prove nothing").isInstanceOf(TraceUnavailableException.class);
    Object kept = source.fixedEvidence(m.tx().getString("hash"), m.tx()).evidence();
    assertThat(source.needsMinedEvidence(expectation(recipient, null), null, kept)).as("looks plain before its receipt").isFalse();
    assertThat(source.needsMinedEvidence(expectation(recipient, null), m.receipt(), kept)).as("its gas says code ran").isTrue();
    assertThatThrownBy(() -> verifier.verify(expectation(recipient, null), m.receipt(), kept, m.header(), chain.blockNumber()))
        .as("never judged by its fields").isInstanceOf(ChainDataException.class);
  }

  @Test
  void shouldRetryADoctoredOrPartialTraceNeverPay() {
    String recipient = newRecipient();
    String sender = payer.getAddress().toLowerCase();
    String contract = chain.deploy(payer, ContractArtifact.load("RevertedSubcallPayer"), List.of());
    Mined m = mined(chain.send(payer, contract, WEI, TestChain.encode("pay", new Address(recipient)), GAS));
    PaymentExpectation expectation = expectation(recipient, sender);

    // Value made up for the recipient: the trace would create money.
    JsonObject inflated = m.trace().copy();
    inflated.getJsonObject("post").put(recipient, new JsonObject().put("balance", "0x" + WEI.toString(16)));
    assertThatThrownBy(() -> verify(expectation, m, RpcResponse.ok(inflated))).isInstanceOf(ChainDataException.class)
        .hasMessageContaining("creates");
    // A cut trace without the sender, and one without post.
    JsonObject cut = m.trace().copy();
    cut.getJsonObject("pre").remove(sender);
    cut.getJsonObject("post").remove(sender);
    assertThatThrownBy(() -> verify(expectation, m, RpcResponse.ok(cut))).isInstanceOf(ChainDataException.class)
        .hasMessageContaining("partial");
    JsonObject noPost = m.trace().copy();
    noPost.remove("post");
    assertThatThrownBy(() -> verify(expectation, m, RpcResponse.ok(noPost))).isInstanceOf(ChainDataException.class);
    // Another transaction's trace (a plain transfer of the same payer to the recipient).
    Mined other = mined(chain.sendEth(payer, recipient, WEI));
    assertThatThrownBy(() -> verify(expectation, m, RpcResponse.ok(other.trace()))).isInstanceOf(ChainDataException.class)
        .hasMessageContaining("nonce");
  }
}
