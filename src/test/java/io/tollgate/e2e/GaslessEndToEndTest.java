package io.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.dev.ContractArtifact;
import io.tollgate.signature.TestSigner;
import io.tollgate.testing.TestChain;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.StructuredDataEncoder;
import org.web3j.utils.Numeric;

/**
 * Gasless payments through HTTP, PostgreSQL, Redis, anvil and the real relayer: buyers who hold no
 * ETH sign the offered typed data (EOA in every signature form, anvil's own eth_signTypedData_v4,
 * an ERC-1271 wallet, ERC-6492 wallets) and the checkout is paid; every term that cannot pay is
 * refused with its own code before any gas is spent; an authorization signed for one checkout pays
 * no other.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GaslessEndToEndTest {
  static final BigInteger USDC_12_50 = BigInteger.valueOf(12_500_000);
  /** anvil's well-known development key #5: the relayer (funded with 10,000 ETH). */
  static final String RELAYER_KEY = "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba";
  /** anvil's development account #3, unlocked: signs with eth_signTypedData_v4 itself. */
  static final String UNLOCKED = "0x90f79bf6eb2c4f870365e785982e1f101e93b906";

  private TollgateFixture app;
  private String allowedFactory;
  private String otherFactory;

  @BeforeAll
  void start() {
    app = TollgateFixture.start(anvil -> {
      TestChain chain = new TestChain(anvil.rpcUrl(), TollgateFixture.CHAIN_ID);
      allowedFactory = chain.deploy(TestChain.DEPLOYER, ContractArtifact.load("TestOwnerWalletFactory"), List.of());
      otherFactory = chain.deploy(TestChain.DEPLOYER, ContractArtifact.load("TestOwnerWalletFactory"), List.of());
      return settings(allowedFactory);
    });
  }

  static Map<String, String> settings(String allowedFactory) {
    Map<String, String> s = new HashMap<>(Map.of(
        "chain.31337.token.USDC.eip712-name", "USD Coin", "chain.31337.token.USDC.eip712-version", "2",
        "chain.31337.relayer.private-key", RELAYER_KEY,
        "chain.31337.relayer.bump-after-ms", "5000"));
    if (allowedFactory != null) s.put("gasless.erc6492-factories", allowedFactory);
    return s;
  }

  @AfterAll
  void stop() {
    if (app != null) app.close();
  }

  // ---- paid --------------------------------------------------------------------------------------

  @Test
  void aBuyerWithoutEthPaysByEachSignatureFormAndIsBoundAsThePayer() {
    for (String form : List.of("hex27", "hex01", "vrs")) {
      Credentials buyer = buyerWithoutEth(100);
      JsonObject checkout = app.newCheckout("12.50", "USDC");
      JsonObject typed = typedData(checkout, buyer.getAddress());
      byte[] signature = TestSigner.sign(digest(typed), buyer.getEcKeyPair());
      Object wire = switch (form) {
        case "hex27" -> Numeric.toHexString(signature);
        case "hex01" -> Numeric.toHexString(withV(signature, signature[64] - 27));
        default -> new JsonObject().put("v", signature[64] & 0xff)
            .put("r", Numeric.toHexString(java.util.Arrays.copyOfRange(signature, 0, 32)))
            .put("s", Numeric.toHexString(java.util.Arrays.copyOfRange(signature, 32, 64)));
      };
      TollgateFixture.Response accepted = authorize(checkout, typed, wire);
      assertThat(accepted.status()).as(form + ": " + accepted.body()).isEqualTo(202);
      assertThat(accepted.json().getString("status")).isEqualTo("pending");

      JsonObject settled = settled(checkout);
      assertThat(settled.getString("status")).as(form + ": " + settled).isEqualTo("paid");
      assertThat(settled.getJsonObject("payment").getString("txHash")).matches("0x[0-9a-f]{64}");
      assertThat(balance(buyer.getAddress())).isEqualTo(BigInteger.valueOf(100_000_000).subtract(USDC_12_50));
      JsonObject full = app.merchantGet("/v1/checkouts/" + checkout.getString("id")).json();
      assertThat(full.getString("payer")).isEqualTo(buyer.getAddress().toLowerCase());

      // the same authorization again: the same answer, nothing relayed twice
      TollgateFixture.Response again = authorize(checkout, typed, wire);
      assertThat(again.status()).as(again.body()).isEqualTo(202);
      assertThat(again.json().getString("status")).isEqualTo("paid");
      assertThat(balance(buyer.getAddress())).isEqualTo(BigInteger.valueOf(100_000_000).subtract(USDC_12_50));
    }
  }

  @Test
  void typedDataSignedByAnvilsOwnSignTypedDataV4Pays() {
    app.chain.mintToken(app.usdc, UNLOCKED, BigInteger.valueOf(50_000_000));
    JsonObject checkout = app.newCheckout("12.50", "USDC");
    JsonObject typed = typedData(checkout, UNLOCKED);
    String signature = (String) app.chain.rpc("eth_signTypedData_v4", UNLOCKED, typed.encode());
    TollgateFixture.Response accepted = authorize(checkout, typed, signature);
    assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
    assertThat(settled(checkout).getString("status")).isEqualTo("paid");
  }

  @Test
  void aDeployedErc1271WalletPaysWithItsOwnersSignature() {
    Credentials owner = app.chain.newFundedAccount();
    String wallet = createWallet(allowedFactory, owner, "deployed-1");
    app.chain.mintToken(app.usdc, wallet, BigInteger.valueOf(20_000_000));
    JsonObject checkout = app.newCheckout("12.50", "USDC");
    JsonObject typed = typedData(checkout, wallet);
    byte[] signature = TestSigner.sign(TestSigner.walletHash(wallet, TollgateFixture.CHAIN_ID, digest(typed)), owner.getEcKeyPair());
    TollgateFixture.Response accepted = authorize(checkout, typed, Numeric.toHexString(signature));
    assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
    assertThat(settled(checkout).getString("status")).isEqualTo("paid");
    assertThat(balance(wallet)).isEqualTo(BigInteger.valueOf(7_500_000));
  }

  @Test
  void anUndeployedErc6492WalletFromAnAllowlistedFactoryPaysAndOneFromAnotherIsRefused() {
    Credentials owner = app.chain.newFundedAccount();
    // not allowlisted: refused before any chain call
    String foreign = predictWallet(otherFactory, owner, "cf-1");
    app.chain.mintToken(app.usdc, foreign, BigInteger.valueOf(20_000_000));
    JsonObject first = app.newCheckout("12.50", "USDC");
    JsonObject typed = typedData(first, foreign);
    byte[] inner = TestSigner.sign(TestSigner.walletHash(foreign, TollgateFixture.CHAIN_ID, digest(typed)), owner.getEcKeyPair());
    TollgateFixture.Response refused = authorize(first, typed,
        Numeric.toHexString(TestSigner.wrap6492(otherFactory, createWalletCall(owner, "cf-1"), inner)));
    assertThat(refused.status()).as(refused.body()).isEqualTo(422);
    assertThat(refused.errorCode()).isEqualTo("factory_not_allowed");

    // allowlisted: the signature is verified (ERC-6492, deployless) and the exact transfer simulated
    String counterfactual = predictWallet(allowedFactory, owner, "cf-2");
    app.chain.mintToken(app.usdc, counterfactual, BigInteger.valueOf(20_000_000));
    JsonObject second = app.newCheckout("12.50", "USDC");
    JsonObject typed2 = typedData(second, counterfactual);
    byte[] inner2 = TestSigner.sign(TestSigner.walletHash(counterfactual, TollgateFixture.CHAIN_ID, digest(typed2)),
        owner.getEcKeyPair());
    byte[] wrapped = TestSigner.wrap6492(allowedFactory, createWalletCall(owner, "cf-2"), inner2);
    // a wrong inner signature is the wallet's refusal, not the factory's
    byte[] badInner = TestSigner.sign(digest(typed2), owner.getEcKeyPair());
    TollgateFixture.Response bad = authorize(second, typed2,
        Numeric.toHexString(TestSigner.wrap6492(allowedFactory, createWalletCall(owner, "cf-2"), badInner)));
    assertThat(bad.errorCode()).as(bad.body()).isEqualTo("wallet_rejected_signature");
    TollgateFixture.Response good = authorize(second, typed2, Numeric.toHexString(wrapped));
    // The relayer deploys the wallet through the allowlisted factory (its own transaction, the
    // nonce before the transfer's), then relays the transfer with the inner signature.
    assertThat(good.status()).as(good.body()).isEqualTo(202);
    JsonObject settled = settled(second);
    assertThat(settled.getString("status")).as(settled.toString()).isEqualTo("paid");
    assertThat(balance(counterfactual)).isEqualTo(BigInteger.valueOf(7_500_000));
    assertThat((String) app.chain.rpc("eth_getCode", counterfactual, "latest")).isNotEqualTo("0x");
    JsonObject full = app.merchantGet("/v1/checkouts/" + second.getString("id")).json();
    assertThat(full.getString("payer")).isEqualTo(counterfactual.toLowerCase());
    // both transactions were stored and mined with consecutive nonces of the relayer key, the deploy first
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    try {
      io.vertx.sqlclient.Pool pool = io.vertx.pgclient.PgBuilder.pool().connectingTo(app.database.settings().connectOptions())
          .using(vertx).build();
      List<io.vertx.sqlclient.Row> rows = new java.util.ArrayList<>();
      // the checkout is paid from the watcher's view of the transfer; the relay leader settles its rows on its next rounds
      for (long until = System.currentTimeMillis() + 30_000; ; TollgateFixture.sleep(250)) {
        rows.clear();
        io.tollgate.testing.Async.await(pool.preparedQuery("SELECT token_contract, tx_nonce, state, precedes IS NOT NULL AS deploy"
            + " FROM relays WHERE from_address = $1 ORDER BY tx_nonce").execute(io.vertx.sqlclient.Tuple.of(counterfactual.toLowerCase())))
            .forEach(rows::add);
        if (rows.stream().allMatch(r -> "MINED".equals(r.getString("state"))) || System.currentTimeMillis() > until) break;
      }
      assertThat(rows).hasSize(2);
      assertThat(rows.get(0).getBoolean("deploy")).isTrue();
      assertThat(rows.get(0).getString("token_contract")).isEqualTo(allowedFactory.toLowerCase());
      assertThat(rows.get(0).getString("state")).isEqualTo("MINED");
      assertThat(rows.get(1).getBoolean("deploy")).isFalse();
      assertThat(rows.get(1).getString("state")).isEqualTo("MINED");
      assertThat(rows.get(1).getLong("tx_nonce")).isEqualTo(rows.get(0).getLong("tx_nonce") + 1);
    } finally {
      io.tollgate.testing.Async.await(vertx.close());
    }
    // the foreign factory's wallet was never deployed, its checkout never moved
    assertThat((String) app.chain.rpc("eth_getCode", foreign, "latest")).isEqualTo("0x");
    assertThat(app.status(first).json().getString("status")).isEqualTo("open");
  }

  // ---- attribution ------------------------------------------------------------------------------

  @Test
  void anAuthorizationForOneCheckoutIsRefusedByAnotherAndStillPaysItsOwn() {
    Credentials buyer = buyerWithoutEth(100);
    JsonObject a = app.newCheckout("12.50", "USDC");
    JsonObject b = app.newCheckout("12.50", "USDC");
    JsonObject typed = typedData(a, buyer.getAddress());
    String signature = Numeric.toHexString(TestSigner.sign(digest(typed), buyer.getEcKeyPair()));

    TollgateFixture.Response stolen = authorize(b, typed, signature);
    assertThat(stolen.status()).as(stolen.body()).isEqualTo(422);
    assertThat(stolen.errorCode()).isEqualTo("authorization_nonce_not_issued");
    assertThat(app.status(b).json().getString("status")).isEqualTo("open");

    TollgateFixture.Response own = authorize(a, typed, signature);
    assertThat(own.status()).as(own.body()).isEqualTo(202);
    assertThat(settled(a).getString("status")).isEqualTo("paid");
    assertThat(balance(buyer.getAddress())).isEqualTo(BigInteger.valueOf(100_000_000).subtract(USDC_12_50));
  }

  @Test
  void aBoundPayersCheckoutRefusesAnotherWalletsAuthorization() {
    Credentials bound = app.buyer(100);
    Credentials stranger = buyerWithoutEth(100);
    JsonObject checkout = app.newCheckout("12.50", "USDC", bound);
    JsonObject typed = typedData(checkout, null); // from = the bound payer
    assertThat(typed.getJsonObject("message").getString("from")).isEqualTo(bound.getAddress().toLowerCase());
    JsonObject forged = typed.copy();
    forged.getJsonObject("message").put("from", stranger.getAddress().toLowerCase());
    TollgateFixture.Response refused = authorize(checkout, forged,
        Numeric.toHexString(TestSigner.sign(digest(forged), stranger.getEcKeyPair())));
    assertThat(refused.errorCode()).as(refused.body()).isEqualTo("authorization_wrong_payer");
  }

  // ---- refusals, each with its own code, nothing spent ------------------------------------------

  @Test
  void everyTermThatCannotPayIsRefusedWithItsOwnCodeBeforeAnyGas() {
    Credentials buyer = buyerWithoutEth(100);
    Credentials other = buyerWithoutEth(100);
    JsonObject checkout = app.newCheckout("12.50", "USDC");
    JsonObject typed = typedData(checkout, buyer.getAddress());
    long now = System.currentTimeMillis() / 1000;
    String relayerNonceBefore = relayerNonce();

    assertRefused(checkout, with(typed, "to", other.getAddress().toLowerCase()), buyer, "authorization_wrong_recipient");
    assertRefused(checkout, with(typed, "value", "12500001"), buyer, "authorization_wrong_value");
    assertRefused(checkout, with(typed, "value", "12499999"), buyer, "authorization_wrong_value");
    assertRefused(checkout, with(typed, "validAfter", Long.toString(now + 600)), buyer, "authorization_not_yet_valid");
    assertRefused(checkout, with(typed, "validBefore", Long.toString(now + 5)), buyer, "authorization_expired");
    assertRefused(checkout, with(typed, "validBefore", Long.toString(now + 7200)), buyer, "authorization_outlives_checkout");
    assertRefused(checkout, with(typed, "nonce", "0x" + "ab".repeat(32)), buyer, "authorization_nonce_not_issued");
    // signed by another key than from
    assertThat(authorize(checkout, typed, Numeric.toHexString(TestSigner.sign(digest(typed), other.getEcKeyPair()))).errorCode())
        .isEqualTo("wrong_signer");
    byte[] good = TestSigner.sign(digest(typed), buyer.getEcKeyPair());
    assertThat(authorize(checkout, typed, Numeric.toHexString(TestSigner.highS(good))).errorCode()).isEqualTo("malleable_signature");
    byte[] safeStatic = new byte[65];
    safeStatic[10] = 1;
    safeStatic[64] = 1;
    assertThat(authorize(checkout, typed, Numeric.toHexString(safeStatic)).errorCode()).isEqualTo("safe_static_signature");
    assertThat(authorize(checkout, typed, "0x1234").errorCode()).isEqualTo("malformed_signature");

    // the payer cannot cover it
    Credentials poor = buyerWithoutEth(10);
    JsonObject poorCheckout = app.newCheckout("12.50", "USDC");
    JsonObject poorTyped = typedData(poorCheckout, poor.getAddress());
    assertRefused(poorCheckout, poorTyped, poor, "insufficient_balance");

    // the token already used the nonce (the authorization was sent by someone else directly)
    JsonObject usedCheckout = app.newCheckout("12.50", "USDC");
    JsonObject usedTyped = typedData(usedCheckout, buyer.getAddress());
    byte[] usedSignature = TestSigner.sign(digest(usedTyped), buyer.getEcKeyPair());
    sendDirectly(usedTyped, usedSignature);
    TollgateFixture.Response used = authorize(usedCheckout, usedTyped, Numeric.toHexString(usedSignature));
    assertThat(used.status()).as(used.body()).isEqualTo(409);
    assertThat(used.errorCode()).isEqualTo("authorization_nonce_used");

    // an option that is not an EIP-3009 token
    JsonObject eth = app.newCheckout("12.50", "ETH");
    TollgateFixture.Response native_ = app.post("/v1/checkouts/" + eth.getString("id") + "/authorizations",
        eth.getString("clientSecret"), new JsonObject().put("chainId", TollgateFixture.CHAIN_ID).put("token", "ETH")
            .put("authorization", typed.getJsonObject("message")).put("signature", Numeric.toHexString(good)).encode());
    assertThat(native_.errorCode()).as(native_.body()).isEqualTo("token_not_gasless");

    // none of it cost the relayer a transaction, and the checkout is still payable
    assertThat(relayerNonce()).isEqualTo(relayerNonceBefore);
    assertThat(app.status(checkout).json().getString("status")).isEqualTo("open");
    assertThat(authorize(checkout, typed, Numeric.toHexString(good)).status()).isEqualTo(202);
    assertThat(settled(checkout).getString("status")).isEqualTo("paid");
  }

  @Test
  void theOfferIsTheCheckoutsExactTermsInTheShapeWalletsTake() {
    Credentials buyer = buyerWithoutEth(1);
    JsonObject checkout = app.newCheckout("12.50", "USDC");
    JsonObject options = app.get("/v1/checkouts/" + checkout.getString("id") + "/payment-options?payer=" + buyer.getAddress(),
        checkout.getString("clientSecret"), Map.of()).json();
    JsonObject typed = options.getJsonArray("paymentOptions").getJsonObject(0).getJsonObject("gasless").getJsonObject("typedData");
    assertThat(typed.getString("primaryType")).isEqualTo("TransferWithAuthorization");
    assertThat(typed.getJsonObject("types").getJsonArray("EIP712Domain").size()).isEqualTo(4);
    assertThat(typed.getJsonObject("domain").getString("name")).isEqualTo("USD Coin");
    assertThat(typed.getJsonObject("domain").getString("version")).isEqualTo("2");
    assertThat(typed.getJsonObject("domain").getLong("chainId")).isEqualTo(TollgateFixture.CHAIN_ID);
    assertThat(typed.getJsonObject("domain").getString("verifyingContract")).isEqualTo(app.usdc);
    JsonObject message = typed.getJsonObject("message");
    assertThat(message.getString("to")).isEqualTo(TollgateFixture.RECIPIENT);
    assertThat(message.getString("value")).isEqualTo("12500000");
    assertThat(Long.parseLong(message.getString("validBefore")))
        .isEqualTo(java.time.Instant.parse(checkout.getString("expiresAt")).getEpochSecond());
    assertThat(message.getString("nonce")).matches("0x[0-9a-f]{64}");
    // without a payer the typed data waits for one
    JsonObject anonymous = app.get("/v1/checkouts/" + checkout.getString("id") + "/payment-options",
        checkout.getString("clientSecret"), Map.of()).json();
    assertThat(anonymous.getJsonArray("paymentOptions").getJsonObject(0).getJsonObject("gasless").getValue("typedData")).isNull();
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /**
   * The status once it leaves open/pending: a relay is a transaction queued behind others of the
   * relayer key and then a block, so this waits longer than the fixture's 20 s on a busy machine.
   */
  @Test
  void aGaslessPaymentIsRefundedLikeAnyOtherAndTheRefundVerifiedOnChain() {
    Credentials buyer = buyerWithoutEth(100);
    JsonObject checkout = app.newCheckout("12.50", "USDC");
    JsonObject typed = typedData(checkout, buyer.getAddress());
    byte[] signature = TestSigner.sign(digest(typed), buyer.getEcKeyPair());
    assertThat(authorize(checkout, typed, Numeric.toHexString(signature)).status()).isEqualTo(202);
    assertThat(settled(checkout).getString("status")).isEqualTo("paid");

    TollgateFixture.Response created = MoneyFixture.refund(app, checkout, new JsonObject().put("reason", "event canceled"));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    JsonObject refund = created.json();
    assertThat(refund.getString("amountBase")).isEqualTo("12500000");
    assertThat(refund.getJsonObject("send").getString("to")).isEqualToIgnoringCase(buyer.getAddress());
    // The relayed payment's money sits at the recipient like a direct one's: the shop sends it back.
    String back = MoneyFixture.shopSendsUsdc(app, buyer.getAddress(), 12_500_000);
    TollgateFixture.Response posted = MoneyFixture.postRefundTx(app, refund, back);
    assertThat(posted.status()).as(posted.body()).isEqualTo(202);
    JsonObject done = MoneyFixture.awaitRefund(app, refund, r -> !"verifying".equals(r.getString("status")));
    assertThat(done.getString("status")).as(done.encode()).isEqualTo("succeeded");
    assertThat(balance(buyer.getAddress())).isEqualTo(BigInteger.valueOf(100_000_000));
    JsonObject money = app.merchantGet("/v1/checkouts/" + checkout.getString("id")).json().getJsonObject("money");
    assertThat(money.getString("refundableBase")).isEqualTo("0");
  }

  private JsonObject settled(JsonObject checkout) {
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(90).toNanos();
    JsonObject last = null;
    while (System.nanoTime() < deadline) {
      last = app.status(checkout).json();
      if (!"open".equals(last.getString("status")) && !"pending".equals(last.getString("status"))) return last;
      TollgateFixture.sleep(200);
    }
    return last;
  }

  private Credentials buyerWithoutEth(long usdcUnits) {
    Credentials buyer = app.chain.newAccount(BigInteger.ZERO);
    app.chain.mintToken(app.usdc, buyer.getAddress(), BigInteger.valueOf(usdcUnits).multiply(BigInteger.TEN.pow(6)));
    return buyer;
  }

  JsonObject typedData(JsonObject checkout, String payer) {
    return typedData(app, checkout, payer);
  }

  static JsonObject typedData(TollgateFixture app, JsonObject checkout, String payer) {
    String query = payer == null ? "" : "?payer=" + payer;
    TollgateFixture.Response options = app.get("/v1/checkouts/" + checkout.getString("id") + "/payment-options" + query,
        checkout.getString("clientSecret"), Map.of());
    assertThat(options.status()).as(options.body()).isEqualTo(200);
    return options.json().getJsonArray("paymentOptions").getJsonObject(0).getJsonObject("gasless").getJsonObject("typedData");
  }

  /** The EIP-712 digest by web3j's own encoder: a second implementation, not ours. */
  static byte[] digest(JsonObject typed) {
    try {
      return new StructuredDataEncoder(typed.encode()).hashStructuredData();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  TollgateFixture.Response authorize(JsonObject checkout, JsonObject typed, Object signature) {
    return authorize(app, checkout, typed, signature);
  }

  static TollgateFixture.Response authorize(TollgateFixture app, JsonObject checkout, JsonObject typed, Object signature) {
    return app.post("/v1/checkouts/" + checkout.getString("id") + "/authorizations", checkout.getString("clientSecret"),
        new JsonObject().put("chainId", TollgateFixture.CHAIN_ID).put("token", "USDC")
            .put("authorization", typed.getJsonObject("message")).put("signature", signature).encode());
  }

  private void assertRefused(JsonObject checkout, JsonObject typed, Credentials signer, String code) {
    TollgateFixture.Response r = authorize(checkout, typed, Numeric.toHexString(TestSigner.sign(digest(typed), signer.getEcKeyPair())));
    assertThat(r.status()).as(r.body()).isBetween(400, 499);
    assertThat(r.errorCode()).as(r.body()).isEqualTo(code);
  }

  private static JsonObject with(JsonObject typed, String field, String value) {
    JsonObject copy = typed.copy();
    copy.getJsonObject("message").put(field, value);
    return copy;
  }

  private static byte[] withV(byte[] signature, int v) {
    byte[] out = signature.clone();
    out[64] = (byte) v;
    return out;
  }

  private BigInteger balance(String holder) {
    String word = (String) app.chain.rpc("eth_call", new JsonObject().put("to", app.usdc)
        .put("data", TestChain.encode("balanceOf", new Address(holder))), "latest");
    return Numeric.decodeQuantity(word);
  }

  private String relayerNonce() {
    return (String) app.chain.rpc("eth_getTransactionCount", Credentials.create(RELAYER_KEY).getAddress(), "latest");
  }

  /** Uses the authorization on-chain without Tollgate (anyone may: it is a bearer instrument). */
  private void sendDirectly(JsonObject typed, byte[] signature) {
    assertThat(app.chain.useAuthorization(app.usdc, typed.getJsonObject("message"), signature).getString("status")).isEqualTo("0x1");
  }

  private String createWallet(String factory, Credentials owner, String salt) {
    app.chain.awaitReceipt(app.chain.send(TestChain.DEPLOYER, factory, BigInteger.ZERO, createWalletCall(owner, salt),
        BigInteger.valueOf(2_000_000)));
    return predictWallet(factory, owner, salt);
  }

  static String createWalletCall(Credentials owner, String salt) {
    return TestChain.encode("createWallet", new Address(owner.getAddress()),
        new Bytes32(Hash.sha3(salt.getBytes(StandardCharsets.UTF_8))));
  }

  private String predictWallet(String factory, Credentials owner, String salt) {
    String word = (String) app.chain.rpc("eth_call", new JsonObject().put("to", factory)
        .put("data", TestChain.encode("walletAddress", new Address(owner.getAddress()),
            new Bytes32(Hash.sha3(salt.getBytes(StandardCharsets.UTF_8))))), "latest");
    return "0x" + word.substring(word.length() - 40);
  }
}
