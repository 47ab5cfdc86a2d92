package io.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.dev.ContractArtifact;
import io.tollgate.signature.TestSigner;
import io.tollgate.testing.TestChain;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.DynamicStruct;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * A real ERC-4337 payment: the EntryPoint v0.8 compiled from its published source
 * ({@code @account-abstraction/contracts}), a smart account owned by one key, and a bundler whose
 * {@code handleOps} transaction carries the account's user operation paying the checkout in ETH.
 * The outer transaction is the bundler's, to the EntryPoint; the balance-diff trace shows the
 * account paid the recipient, so the checkout is paid with the account (bound through ERC-1271) as payer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Erc4337PaymentEndToEndTest {
  private static final String PACKED_USER_OP = "(address,uint256,bytes,bytes,bytes32,uint256,bytes32,bytes,bytes)";
  private static final BigInteger GWEI = BigInteger.TEN.pow(9);

  private TollgateFixture app;
  private String entryPoint;

  @BeforeAll
  void start() {
    app = TollgateFixture.start();
    // The EntryPoint is larger than TestChain.deploy's gas allows.
    String hash = app.chain.send(TestChain.DEPLOYER, null, BigInteger.ZERO, ContractArtifact.load("EntryPoint").bytecode(),
        BigInteger.valueOf(15_000_000));
    JsonObject receipt = app.chain.awaitReceipt(hash);
    assertThat(receipt.getString("status")).isEqualTo("0x1");
    entryPoint = receipt.getString("contractAddress").toLowerCase();
  }

  @AfterAll
  void stop() {
    app.close();
  }

  @Test
  void shouldPayACheckoutFromASmartAccountThroughABundlersHandleOps() {
    Credentials owner = app.chain.newAccount(BigInteger.ZERO); // signs only: never sends a transaction
    String account = app.chain.deploy(TestChain.DEPLOYER, ContractArtifact.load("TestAccount4337"),
        List.of(new Address(entryPoint), new Address(owner.getAddress())));
    app.chain.rpc("anvil_setBalance", account, "0x" + BigInteger.TEN.pow(18).toString(16));
    Credentials bundler = app.chain.newFundedAccount();

    JsonObject checkout = app.newCheckout("25.00", "ETH");
    BigInteger wei = new BigInteger(checkout.getJsonArray("paymentOptions").getJsonObject(0).getString("amount"));
    bindThroughErc1271(checkout, account, owner);

    String tx = handleOps(bundler, account, owner, TestChain.encode("execute", new Address(TollgateFixture.RECIPIENT),
        new Uint256(wei), new DynamicBytes(new byte[0])));
    JsonObject receipt = app.chain.awaitReceipt(tx);
    assertThat(receipt.getString("status")).isEqualTo("0x1");
    assertThat(receipt.getString("from")).as("the outer transaction is the bundler's").isEqualTo(bundler.getAddress().toLowerCase());
    assertThat(receipt.getString("to")).isEqualTo(entryPoint);
    assertThat(receipt.getJsonArray("logs")).as("UserOperationEvent and friends").isNotEmpty();

    assertThat(app.submit(checkout, "ETH", tx).status()).isEqualTo(202);
    JsonObject status = app.awaitSettled(checkout);
    assertThat(status.getString("status")).as(status.encode()).isEqualTo("paid");
    JsonObject payment = app.merchantGet("/v1/checkouts/" + checkout.getString("id")).json().getJsonArray("payments").getJsonObject(0);
    assertThat(payment.getString("payer")).isEqualTo(account);
    assertThat(new BigInteger(payment.getString("amount"))).isEqualTo(wei);
  }

  /** The account proves itself the payer: ERC-1271 over the Sign-In with Ethereum message's EIP-191 hash. */
  private void bindThroughErc1271(JsonObject checkout, String account, Credentials owner) {
    TollgateFixture.Response challenge = app.post("/v1/checkouts/" + checkout.getString("id") + "/challenge",
        checkout.getString("clientSecret"), new JsonObject().put("address", account).put("chainId", TollgateFixture.CHAIN_ID).encode());
    assertThat(challenge.status()).as(challenge.body()).isEqualTo(201);
    String message = challenge.json().getString("message");
    String signature = TestSigner.signHex(TestSigner.personalSignHash(message), owner.getEcKeyPair());
    TollgateFixture.Response bound = app.post("/v1/checkouts/" + checkout.getString("id") + "/payer",
        checkout.getString("clientSecret"), new JsonObject().put("message", message).put("signature", signature).encode());
    assertThat(bound.status()).as(bound.body()).isEqualTo(200);
    assertThat(bound.json().getString("method")).isEqualTo("erc1271");
  }

  /** The bundler's transaction: one user operation of {@code account}, signed by its owner over the EntryPoint's hash. */
  private String handleOps(Credentials bundler, String account, Credentials owner, String callData) {
    BigInteger nonce = Numeric.decodeQuantity((String) app.chain.rpc("eth_call", new JsonObject().put("to", entryPoint)
        .put("data", TestChain.encode("getNonce", new Address(account), new org.web3j.abi.datatypes.generated.Uint192(BigInteger.ZERO))),
        "latest"));
    byte[] gasLimits = packed(BigInteger.valueOf(300_000), BigInteger.valueOf(300_000)); // verification, call
    byte[] fees = packed(GWEI, GWEI.multiply(BigInteger.valueOf(10))); // priority, max
    DynamicStruct unsigned = userOp(account, nonce, callData, gasLimits, fees, new byte[0]);
    String hashCall = selector("getUserOpHash(" + PACKED_USER_OP + ")") + FunctionEncoder.encodeConstructor(List.of(unsigned));
    byte[] userOpHash = Numeric.hexStringToByteArray((String) app.chain.rpc("eth_call",
        new JsonObject().put("to", entryPoint).put("data", hashCall), "latest"));
    DynamicStruct signed = userOp(account, nonce, callData, gasLimits, fees, TestSigner.sign(userOpHash, owner.getEcKeyPair()));
    String data = selector("handleOps(" + PACKED_USER_OP + "[],address)")
        + FunctionEncoder.encodeConstructor(List.of(new DynamicArray<>(DynamicStruct.class, List.of(signed)),
            new Address(bundler.getAddress())));
    return app.chain.send(bundler, entryPoint, BigInteger.ZERO, data, BigInteger.valueOf(1_500_000));
  }

  private static DynamicStruct userOp(String sender, BigInteger nonce, String callData, byte[] gasLimits, byte[] fees,
      byte[] signature) {
    return new DynamicStruct(new Address(sender), new Uint256(nonce), new DynamicBytes(new byte[0]),
        new DynamicBytes(Numeric.hexStringToByteArray(callData)), new Bytes32(gasLimits), new Uint256(BigInteger.valueOf(60_000)),
        new Bytes32(fees), new DynamicBytes(new byte[0]), new DynamicBytes(signature));
  }

  /** Two uint128 in one bytes32, high then low (the EntryPoint's packed gas fields). */
  private static byte[] packed(BigInteger high, BigInteger low) {
    byte[] word = new byte[32];
    byte[] h = Numeric.toBytesPadded(high, 16);
    byte[] l = Numeric.toBytesPadded(low, 16);
    System.arraycopy(h, 0, word, 0, 16);
    System.arraycopy(l, 0, word, 16, 16);
    return word;
  }

  private static String selector(String signature) {
    return Numeric.toHexString(Hash.sha3(signature.getBytes(java.nio.charset.StandardCharsets.US_ASCII))).substring(0, 10);
  }
}
