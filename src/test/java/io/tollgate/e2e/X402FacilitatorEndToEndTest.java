package io.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.dev.ContractArtifact;
import io.tollgate.merchant.ApiKeyRegistry;
import io.tollgate.merchant.KeyMode;
import io.tollgate.merchant.KeyScope;
import io.tollgate.signature.TestSigner;
import io.tollgate.testing.Async;
import io.tollgate.testing.TestChain;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.web3j.abi.datatypes.Address;
import org.web3j.crypto.Credentials;
import org.web3j.utils.Numeric;

/**
 * The x402 facilitator through HTTP on anvil with the compiled EIP-3009 token, PostgreSQL, Redis and
 * the real relayer: supported kinds; every reason of the reference's verify; what it cannot judge
 * refused with a 400 code; settle moves the money once however often and however concurrently it is
 * asked; verify reports an authorization being settled at once; a settle that outlives its budget
 * answers pending with the hash and the settlement is followed to its end; facilitator-scope keys.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class X402FacilitatorEndToEndTest {
  /** anvil's development key #6: the facilitator's relayer. */
  static final String RELAYER_KEY = "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e";
  static final String PAY_TO = "0x1111111111111111111111111111111111111111";
  static final String GHOST = "0x000000000000000000000000000000000000dead";

  private TollgateFixture app;
  private String notEip3009;
  private String allowedFactory;
  private String otherFactory;
  private String facilitatorKey;
  private String paused;

  @BeforeAll
  void start() {
    app = TollgateFixture.start(anvil -> {
      TestChain chain = new TestChain(anvil.rpcUrl(), TollgateFixture.CHAIN_ID);
      allowedFactory = chain.deploy(TestChain.DEPLOYER, ContractArtifact.load("TestOwnerWalletFactory"), List.of());
      otherFactory = chain.deploy(TestChain.DEPLOYER, ContractArtifact.load("TestOwnerWalletFactory"), List.of());
      // a contract that is no EIP-3009 token (no authorizationState), configured as if it were one
      notEip3009 = chain.deploy(TestChain.DEPLOYER, ContractArtifact.load("TestOwnerWalletFactory"), List.of());
      paused = chain.deploy(TestChain.DEPLOYER, ContractArtifact.load("PausedEip3009Token"), List.of());
      Map<String, String> s = settings(allowedFactory, notEip3009);
      s.put("chain.31337.tokens", s.get("chain.31337.tokens") + ",PAUSED");
      s.put("chain.31337.token.PAUSED.address", paused);
      s.put("chain.31337.token.PAUSED.eip712-name", "Paused");
      return s;
    });
    Vertx vertx = Vertx.vertx();
    try {
      Pool pool = PgBuilder.pool().connectingTo(app.database.settings().connectOptions()).using(vertx).build();
      facilitatorKey = Async.await(new ApiKeyRegistry(pool, Clock.systemUTC()).create(app.merchantId, KeyMode.TEST,
          KeyScope.FACILITATOR)).key();
    } finally {
      Async.await(vertx.close());
    }
  }

  static Map<String, String> settings(String allowedFactory, String notEip3009) {
    Map<String, String> s = new HashMap<>(Map.of(
        "chain.31337.tokens", "USDC,ETH,GHOST,NOTOKEN",
        "chain.31337.token.USDC.eip712-name", "USD Coin", "chain.31337.token.USDC.eip712-version", "2",
        "chain.31337.token.GHOST.address", GHOST, "chain.31337.token.GHOST.eip712-name", "Ghost",
        "chain.31337.token.NOTOKEN.address", notEip3009, "chain.31337.token.NOTOKEN.eip712-name", "Not a token",
        "chain.31337.relayer.private-key", RELAYER_KEY,
        "chain.31337.relayer.bump-after-ms", "5000"));
    s.put("gasless.erc6492-factories", allowedFactory);
    return s;
  }

  @AfterAll
  void stop() {
    if (app != null) app.close();
  }

  // ---- supported ---------------------------------------------------------------------------------

  @Test
  void supportedListsTheChainAndTheRelayerAsSigner() {
    TollgateFixture.Response r = app.send(HttpRequest.newBuilder(URI.create(app.base() + "/x402/supported")).GET());
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonObject expected = new JsonObject()
        .put("kinds", new io.vertx.core.json.JsonArray().add(new JsonObject().put("x402Version", 2).put("scheme", "exact")
            .put("network", "eip155:31337")))
        .put("extensions", new io.vertx.core.json.JsonArray())
        .put("signers", new JsonObject().put("eip155:*", new io.vertx.core.json.JsonArray()
            .add(Credentials.create(RELAYER_KEY).getAddress().toLowerCase())));
    assertThat(r.json()).isEqualTo(expected);
  }

  // ---- verify: valid, and every reason ---------------------------------------------------------

  @Test
  void aValidPaymentVerifiesAndNothingIsStored() {
    Credentials payer = payer(5_000_000);
    JsonObject body = X402Payloads.paying(payer, usdc("1000000"), app.usdc);
    TollgateFixture.Response r = post("/x402/verify", body);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json()).isEqualTo(new JsonObject().put("isValid", true).put("payer", payer.getAddress()));
    assertThat(settlementRows(payer.getAddress())).isZero();
    assertThat(balance(payer.getAddress())).isEqualTo(BigInteger.valueOf(5_000_000));
  }

  @Test
  void everyReasonOfTheReferenceVerify() {
    Credentials payer = payer(5_000_000);
    JsonObject req = usdc("1000000");
    long now = System.currentTimeMillis() / 1000;

    JsonObject accepted = req.copy().put("scheme", "upto");
    assertReason(X402Payloads.body(req, accepted, auth(payer, req), sig(payer, auth(payer, req))), "invalid_exact_evm_scheme");

    JsonObject noDomain = usdc("1000000");
    noDomain.getJsonObject("extra").remove("version");
    assertReason(signed(payer, noDomain, auth(payer, noDomain)), "invalid_exact_evm_missing_eip712_domain");

    JsonObject a = auth(payer, req);
    assertReason(X402Payloads.body(req, req.copy().put("network", "eip155:8453"), a, sig(payer, a)),
        "invalid_exact_evm_network_mismatch");

    JsonObject byOther = auth(payer, req);
    assertReason(X402Payloads.body(req, req.copy(), byOther, sig(payer(0), byOther)), "invalid_exact_evm_signature");
    // an r that is no curve point's x recovers nobody: the reference's reason, not a 5xx for the batch it rode in
    JsonObject offCurve = auth(payer, req);
    String offCurveSig = "0x" + "00".repeat(31) + "05" + sig(payer, offCurve).substring(66);
    assertReason(X402Payloads.body(req, req.copy(), offCurve, offCurveSig), "invalid_exact_evm_signature");

    assertReason(signed(payer, req, X402Payloads.authorization(payer.getAddress(), TollgateFixture.RECIPIENT, "1000000",
        now - 600, now + 60)), "invalid_exact_evm_recipient_mismatch");
    assertReason(signed(payer, req, X402Payloads.authorization(payer.getAddress(), PAY_TO, "1000000", now - 600, now + 3)),
        "invalid_exact_evm_payload_authorization_valid_before");
    assertReason(signed(payer, req, X402Payloads.authorization(payer.getAddress(), PAY_TO, "1000000", now + 120, now + 600)),
        "invalid_exact_evm_payload_authorization_valid_after");
    assertReason(signed(payer, req, X402Payloads.authorization(payer.getAddress(), PAY_TO, "999999", now - 600, now + 60)),
        "invalid_exact_evm_payload_authorization_value_mismatch");

    JsonObject ghost = X402Payloads.requirements(GHOST, "1000000", PAY_TO, "Ghost", "1");
    assertReason(X402Payloads.paying(payer, ghost, GHOST), "asset_not_deployed_contract");
    JsonObject notToken = X402Payloads.requirements(notEip3009, "1000000", PAY_TO, "Not a token", "1");
    assertReason(X402Payloads.paying(payer, notToken, notEip3009), "invalid_exact_evm_eip3009_not_supported");

    // the payer signs over the requirements' domain; the token's own is another
    assertReason(X402Payloads.paying(payer, X402Payloads.requirements(app.usdc, "1000000", PAY_TO, "USDC", "2"), app.usdc),
        "invalid_exact_evm_token_name_mismatch");
    assertReason(X402Payloads.paying(payer, X402Payloads.requirements(app.usdc, "1000000", PAY_TO, "USD Coin", "1"), app.usdc),
        "invalid_exact_evm_token_version_mismatch");
    assertReason(X402Payloads.paying(payer, usdc("9000000"), app.usdc), "invalid_exact_evm_insufficient_balance");

    // an undeployed ERC-6492 wallet from a factory not on the allowlist
    Credentials owner = app.chain.newFundedAccount();
    String foreign = predictWallet(otherFactory, owner, "x402-cf-1");
    app.chain.mintToken(app.usdc, foreign, BigInteger.valueOf(5_000_000));
    JsonObject fromWallet = X402Payloads.authorization(foreign, PAY_TO, "1000000", now - 600, now + 60);
    byte[] inner = TestSigner.sign(TestSigner.walletHash(foreign, TollgateFixture.CHAIN_ID,
        X402Payloads.digest(fromWallet, "USD Coin", "2", TollgateFixture.CHAIN_ID, app.usdc)), owner.getEcKeyPair());
    String wrapped = Numeric.toHexString(TestSigner.wrap6492(otherFactory, createWalletCall(owner, "x402-cf-1"), inner));
    assertReason(X402Payloads.body(req, req.copy(), fromWallet, wrapped), "eip6492_factory_not_allowed");

    // a used nonce: the authorization is spent on-chain without the facilitator
    JsonObject spent = auth(payer, req);
    String spentSig = sig(payer, spent);
    sendDirectly(spent, Numeric.hexStringToByteArray(spentSig));
    // verify reads an unseen nonce at the facts feed's last block: the use shows within a feed round
    JsonObject spentBody = X402Payloads.body(req, req.copy(), spent, spentSig);
    for (long until = System.currentTimeMillis() + 5_000; System.currentTimeMillis() < until
        && !"invalid_exact_evm_nonce_already_used".equals(post("/x402/verify", spentBody).json().getString("invalidReason")); ) {
      TollgateFixture.sleep(20);
    }
    assertReason(spentBody, "invalid_exact_evm_nonce_already_used");
    assertThat(settlementRows(payer.getAddress())).isZero();
  }

  @Test
  void requestsTheFacilitatorCannotJudgeAre400WithACode() {
    Credentials payer = payer(1_000_000);
    JsonObject good = X402Payloads.paying(payer, usdc("1000000"), app.usdc);
    assertCode(raw("/x402/verify", "{not json"), 400, "malformed_json");
    assertCode(post("/x402/verify", good.copy().put("x402Version", 1)), 400, "x402_unsupported_version");
    assertCode(post("/x402/verify", good.copy().put("x402Version", "2")), 400, "invalid_request");
    JsonObject scheme = good.copy();
    scheme.getJsonObject("paymentRequirements").put("scheme", "upto");
    assertCode(post("/x402/settle", scheme), 400, "x402_unsupported_scheme");
    JsonObject network = good.copy();
    network.getJsonObject("paymentRequirements").put("network", "eip155:8453");
    assertCode(post("/x402/verify", network), 400, "x402_unsupported_network");
    JsonObject solana = good.copy();
    solana.getJsonObject("paymentRequirements").put("network", "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp");
    assertCode(post("/x402/verify", solana), 400, "x402_unsupported_network");
    JsonObject asset = good.copy();
    asset.getJsonObject("paymentRequirements").put("asset", "0x2222222222222222222222222222222222222222");
    assertCode(post("/x402/verify", asset), 400, "x402_unsupported_asset");
    JsonObject shortSig = good.copy();
    shortSig.getJsonObject("paymentPayload").getJsonObject("payload").put("signature", "0x1234");
    assertCode(post("/x402/settle", shortSig), 400, "invalid_request");
    JsonObject badNonce = good.copy();
    badNonce.getJsonObject("paymentPayload").getJsonObject("payload").getJsonObject("authorization").put("nonce", "0x12");
    assertCode(post("/x402/verify", badNonce), 400, "invalid_request");
    assertCode(raw("/x402/verify", "[]"), 400, "invalid_request");
    // no key, a wrong key
    TollgateFixture.Response anonymous = app.send(HttpRequest.newBuilder(URI.create(app.base() + "/x402/verify"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(good.encode())));
    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(settlementRows(payer.getAddress())).isZero();
    assertThat(balance(payer.getAddress())).isEqualTo(BigInteger.valueOf(1_000_000));
  }

  // ---- settle ------------------------------------------------------------------------------------

  @Test
  void settleMovesTheMoneyOnceAndARepeatGetsTheSameAnswer() {
    Credentials payer = payer(5_000_000);
    JsonObject body = X402Payloads.paying(payer, usdc("1250000"), app.usdc);
    TollgateFixture.Response first = post("/x402/settle", body);
    assertThat(first.status()).as(first.body()).isEqualTo(200);
    JsonObject answer = first.json();
    assertThat(answer.getBoolean("success")).as(answer.encode()).isTrue();
    assertThat(answer.getString("transaction")).matches("0x[0-9a-f]{64}");
    assertThat(answer.getString("network")).isEqualTo("eip155:31337");
    assertThat(answer.getString("payer")).isEqualTo(payer.getAddress());
    assertThat(balance(PAY_TO).compareTo(BigInteger.valueOf(1_250_000))).isGreaterThanOrEqualTo(0);
    assertThat(balance(payer.getAddress())).isEqualTo(BigInteger.valueOf(3_750_000));
    JsonObject receipt = app.chain.awaitReceipt(answer.getString("transaction"));
    assertThat(receipt.getString("status")).isEqualTo("0x1");

    TollgateFixture.Response again = post("/x402/settle", body);
    assertThat(again.json()).isEqualTo(answer);
    assertThat(balance(payer.getAddress())).isEqualTo(BigInteger.valueOf(3_750_000));

    // verify now reports it used, by this facilitator's record (no simulation needed)
    JsonObject verdict = post("/x402/verify", body).json();
    assertThat(verdict.getBoolean("isValid")).isFalse();
    assertThat(verdict.getString("invalidReason")).isEqualTo("invalid_exact_evm_nonce_already_used");
    assertThat(verdict.getString("invalidMessage")).contains("settled");

    String id = answer.getJsonObject("extra").getString("settlementId");
    JsonObject settlement = app.merchantGet("/x402/settlements/" + id).json();
    assertThat(settlement.getString("state")).isEqualTo("settled");
    assertThat(settlement.getString("transaction")).isEqualTo(answer.getString("transaction"));
    assertThat(settlement.getString("payer")).isEqualTo(payer.getAddress().toLowerCase());
    assertThat(settlement.getString("amount")).isEqualTo("1250000");
  }

  @Test
  void aHundredConcurrentSettlesOfOneAuthorizationMakeOneTransactionAndOneAnswer() throws Exception {
    Credentials payer = payer(5_000_000);
    JsonObject body = X402Payloads.paying(payer, usdc("2000000"), app.usdc);
    ExecutorService pool = Executors.newFixedThreadPool(25);
    Set<String> answers = ConcurrentHashMap.newKeySet();
    try {
      List<Future<TollgateFixture.Response>> calls = new ArrayList<>();
      for (int i = 0; i < 100; i++) calls.add(pool.submit(() -> post("/x402/settle", body)));
      for (Future<TollgateFixture.Response> call : calls) {
        TollgateFixture.Response r = call.get();
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        answers.add(r.json().encode());
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(answers).hasSize(1);
    JsonObject answer = new JsonObject(answers.iterator().next());
    assertThat(answer.getBoolean("success")).as(answer.encode()).isTrue();
    assertThat(balance(payer.getAddress())).isEqualTo(BigInteger.valueOf(3_000_000));
    assertThat(relayRows(payer.getAddress())).isEqualTo(1);
    assertThat(settlementRows(payer.getAddress())).isEqualTo(1);
  }

  @Test
  void aSettleOutlivingItsBudgetAnswersPendingWithTheHashAndTheSettlementIsFollowedToItsEnd() {
    // Another instance (same database and chain) that waits for no receipt answers pending, and is then
    // stopped while the transfer is on its way (a restart mid-settle); the first instance follows it to its end.
    Credentials payer = payer(5_000_000);
    JsonObject body = X402Payloads.paying(payer, usdc("1500000"), app.usdc);
    TollgateFixture.Response pending;
    try (TollgateFixture.Instance impatient = app.startAnother(Map.of("x402.settle-wait-ms", "0"))) {
      pending = app.send(HttpRequest.newBuilder(URI.create(impatient.base() + "/x402/settle"))
          .header("Authorization", "Bearer " + facilitatorKey).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body.encode())));
    }
    assertThat(pending.status()).as(pending.body()).isEqualTo(200);
    JsonObject answer = pending.json();
    assertThat(answer.getBoolean("success")).isFalse();
    assertThat(answer.getString("errorReason")).isEqualTo("settlement_pending");
    String id = answer.getJsonObject("extra").getString("settlementId");

    // while it is settling (or once it is), verify says so at once
    JsonObject verdict = post("/x402/verify", body).json();
    assertThat(verdict.getString("invalidReason")).isEqualTo("invalid_exact_evm_nonce_already_used");

    JsonObject settlement = null;
    for (long until = System.currentTimeMillis() + 30_000; System.currentTimeMillis() < until; TollgateFixture.sleep(200)) {
      settlement = app.merchantGet("/x402/settlements/" + id).json();
      if (!"settling".equals(settlement.getString("state"))) break;
    }
    assertThat(settlement.getString("state")).as(settlement.encode()).isEqualTo("settled");
    // the same payload again: the final answer, the same transaction
    JsonObject settled = post("/x402/settle", body).json();
    assertThat(settled.getBoolean("success")).isTrue();
    assertThat(settled.getString("transaction")).isEqualTo(settlement.getString("transaction"));
    if (!answer.getString("transaction").isEmpty()) {
      assertThat(settlement.getJsonArray("transactions").getList()).contains(answer.getString("transaction"));
    }
    assertThat(balance(payer.getAddress())).isEqualTo(BigInteger.valueOf(3_500_000));
    assertThat(relayRows(payer.getAddress())).isEqualTo(1);
  }

  @Test
  void aPendingSettlementTellsTheResourceServerItsOutcomeByOneSignedWebhook() {
    try (WebhookReceiver receiver = new WebhookReceiver()) {
      TollgateFixture.Response created = app.send(HttpRequest.newBuilder(URI.create(app.base() + "/v1/webhook-endpoints"))
          .header("Authorization", "Bearer " + app.apiKey).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("url", receiver.url("/hooks/x402"))
              .put("eventTypes", new io.vertx.core.json.JsonArray().add("x402.settlement.settled").add("x402.settlement.failed"))
              .encode())));
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      String secret = created.json().getString("secret");

      // answered pending by an instance that waits for no receipt, then nobody asks again
      Credentials payer = payer(2_000_000);
      JsonObject body = X402Payloads.paying(payer, usdc("700000"), app.usdc);
      TollgateFixture.Response pending;
      try (TollgateFixture.Instance impatient = app.startAnother(Map.of("x402.settle-wait-ms", "0"))) {
        pending = app.send(HttpRequest.newBuilder(URI.create(impatient.base() + "/x402/settle"))
            .header("Authorization", "Bearer " + facilitatorKey).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.encode())));
      }
      assertThat(pending.json().getString("errorReason")).as(pending.body()).isEqualTo("settlement_pending");
      String id = pending.json().getJsonObject("extra").getString("settlementId");
      java.util.function.Predicate<WebhookReceiver.Received> forIt = r ->
          id.equals(r.json().getJsonObject("data").getJsonObject("settlement").getString("id"));

      WebhookReceiver.Received hook = receiver.await(forIt, 1).get(0);
      hook.verify(secret);
      assertThat(hook.type()).isEqualTo("x402.settlement.settled");
      assertThat(hook.json().getString("mode")).isEqualTo("test");
      JsonObject settlement = hook.json().getJsonObject("data").getJsonObject("settlement");
      assertThat(settlement.getString("state")).isEqualTo("settled");
      assertThat(settlement.getString("payer")).isEqualTo(payer.getAddress().toLowerCase());
      assertThat(settlement.getString("amount")).isEqualTo("700000");
      assertThat(settlement.getString("network")).isEqualTo("eip155:31337");
      assertThat(settlement.getString("transaction")).startsWith("0x").hasSize(66);

      // asking again (settle, the settlement) finds it settled and sends nothing more
      JsonObject again = post("/x402/settle", body).json();
      assertThat(again.getBoolean("success")).isTrue();
      assertThat(again.getString("transaction")).isEqualTo(settlement.getString("transaction"));
      assertThat(app.merchantGet("/x402/settlements/" + id).json().getString("state")).isEqualTo("settled");
      TollgateFixture.sleep(2_500);
      assertThat(receiver.matching(forIt)).hasSize(1);
      assertThat(balance(payer.getAddress())).isEqualTo(BigInteger.valueOf(1_300_000));
    }
  }

  @Test
  void aTransferWhoseSimulationRevertsForAnUnknownReasonIsRefusedAsTheReferenceDoesAndNothingIsSent() {
    // the token's reads look healthy, so verify (which reads, and does not simulate) accepts it;
    // settle's simulation reverts with a reason no rule knows: nothing is sent, nothing stored
    Credentials payer = payer(0);
    JsonObject body = X402Payloads.paying(payer, X402Payloads.requirements(paused, "1000", PAY_TO, "Paused", "1"), paused);
    assertThat(post("/x402/verify", body).json().getBoolean("isValid")).isTrue();
    JsonObject answer = post("/x402/settle", body).json();
    assertThat(answer.getBoolean("success")).as(answer.encode()).isFalse();
    assertThat(answer.getString("errorReason")).isEqualTo("invalid_exact_evm_transaction_simulation_failed");
    assertThat(answer.getString("transaction")).isEmpty();
    assertThat(settlementRows(payer.getAddress())).isZero();
    assertThat(relayRows(payer.getAddress())).isZero();
  }

  @Test
  void anotherPayloadForASettledAuthorizationIsRefusedAndNothingMoves() {
    Credentials payer = payer(5_000_000);
    JsonObject req = usdc("1000000");
    JsonObject body = X402Payloads.paying(payer, req, app.usdc);
    assertThat(post("/x402/settle", body).json().getBoolean("success")).isTrue();
    // the same authorization with a malleated (high-s) signature: another payload, same (from, nonce)
    JsonObject other = body.copy();
    JsonObject inner = other.getJsonObject("paymentPayload").getJsonObject("payload");
    inner.put("signature", Numeric.toHexString(TestSigner.highS(Numeric.hexStringToByteArray(inner.getString("signature")))));
    JsonObject refused = post("/x402/settle", other).json();
    assertThat(refused.getBoolean("success")).isFalse();
    assertThat(refused.getString("transaction")).isEmpty();
    assertThat(balance(payer.getAddress())).isEqualTo(BigInteger.valueOf(4_000_000));
  }

  // ---- the official SDK end to end ----------------------------------------------------------------

  /**
   * {@code scripts/test/x402-sdk.cjs}: an {@code @x402/express} resource server naming Tollgate
   * (with the facilitator-scope key) as its facilitator, and an {@code @x402/fetch} client paying it.
   */
  @Test
  void theOfficialSdksResourceServerAndClientPayThroughTollgate() {
    java.nio.file.Path project = java.nio.file.Path.of("").toAbsolutePath();
    org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isDirectory(project.resolve("node_modules/@x402/express")),
        "npm install has not been run");
    Credentials payer = payer(1_000_000);
    BigInteger before = balance(PAY_TO);
    JsonObject answer = node(project, "scripts/test/x402-sdk.cjs", new JsonObject()
        .put("facilitatorUrl", app.base() + "/x402").put("apiKey", facilitatorKey)
        .put("payerKey", Numeric.toHexStringWithPrefixZeroPadded(payer.getEcKeyPair().getPrivateKey(), 64))
        .put("asset", app.usdc).put("amount", "10000").put("payTo", PAY_TO).put("network", "eip155:31337")
        .put("name", "USD Coin").put("version", "2"));
    assertThat(answer.getString("error")).as(answer.encode()).isNull();
    JsonObject unpaid = answer.getJsonObject("unpaid");
    assertThat(unpaid.getInteger("status")).isEqualTo(402);
    assertThat(unpaid.getJsonArray("accepts").getJsonObject(0).getString("network")).isEqualTo("eip155:31337");
    JsonObject paid = answer.getJsonObject("paid");
    assertThat(paid.getInteger("status")).as(answer.encode()).isEqualTo(200);
    assertThat(paid.getJsonObject("body").getString("report")).isEqualTo("sunny");
    JsonObject receipt = paid.getJsonObject("paymentResponse");
    assertThat(receipt.getBoolean("success")).as(receipt.encode()).isTrue();
    assertThat(receipt.getString("network")).isEqualTo("eip155:31337");
    assertThat(receipt.getString("transaction")).matches("0x[0-9a-f]{64}");
    assertThat(receipt.getString("payer")).isEqualToIgnoringCase(payer.getAddress());
    assertThat(app.chain.awaitReceipt(receipt.getString("transaction")).getString("status")).isEqualTo("0x1");
    assertThat(balance(payer.getAddress())).isEqualTo(BigInteger.valueOf(990_000));
    assertThat(balance(PAY_TO)).isEqualTo(before.add(BigInteger.valueOf(10_000)));
    // recorded against the facilitator key's merchant, visible through the API
    assertThat(settlementRows(payer.getAddress())).isEqualTo(1);
  }

  // ---- fuzz ----------------------------------------------------------------------------------------

  /** Mutations of a valid body (fields dropped, retyped, stretched, nested) on both routes: never a 5xx. */
  @Test
  void fuzzedVerifyAndSettleBodiesNeverEarnA5xx() {
    java.util.Random random = new java.util.Random(Long.getLong("tollgate.fuzz.seed", 17L));
    Credentials payer = payer(50_000_000);
    List<String> failures = new ArrayList<>();
    int sent = 0;
    for (int i = 0; i < 300; i++) {
      JsonObject body = X402Payloads.paying(payer, usdc(Integer.toString(1 + random.nextInt(1000))), app.usdc);
      String wire = X402Fuzz.mutate(body, random);
      String path = random.nextInt(4) == 0 ? "/x402/settle" : "/x402/verify";
      TollgateFixture.Response r = raw(path, wire);
      sent++;
      if (r.status() >= 500) failures.add(r.status() + " " + path + " " + wire + " -> " + r.body());
    }
    assertThat(sent).isEqualTo(300);
    assertThat(failures).isEmpty();
  }

  // ---- keys ----------------------------------------------------------------------------------------

  @Test
  void aFacilitatorKeyCallsTheFacilitatorOnlyAndItsSettlementsAreItsMerchants() {
    Credentials payer = payer(2_000_000);
    TollgateFixture.Response verdict = app.send(HttpRequest.newBuilder(URI.create(app.base() + "/x402/verify"))
        .header("Authorization", "Bearer " + facilitatorKey).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(X402Payloads.paying(payer, usdc("1000000"), app.usdc).encode())));
    assertThat(verdict.json().getBoolean("isValid")).as(verdict.body()).isTrue();
    TollgateFixture.Response checkout = app.createCheckout(facilitatorKey, "x402-scope-" + System.nanoTime(),
        new JsonObject().put("amount", "1.00").put("currency", "USD"));
    assertThat(checkout.status()).isEqualTo(403);
    assertThat(checkout.errorCode()).isEqualTo("facilitator_key_scope");
    TollgateFixture.Response unknown = app.merchantGet("/x402/settlements/" + java.util.UUID.randomUUID());
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.errorCode()).isEqualTo("settlement_not_found");
  }

  @Test
  void openModeForDevelopmentTakesCallsWithoutAKeyButStillChecksOne() {
    try (TollgateFixture.Instance open = app.startAnother(Map.of("x402.auth", "open"))) {
      Credentials payer = payer(1_000_000);
      String body = X402Payloads.paying(payer, usdc("1000000"), app.usdc).encode();
      TollgateFixture.Response anonymous = app.send(HttpRequest.newBuilder(URI.create(open.base() + "/x402/verify"))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
      assertThat(anonymous.status()).as(anonymous.body()).isEqualTo(200);
      assertThat(anonymous.json().getBoolean("isValid")).isTrue();
      TollgateFixture.Response wrongKey = app.send(HttpRequest.newBuilder(URI.create(open.base() + "/x402/verify"))
          .header("Authorization", "Bearer tg_test_" + "x".repeat(43)).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body)));
      assertThat(wrongKey.status()).isEqualTo(401);
    }
  }

  // ---- helpers -------------------------------------------------------------------------------------

  /** Runs a node script with {@code request} on stdin; its stdout is the answer. */
  static JsonObject node(java.nio.file.Path project, String script, JsonObject request) {
    try {
      java.io.File errors = java.io.File.createTempFile("x402-node", ".err");
      errors.deleteOnExit();
      Process process = new ProcessBuilder("node", project.resolve(script).toString()).directory(project.toFile())
          .redirectError(errors).start();
      process.getOutputStream().write(request.encode().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      process.getOutputStream().close();
      String out = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      if (!process.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("node did not finish");
      }
      if (out.isBlank()) throw new AssertionError("node answered nothing: " + java.nio.file.Files.readString(errors.toPath()));
      return new JsonObject(out);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  JsonObject usdc(String amount) {
    return X402Payloads.requirements(app.usdc, amount, PAY_TO, "USD Coin", "2");
  }

  private JsonObject auth(Credentials payer, JsonObject req) {
    return X402Payloads.authorizationFor(payer, req);
  }

  private String sig(Credentials signer, JsonObject auth) {
    return X402Payloads.sign(auth, signer, "USD Coin", "2", app.usdc);
  }

  private JsonObject signed(Credentials payer, JsonObject req, JsonObject auth) {
    return X402Payloads.body(req, req.copy(), auth, sig(payer, auth));
  }

  private void assertReason(JsonObject body, String reason) {
    TollgateFixture.Response r = post("/x402/verify", body);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().getBoolean("isValid")).as(r.body()).isFalse();
    assertThat(r.json().getString("invalidReason")).as(r.body()).isEqualTo(reason);
    assertThat(r.json().getString("payer")).isEqualTo(body.getJsonObject("paymentPayload").getJsonObject("payload")
        .getJsonObject("authorization").getString("from"));
    // settle refuses it with the same reason, sending nothing
    TollgateFixture.Response s = post("/x402/settle", body);
    assertThat(s.status()).as(s.body()).isEqualTo(200);
    assertThat(s.json().getBoolean("success")).isFalse();
    assertThat(s.json().getString("errorReason")).as(s.body()).isEqualTo(reason);
    assertThat(s.json().getString("transaction")).isEmpty();
  }

  private static void assertCode(TollgateFixture.Response r, int status, String code) {
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.errorCode()).as(r.body()).isEqualTo(code);
  }

  TollgateFixture.Response post(String path, JsonObject body) {
    return raw(path, body.encode());
  }

  TollgateFixture.Response raw(String path, String body) {
    return app.send(HttpRequest.newBuilder(URI.create(app.base() + path)).header("Authorization", "Bearer " + app.apiKey)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private Credentials payer(long units) {
    Credentials payer = app.chain.newAccount(BigInteger.ZERO);
    if (units > 0) app.chain.mintToken(app.usdc, payer.getAddress(), BigInteger.valueOf(units));
    return payer;
  }

  private BigInteger balance(String holder) {
    String word = (String) app.chain.rpc("eth_call", new JsonObject().put("to", app.usdc)
        .put("data", TestChain.encode("balanceOf", new Address(holder))), "latest");
    return Numeric.decodeQuantity(word);
  }

  private long settlementRows(String payer) {
    return count("SELECT count(*) FROM x402_settlements WHERE from_address = $1", payer);
  }

  private long relayRows(String payer) {
    return count("SELECT count(*) FROM relays WHERE from_address = $1", payer);
  }

  private long count(String sql, String payer) {
    Vertx vertx = Vertx.vertx();
    try {
      Pool pool = PgBuilder.pool().connectingTo(app.database.settings().connectOptions()).using(vertx).build();
      return Async.await(pool.preparedQuery(sql).execute(Tuple.of(payer.toLowerCase()))).iterator().next().getLong(0);
    } finally {
      Async.await(vertx.close());
    }
  }

  private String predictWallet(String factory, Credentials owner, String salt) {
    String word = (String) app.chain.rpc("eth_call", new JsonObject().put("to", factory)
        .put("data", TestChain.encode("walletAddress", new Address(owner.getAddress()), salt(salt))), "latest");
    return "0x" + word.substring(word.length() - 40);
  }

  private static String createWalletCall(Credentials owner, String salt) {
    return TestChain.encode("createWallet", new Address(owner.getAddress()), salt(salt));
  }

  private static org.web3j.abi.datatypes.generated.Bytes32 salt(String text) {
    return new org.web3j.abi.datatypes.generated.Bytes32(org.web3j.crypto.Hash.sha3(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  /** Uses the authorization on-chain without the facilitator (anyone may: it is a bearer instrument). */
  private void sendDirectly(JsonObject m, byte[] signature) {
    assertThat(app.chain.useAuthorization(app.usdc, m, signature).getString("status")).isEqualTo("0x1");
  }
}
