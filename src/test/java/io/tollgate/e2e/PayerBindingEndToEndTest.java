package io.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.dev.ContractArtifact;
import io.tollgate.signature.SiweMessage;
import io.tollgate.signature.SiweMessages;
import io.tollgate.signature.TestSigner;
import io.tollgate.testing.TestChain;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.Keys;
import org.web3j.utils.Numeric;

/**
 * Payer binding through HTTP, PostgreSQL, Redis and a Prague anvil: a buyer asks for a Sign-In
 * with Ethereum challenge, signs it with whatever wallet it has, binds, pays from that wallet and
 * the checkout is paid; and every refusal, each with its own error code.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PayerBindingEndToEndTest {
  private static final String DOMAIN = "shop.example";
  /** Configured with an endpoint nobody listens on: a chain Tollgate knows but cannot ask. */
  private static final long DEAD_CHAIN = 10;
  private static final BigInteger USDC_12_50 = BigInteger.valueOf(12_500_000);
  private TollgateFixture app;
  private String factory;
  private String permissive;
  private String envelopeDelegate;

  @BeforeAll
  void start() {
    app = TollgateFixture.start(java.util.Map.of("payer.siwe-domain", DOMAIN,
        "chains", TollgateFixture.CHAIN_ID + "," + DEAD_CHAIN, "chain." + DEAD_CHAIN + ".rpc-urls", "http://127.0.0.1:1"));
    factory = app.chain.deploy(TestChain.DEPLOYER, ContractArtifact.load("TestOwnerWalletFactory"), List.of());
    permissive = app.chain.deploy(TestChain.DEPLOYER, ContractArtifact.load("PermissiveWallet"), List.of());
    envelopeDelegate = app.chain.deploy(TestChain.DEPLOYER, ContractArtifact.load("EnvelopeDelegate"), List.of());
  }

  @AfterAll
  void stop() {
    app.close();
  }

  // ---- the buyer's side -----------------------------------------------------------------------

  private TollgateFixture.Response requestChallenge(JsonObject checkout, String address) {
    return app.post("/v1/checkouts/" + checkout.getString("id") + "/challenge", checkout.getString("clientSecret"),
        new JsonObject().put("address", address).put("chainId", TollgateFixture.CHAIN_ID).encode());
  }

  private String challenge(JsonObject checkout, String address) {
    TollgateFixture.Response r = requestChallenge(checkout, address);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().getString("message");
  }

  private TollgateFixture.Response bind(JsonObject checkout, String message, String signature) {
    return app.post("/v1/checkouts/" + checkout.getString("id") + "/payer", checkout.getString("clientSecret"),
        new JsonObject().put("message", message).put("signature", signature).encode());
  }

  private JsonObject bound(JsonObject checkout, String message, String signature) {
    TollgateFixture.Response r = bind(checkout, message, signature);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  private static String personalSign(String message, Credentials key) {
    return TestSigner.signHex(TestSigner.personalSignHash(message), key.getEcKeyPair());
  }

  /** What a TestOwnerWallet's owner signs for a message: the wallet's replay-safe hash of its EIP-191 hash. */
  private static byte[] walletSignature(String wallet, String message, Credentials owner) {
    return TestSigner.sign(TestSigner.walletHash(wallet, TollgateFixture.CHAIN_ID, TestSigner.personalSignHash(message)),
        owner.getEcKeyPair());
  }

  private static void assertRefused(TollgateFixture.Response r, int status, String code) {
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.errorCode()).as(r.body()).isEqualTo(code);
  }

  // ---- wallets --------------------------------------------------------------------------------

  private String createWalletCall(Credentials owner, String salt) {
    return TestChain.encode("createWallet", new Address(owner.getAddress()), new Bytes32(Hash.sha3(salt.getBytes(StandardCharsets.UTF_8))));
  }

  private String predictWallet(Credentials owner, String salt) {
    String word = (String) app.chain.rpc("eth_call", new JsonObject().put("to", factory)
        .put("data", TestChain.encode("walletAddress", new Address(owner.getAddress()),
            new Bytes32(Hash.sha3(salt.getBytes(StandardCharsets.UTF_8))))), "latest");
    return "0x" + word.substring(word.length() - 40);
  }

  private String deployWallet(Credentials owner, String salt) {
    app.chain.awaitReceipt(app.chain.send(TestChain.DEPLOYER, factory, BigInteger.ZERO, createWalletCall(owner, salt),
        BigInteger.valueOf(2_000_000)));
    return predictWallet(owner, salt);
  }

  private String code(String address) {
    return (String) app.chain.rpc("eth_getCode", address, "latest");
  }

  /** The owner has the wallet send the token: the Transfer log's {@code from} is the wallet. */
  private String payFromWallet(Credentials owner, String wallet, BigInteger amount) {
    byte[] transfer = Numeric.hexStringToByteArray(
        TestChain.encode("transfer", new Address(TollgateFixture.RECIPIENT), new Uint256(amount)));
    String tx = app.chain.send(owner, wallet, BigInteger.ZERO,
        TestChain.encode("execute", new Address(app.usdc), new Uint256(BigInteger.ZERO), new DynamicBytes(transfer)),
        BigInteger.valueOf(300_000));
    assertThat(app.chain.awaitReceipt(tx).getString("status")).isEqualTo("0x1");
    return tx;
  }

  /**
   * Submits and waits for the verdict. anvil mines a block per transaction, and the watcher works
   * once per new head: one more block after the submission makes sure a round sees the payment.
   */
  private JsonObject payAndSettle(JsonObject checkout, String tx) {
    assertThat(app.submit(checkout, "USDC", tx).status()).isEqualTo(202);
    app.chain.mine(1);
    return app.awaitSettled(checkout);
  }

  private JsonObject merchantView(JsonObject checkout) {
    return app.merchantGet("/v1/checkouts/" + checkout.getString("id")).json();
  }

  private RowSet<Row> sql(String query, Object... params) {
    try {
      return app.tollgate.pool().preparedQuery(query).execute(Tuple.from(List.of(params))).await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  // ---- challenge → bind → pay → paid ----------------------------------------------------------

  @Nested
  class PaidEndToEnd {
    @Test
    void shouldIssueAnEip4361ChallengeNamingTheCheckoutTheAmountTheAddressAndTheChain() {
      JsonObject checkout = app.newCheckout("12.50", "USDC");
      String id = checkout.getString("id");
      Credentials buyer = app.chain.newFundedAccount();

      TollgateFixture.Response r = requestChallenge(checkout, buyer.getAddress().toLowerCase(Locale.ROOT));

      assertThat(r.status()).as(r.body()).isEqualTo(201);
      String text = r.json().getString("message");
      SiweMessage m = SiweMessages.parse(text); // the canonical form, or this throws
      assertThat(text).startsWith(DOMAIN + " wants you to sign in with your Ethereum account:\n"
          + Keys.toChecksumAddress(buyer.getAddress()) + "\n\nPay 12.50 USD for checkout " + id + " from this account\n\n");
      assertThat(m.uri()).isEqualTo("https://" + DOMAIN + "/v1/checkouts/" + id);
      assertThat(m.version()).isEqualTo("1");
      assertThat(m.chainId()).isEqualTo(TollgateFixture.CHAIN_ID);
      assertThat(m.requestId()).isEqualTo(id);
      assertThat(Duration.between(m.issuedAt(), m.expirationTime())).isEqualTo(Duration.ofMinutes(10));
      assertThat(r.json().getString("nonce")).isEqualTo(m.nonce()).matches("[A-Za-z0-9]{16}");
      assertThat(challenge(checkout, buyer.getAddress())).as("every challenge has a fresh nonce").doesNotContain(m.nonce());
      assertThat(sql("SELECT message FROM payer_challenges WHERE nonce = $1", m.nonce()).iterator().next().getString("message"))
          .isEqualTo(text);
    }

    @Test
    void shouldBindAnOrdinaryAccountSoOnlyItsTransfersPayTheCheckout() {
      JsonObject checkout = app.newCheckout("12.50", "USDC");
      Credentials buyer = app.buyer(100);
      String message = challenge(checkout, buyer.getAddress());

      JsonObject binding = bound(checkout, message, personalSign(message, buyer));

      String payer = buyer.getAddress().toLowerCase(Locale.ROOT);
      assertThat(binding.getString("payer")).isEqualTo(payer);
      assertThat(binding.getString("method")).isEqualTo("ecdsa");
      assertThat(binding.getString("walletKind")).isEqualTo("eoa");
      assertThat(binding.getLong("verifiedChainId")).isEqualTo(TollgateFixture.CHAIN_ID);
      assertThat(merchantView(checkout).getString("payer")).isEqualTo(payer);
      Row audit = sql("SELECT from_status, details FROM checkout_events WHERE checkout_id = $1 AND to_status = 'payer_bound'",
          UUID.fromString(checkout.getString("id"))).iterator().next();
      assertThat(audit.getString("from_status")).isEqualTo("open");
      assertThat(audit.getJsonObject("details").getString("method")).isEqualTo("ecdsa");

      // someone else's exact payment no longer counts ...
      String stranger = app.chain.transferToken(app.buyer(100), app.usdc, TollgateFixture.RECIPIENT, USDC_12_50);
      JsonObject failed = payAndSettle(checkout, stranger);
      assertThat(failed.getString("status")).isEqualTo("failed");
      assertThat(failed.getString("statusReason")).isEqualTo("wrong_payer");
      // ... the bound payer's does
      JsonObject paid = payAndSettle(checkout, app.chain.transferToken(buyer, app.usdc, TollgateFixture.RECIPIENT, USDC_12_50));
      assertThat(paid.getString("status")).isEqualTo("paid");
    }

    @Test
    void shouldSkipASigningChainTollgateHasNoEndpointForAndValidateOnThePaymentChain() {
      JsonObject checkout = app.newCheckout("12.50", "USDC");
      Credentials buyer = app.chain.newFundedAccount();
      String message = challenge(checkout, buyer.getAddress());

      TollgateFixture.Response r = app.post("/v1/checkouts/" + checkout.getString("id") + "/payer", checkout.getString("clientSecret"),
          new JsonObject().put("message", message).put("signature", personalSign(message, buyer)).put("signingChainId", 8453).encode());

      assertThat(r.status()).as(r.body()).isEqualTo(200);
      assertThat(r.json().getLong("verifiedChainId")).isEqualTo(TollgateFixture.CHAIN_ID);
      assertThat(sql("SELECT verified_chain_id FROM payer_bindings WHERE checkout_id = $1",
          UUID.fromString(checkout.getString("id"))).iterator().next().getLong("verified_chain_id")).isEqualTo(TollgateFixture.CHAIN_ID);
    }

    @Test
    void shouldBindADeployedErc1271WalletThatThenPaysFromItself() {
      Credentials owner = app.chain.newFundedAccount();
      String wallet = deployWallet(owner, "paid-1271");
      app.chain.mintToken(app.usdc, wallet, USDC_12_50);
      JsonObject checkout = app.newCheckout("12.50", "USDC");
      String message = challenge(checkout, wallet);

      JsonObject binding = bound(checkout, message, Numeric.toHexString(walletSignature(wallet, message, owner)));

      assertThat(binding.getString("payer")).isEqualTo(wallet);
      assertThat(binding.getString("method")).isEqualTo("erc1271");
      assertThat(binding.getString("walletKind")).isEqualTo("contract");
      assertThat(binding.getString("codeHash")).isEqualTo(Numeric.toHexString(Hash.sha3(Numeric.hexStringToByteArray(code(wallet)))));
      assertThat(payAndSettle(checkout, payFromWallet(owner, wallet, USDC_12_50)).getString("status")).isEqualTo("paid");
      assertThat(merchantView(checkout).getJsonArray("payments").getJsonObject(0).getString("payer")).isEqualTo(wallet);
    }

    @Test
    void shouldBindAnUndeployedErc6492WalletThatIsDeployedLaterAndPays() {
      Credentials owner = app.chain.newFundedAccount();
      String wallet = predictWallet(owner, "paid-6492");
      assertThat(code(wallet)).isEqualTo("0x");
      JsonObject checkout = app.newCheckout("12.50", "USDC");
      String message = challenge(checkout, wallet);
      byte[] wrapped = TestSigner.wrap6492(factory, createWalletCall(owner, "paid-6492"), walletSignature(wallet, message, owner));

      JsonObject binding = bound(checkout, message, Numeric.toHexString(wrapped));

      assertThat(binding.getString("method")).isEqualTo("erc6492");
      assertThat(binding.getString("walletKind")).isEqualTo("counterfactual");
      assertThat(code(wallet)).as("verification must not deploy").isEqualTo("0x");

      assertThat(deployWallet(owner, "paid-6492")).isEqualTo(wallet);
      app.chain.mintToken(app.usdc, wallet, USDC_12_50);
      // settlement re-checks the wrapped signature against the now-deployed wallet, and accepts the deployment
      assertThat(payAndSettle(checkout, payFromWallet(owner, wallet, USDC_12_50)).getString("status")).isEqualTo("paid");
    }

    @Test
    void shouldBindAnEip7702DelegatedAccountThroughItsDelegatesEnvelopeAndLetItPay() {
      Credentials eoa = app.buyer(100);
      TestSigner.delegate(app.chain, app.chain.newFundedAccount(), eoa, envelopeDelegate);
      assertThat(code(eoa.getAddress())).isEqualTo("0xef0100" + envelopeDelegate.substring(2));
      JsonObject checkout = app.newCheckout("12.50", "USDC");
      String message = challenge(checkout, eoa.getAddress());
      byte[] domainSeparator = Numeric.hexStringToByteArray((String) app.chain.rpc("eth_call",
          new JsonObject().put("to", eoa.getAddress()).put("data", TestSigner.DOMAIN_SEPARATOR_CALL), "latest"));
      // what MetaMask's smart account has the key sign in 7702 mode: not the message hash itself
      byte[] signature = TestSigner.sign(TestSigner.envelope(domainSeparator, TestSigner.personalSignHash(message)),
          eoa.getEcKeyPair());

      JsonObject binding = bound(checkout, message, Numeric.toHexString(signature));

      assertThat(binding.getString("method")).isEqualTo("eip7702_envelope");
      assertThat(binding.getString("walletKind")).isEqualTo("eip7702_delegated");
      assertThat(binding.getString("codePrefix")).isEqualTo("0xef0100" + envelopeDelegate.substring(2));
      String tx = app.chain.transferToken(eoa, app.usdc, TollgateFixture.RECIPIENT, USDC_12_50);
      assertThat(payAndSettle(checkout, tx).getString("status")).isEqualTo("paid");
    }

    @Test
    void shouldRejectThePaymentWhenThe7702DelegationChangedBetweenBindingAndSettlement() {
      Credentials eoa = app.buyer(100);
      TestSigner.delegate(app.chain, app.chain.newFundedAccount(), eoa, envelopeDelegate);
      JsonObject checkout = app.newCheckout("12.50", "USDC");
      String message = challenge(checkout, eoa.getAddress());
      assertThat(bound(checkout, message, personalSign(message, eoa)).getString("walletKind")).isEqualTo("eip7702_delegated");

      TestSigner.delegate(app.chain, app.chain.newFundedAccount(), eoa, permissive);
      String tx = app.chain.transferToken(eoa, app.usdc, TollgateFixture.RECIPIENT, USDC_12_50);
      JsonObject settled = payAndSettle(checkout, tx);

      // the transfer itself is right (bound payer, exact amount): only the re-check refuses it
      assertThat(settled.getString("status")).isEqualTo("failed");
      assertThat(settled.getString("statusReason")).isEqualTo("payer_binding_invalid");
      JsonObject payment = merchantView(checkout).getJsonArray("payments").getJsonObject(0);
      assertThat(payment.getString("status")).isEqualTo("rejected");
      assertThat(payment.getString("reason")).isEqualTo("payer_binding_invalid");
      Row audit = sql("SELECT details FROM checkout_events WHERE checkout_id = $1 AND reason = 'payer_binding_invalid'",
          UUID.fromString(checkout.getString("id"))).iterator().next();
      assertThat(audit.getJsonObject("details").getString("detail"))
          .contains("wallet code changed").contains(permissive.substring(2));
    }
  }

  // ---- refusals -------------------------------------------------------------------------------

  @Nested
  class Refusals {
    @Test
    void shouldRefuseASignatureByAnotherKeyAsWrongSigner() {
      JsonObject checkout = app.newCheckout("12.50", "USDC");
      Credentials buyer = app.chain.newFundedAccount();
      String message = challenge(checkout, buyer.getAddress());
      assertRefused(bind(checkout, message, personalSign(message, app.chain.newFundedAccount())), 422, "wrong_signer");
      assertThat(merchantView(checkout).getString("payer")).isNull();
    }

    @Test
    void shouldRefuseAnAlteredMessageEvenWhenTheBuyerSignedTheAlteredText() {
      JsonObject checkout = app.newCheckout("12.50", "USDC");
      Credentials buyer = app.chain.newFundedAccount();
      String altered = challenge(checkout, buyer.getAddress()).replace("Pay 12.50 USD", "Pay 1.25 USD");
      assertRefused(bind(checkout, altered, personalSign(altered, buyer)), 422, "altered_message");
    }

    @Test
    void shouldRefuseAMessageForAnotherDomain() {
      JsonObject checkout = app.newCheckout("12.50", "USDC");
      Credentials buyer = app.chain.newFundedAccount();
      String phished = challenge(checkout, buyer.getAddress()).replace(DOMAIN + " wants you", "evil.example wants you");
      assertRefused(bind(checkout, phished, personalSign(phished, buyer)), 422, "wrong_domain");
    }

    @Test
    void shouldRefuseAReusedNonceAndASecondBinding() {
      JsonObject checkout = app.newCheckout("12.50", "USDC");
      Credentials buyer = app.chain.newFundedAccount();
      String message = challenge(checkout, buyer.getAddress());
      String signature = personalSign(message, buyer);
      bound(checkout, message, signature);

      assertRefused(bind(checkout, message, signature), 409, "nonce_already_used");
      assertRefused(requestChallenge(checkout, app.chain.newFundedAccount().getAddress()), 409, "payer_already_bound");
    }

    @Test
    void shouldRefuseANonceThatWasNeverIssuedForThisCheckout() {
      JsonObject checkout = app.newCheckout("12.50", "USDC");
      JsonObject other = app.newCheckout("12.50", "USDC");
      Credentials buyer = app.chain.newFundedAccount();
      String forOther = challenge(other, buyer.getAddress());
      assertRefused(bind(checkout, forOther, personalSign(forOther, buyer)), 404, "challenge_not_found");
      assertRefused(bind(checkout, "not a Sign-In with Ethereum message", personalSign("x", buyer)), 400, "malformed_siwe_message");
    }

    @Test
    void shouldRefuseAChallengeWhenTheMerchantAlreadyNamedThePayer() {
      String preset = app.chain.newFundedAccount().getAddress();
      TollgateFixture.Response created = app.createCheckout("key-" + UUID.randomUUID(), new JsonObject()
          .put("orderReference", "ORDER-P").put("amount", "12.50").put("payer", preset));
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      assertRefused(requestChallenge(created.json(), preset), 409, "payer_already_bound");
    }

    @Test
    void shouldRefuseAPermissiveWallet() {
      JsonObject checkout = app.newCheckout("12.50", "USDC");
      String message = challenge(checkout, permissive);
      assertRefused(bind(checkout, message, personalSign(message, app.chain.newFundedAccount())), 422, "permissive_wallet");
    }

    @Test
    void shouldRefuseASafeStaticApprovedHashSignature() {
      JsonObject checkout = app.newCheckout("12.50", "USDC");
      String message = challenge(checkout, permissive);
      String staticSignature = "0x" + "00".repeat(12) + permissive.substring(2) + "00".repeat(32) + "01";
      assertRefused(bind(checkout, message, staticSignature), 422, "safe_static_signature");
    }

    @Test
    void shouldRefuseMalformedHexAndImpossibleLengths() {
      JsonObject checkout = app.newCheckout("12.50", "USDC");
      Credentials buyer = app.chain.newFundedAccount();
      String message = challenge(checkout, buyer.getAddress());
      String good = personalSign(message, buyer);
      assertRefused(bind(checkout, message, "0xzz" + good.substring(4)), 400, "malformed_signature");
      assertRefused(bind(checkout, message, good.substring(0, good.length() - 2)), 400, "malformed_signature"); // 64 bytes
      assertRefused(bind(checkout, message, good.substring(2)), 400, "malformed_signature"); // no 0x
    }

    @Test
    void shouldRefuseTheMalleatedHighSTwinOfAGoodSignature() {
      JsonObject checkout = app.newCheckout("12.50", "USDC");
      Credentials buyer = app.chain.newFundedAccount();
      String message = challenge(checkout, buyer.getAddress());
      byte[] high = TestSigner.highS(Numeric.hexStringToByteArray(personalSign(message, buyer)));
      assertRefused(bind(checkout, message, Numeric.toHexString(high)), 422, "malleable_signature");
    }

    @Test
    void shouldRefuseTheSixthAttemptEvenWithAGoodSignature() {
      JsonObject checkout = app.newCheckout("12.50", "USDC");
      Credentials buyer = app.chain.newFundedAccount();
      String message = challenge(checkout, buyer.getAddress());
      for (int attempt = 1; attempt <= 5; attempt++) {
        assertRefused(bind(checkout, message, personalSign(message, app.chain.newFundedAccount())), 422, "wrong_signer");
      }
      assertRefused(bind(checkout, message, personalSign(message, buyer)), 403, "too_many_attempts");
      assertThat(merchantView(checkout).getString("payer")).isNull();

      // a new challenge starts a new count
      String fresh = challenge(checkout, buyer.getAddress());
      assertThat(bound(checkout, fresh, personalSign(fresh, buyer)).getString("payer"))
          .isEqualTo(buyer.getAddress().toLowerCase(Locale.ROOT));
    }

    @Test
    void shouldAnswer503WithoutCountingAnAttemptWhenAChainToAskIsUnreachable() {
      JsonObject checkout = app.newCheckout("12.50", "USDC");
      Credentials buyer = app.chain.newFundedAccount();
      String message = challenge(checkout, buyer.getAddress());
      String path = "/v1/checkouts/" + checkout.getString("id") + "/payer";

      // fallback order: the dead signing chain (unknown), then 31337 (wrong signer): nothing final can be said
      TollgateFixture.Response outage = app.post(path, checkout.getString("clientSecret"), new JsonObject().put("message", message)
          .put("signature", personalSign(message, app.chain.newFundedAccount())).put("signingChainId", DEAD_CHAIN).encode());

      assertRefused(outage, 503, "signature_check_unavailable");
      assertThat(sql("SELECT failed_attempts FROM payer_challenges WHERE message = $1", message).iterator().next()
          .getInteger("failed_attempts")).isZero();
      // the buyer's good signature still validates on the payment chain after the dead one
      TollgateFixture.Response ok = app.post(path, checkout.getString("clientSecret"), new JsonObject().put("message", message)
          .put("signature", personalSign(message, buyer)).put("signingChainId", DEAD_CHAIN).encode());
      assertThat(ok.status()).as(ok.body()).isEqualTo(200);
      assertThat(ok.json().getLong("verifiedChainId")).isEqualTo(TollgateFixture.CHAIN_ID);
    }

    @Test
    void shouldRefuseAChallengeForAChainTheCheckoutCannotBePaidOn() {
      JsonObject checkout = app.newCheckout("12.50", "USDC");
      TollgateFixture.Response r = app.post("/v1/checkouts/" + checkout.getString("id") + "/challenge",
          checkout.getString("clientSecret"),
          new JsonObject().put("address", app.chain.newFundedAccount().getAddress()).put("chainId", 8453).encode());
      assertRefused(r, 422, "payment_method_not_available");
    }

    @Test
    void shouldRefuseBothEndpointsWithoutTheClientSecret() {
      JsonObject checkout = app.newCheckout("12.50", "USDC");
      String address = app.chain.newFundedAccount().getAddress();
      assertRefused(app.post("/v1/checkouts/" + checkout.getString("id") + "/challenge", "wrong",
          new JsonObject().put("address", address).put("chainId", TollgateFixture.CHAIN_ID).encode()), 401, "invalid_client_secret");
      assertRefused(app.post("/v1/checkouts/" + checkout.getString("id") + "/payer", null,
          new JsonObject().put("message", "x").put("signature", "0x").encode()), 401, "invalid_client_secret");
    }

    @Test
    void shouldRefuseBodiesThatBreakTheContractSayingWhereBeforeAnythingElse() {
      JsonObject checkout = app.newCheckout("12.50", "USDC");
      String id = checkout.getString("id");
      String secret = checkout.getString("clientSecret");
      TollgateFixture.Response shortAddress = app.post("/v1/checkouts/" + id + "/challenge", secret,
          new JsonObject().put("address", "0x1234").put("chainId", TollgateFixture.CHAIN_ID).encode());
      assertRefused(shortAddress, 400, "invalid_request");
      assertThat(shortAddress.json().getJsonObject("error").getString("field")).isEqualTo("address");
      assertRefused(app.post("/v1/checkouts/" + id + "/challenge", secret, "{\"address\": "), 400, "malformed_json");

      TollgateFixture.Response noSignature = app.post("/v1/checkouts/" + id + "/payer", secret,
          new JsonObject().put("message", "x").encode());
      assertRefused(noSignature, 400, "invalid_request");
      assertThat(noSignature.json().getJsonObject("error").getString("detail")).isEqualTo("signature is required");
      TollgateFixture.Response extra = app.post("/v1/checkouts/" + id + "/payer", secret,
          new JsonObject().put("message", "x").put("signature", "0x").put("wallet", "eoa").encode());
      assertRefused(extra, 400, "invalid_request");
      assertThat(extra.json().getJsonObject("error").getString("field")).isEqualTo("wallet");
      // the secret is checked before the body (issue 21): a bad body and no secret is a 401
      assertRefused(app.post("/v1/checkouts/" + id + "/payer", null, "[]"), 401, "invalid_client_secret");
    }
  }
}
