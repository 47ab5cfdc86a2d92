package io.tollgate.payer;

import static io.tollgate.testing.Async.await;
import static io.tollgate.testing.Async.awaitFailure;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.tollgate.checkout.TransitionLog;
import io.tollgate.signature.SignatureVerifier;
import io.tollgate.signature.SiweMessage;
import io.tollgate.signature.SiweMessages;
import io.tollgate.signature.TestSigner;
import io.tollgate.signature.VerifierSettings;
import io.tollgate.testing.MutableClock;
import io.tollgate.testing.StubEthRpc;
import io.tollgate.testing.TestRows;
import io.tollgate.testing.TestRows.CheckoutRow;
import io.tollgate.testing.TestVertx;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;

/**
 * Payer binding on a real PostgreSQL, without HTTP: challenges, the order of refusals, the attempt
 * counter and the one-transaction commit. Ordinary accounts (EOA personal_sign) only, so the chain
 * is a stub answering {@code eth_getCode} with no code; contract wallets are covered against anvil
 * in PayerBindingEndToEndTest.
 */
class PayerBindingServiceTest {
  private static final long CHAIN = 31337;
  private static final String DOMAIN = "shop.example";
  private static final int MAX_FAILED_ATTEMPTS = 3;

  private static TestVertx env;
  private static UUID merchant;
  private MutableClock clock;
  private StubEthRpc chain;
  private PayerBindingService service;

  @BeforeAll
  static void start() {
    env = TestVertx.withDatabase();
    merchant = TestRows.merchant(env.pool());
  }

  @AfterAll
  static void stop() {
    env.close();
  }

  @BeforeEach
  void newService() {
    clock = MutableClock.atNow();
    chain = new StubEthRpc(CHAIN);
    service = new PayerBindingService(env.pool(),
        SignatureVerifier.create(env.vertx(), VerifierSettings.defaults().withCacheSize(0)), Map.of(CHAIN, chain),
        new TransitionLog(List.of()), new PayerSettings(DOMAIN, null, Duration.ofMinutes(10), MAX_FAILED_ATTEMPTS), clock);
  }

  private UUID openCheckout() {
    return TestRows.checkout(env.pool(), merchant, CheckoutRow.open().createdAt(clock.instant())
        .expiresAt(clock.instant().plus(Duration.ofMinutes(30))));
  }

  private static Credentials newKey() {
    try {
      return Credentials.create(Keys.createEcKeyPair());
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String sign(String text, Credentials key) {
    return TestSigner.signHex(TestSigner.personalSignHash(text), key.getEcKeyPair());
  }

  private IssuedChallenge challenge(UUID checkout, Credentials buyer) {
    return await(service.challenge(checkout, buyer.getAddress(), CHAIN, "ignored-host:8443"));
  }

  private Future<PayerBinding> bind(UUID checkout, String text, String signature) {
    return service.bind(checkout, text, signature, null, "ignored-host:8443", "buyer");
  }

  private static ErrorCode refusal(Future<?> future) {
    Throwable cause = awaitFailure(future);
    assertThat(cause).isInstanceOf(ApiException.class);
    return ((ApiException) cause).error();
  }

  private Row challengeRow(IssuedChallenge issued) {
    return env.one("SELECT used_at, failed_attempts, address FROM payer_challenges WHERE nonce = $1", issued.message().nonce());
  }

  private String payerOf(UUID checkout) {
    return env.one("SELECT payer FROM checkouts WHERE id = $1", checkout).getString("payer");
  }

  @Test
  void shouldIssueAChallengeForTheConfiguredDomainAndStoreItsExactText() {
    UUID checkout = openCheckout();
    Credentials buyer = newKey();

    IssuedChallenge issued = challenge(checkout, buyer);

    SiweMessage m = SiweMessages.parse(issued.text());
    assertThat(m.domain()).isEqualTo(DOMAIN);
    assertThat(m.address()).isEqualTo(Keys.toChecksumAddress(buyer.getAddress()));
    assertThat(m.chainId()).isEqualTo(CHAIN);
    assertThat(m.statement()).isEqualTo("Pay 12.50 USD for checkout " + checkout + " from this account");
    assertThat(m.issuedAt()).isEqualTo(clock.instant());
    assertThat(m.expirationTime()).isEqualTo(clock.instant().plus(Duration.ofMinutes(10)));
    Row stored = env.one("SELECT message, address, used_at, failed_attempts FROM payer_challenges WHERE nonce = $1", m.nonce());
    assertThat(stored.getString("message")).isEqualTo(issued.text());
    assertThat(stored.getString("address")).isEqualTo(buyer.getAddress().toLowerCase(Locale.ROOT));
    assertThat(stored.getValue("used_at")).isNull();
    assertThat(stored.getInteger("failed_attempts")).isZero();
  }

  @Test
  void shouldBindTheAccountThatSignedTheIssuedTextWithItsProofAndAuditRow() {
    UUID checkout = openCheckout();
    Credentials buyer = newKey();
    IssuedChallenge issued = challenge(checkout, buyer);

    PayerBinding binding = await(bind(checkout, issued.text(), sign(issued.text(), buyer)));

    String payer = buyer.getAddress().toLowerCase(Locale.ROOT);
    assertThat(binding.payer()).isEqualTo(payer);
    assertThat(binding.proof().method().code()).isEqualTo("ecdsa");
    assertThat(binding.proof().chainId()).isEqualTo(CHAIN);
    assertThat(binding.status().payer()).as("the snapshot after commit").isEqualTo(payer);
    assertThat(payerOf(checkout)).isEqualTo(payer);
    assertThat(challengeRow(issued).getValue("used_at")).isNotNull();
    Row proof = env.one("SELECT payer, method, wallet_kind, verified_chain_id FROM payer_bindings WHERE checkout_id = $1", checkout);
    assertThat(proof.getString("wallet_kind")).isEqualTo("eoa");
    assertThat(proof.getLong("verified_chain_id")).isEqualTo(CHAIN);
    Row audit = env.one("SELECT from_status, to_status, actor, details FROM checkout_events WHERE checkout_id = $1", checkout);
    assertThat(audit.getString("to_status")).isEqualTo("payer_bound");
    assertThat(audit.getString("from_status")).isEqualTo("open");
    assertThat(audit.getString("actor")).isEqualTo("buyer");
    assertThat(chain.calls()).containsExactly("eth_getCode");
  }

  @Test
  void shouldRefuseASignatureByAnotherKeyAndCountTheAttempt() {
    UUID checkout = openCheckout();
    IssuedChallenge issued = challenge(checkout, newKey());

    assertThat(refusal(bind(checkout, issued.text(), sign(issued.text(), newKey())))).isEqualTo(ErrorCode.WRONG_SIGNER);

    assertThat(challengeRow(issued).getInteger("failed_attempts")).isEqualTo(1);
    assertThat(challengeRow(issued).getValue("used_at")).isNull();
    assertThat(payerOf(checkout)).isNull();
  }

  @Test
  void shouldRefuseAnAlteredMessageSignedByTheRightKeyWithoutAskingTheChainOrCounting() {
    UUID checkout = openCheckout();
    Credentials buyer = newKey();
    IssuedChallenge issued = challenge(checkout, buyer);
    String altered = issued.text().replace("Pay 12.50 USD", "Pay 0.01 USD");
    assertThat(altered).isNotEqualTo(issued.text());

    assertThat(refusal(bind(checkout, altered, sign(altered, buyer)))).isEqualTo(ErrorCode.ALTERED_MESSAGE);

    assertThat(chain.calls()).isEmpty();
    assertThat(challengeRow(issued).getInteger("failed_attempts")).isZero();
    assertThat(payerOf(checkout)).isNull();
  }

  @Test
  void shouldRefuseAGoodSignatureOnceTheChallengeHasExpired() {
    UUID checkout = openCheckout();
    Credentials buyer = newKey();
    IssuedChallenge issued = challenge(checkout, buyer);
    clock.advance(Duration.ofMinutes(10));

    assertThat(refusal(bind(checkout, issued.text(), sign(issued.text(), buyer)))).isEqualTo(ErrorCode.CHALLENGE_EXPIRED);

    assertThat(payerOf(checkout)).isNull();
    assertThat(challengeRow(issued).getValue("used_at")).isNull();
  }

  @Test
  void shouldRefuseToUseANonceTwice() {
    UUID checkout = openCheckout();
    Credentials buyer = newKey();
    IssuedChallenge issued = challenge(checkout, buyer);
    String signature = sign(issued.text(), buyer);
    await(bind(checkout, issued.text(), signature));

    assertThat(refusal(bind(checkout, issued.text(), signature))).isEqualTo(ErrorCode.NONCE_ALREADY_USED);
    assertThat(refusal(service.challenge(checkout, newKey().getAddress(), CHAIN, null)))
        .as("a binding is never replaced").isEqualTo(ErrorCode.PAYER_ALREADY_BOUND);
  }

  @Test
  void shouldRefuseEvenAGoodSignatureOnceTheAttemptsAreUsedUp() {
    UUID checkout = openCheckout();
    Credentials buyer = newKey();
    IssuedChallenge issued = challenge(checkout, buyer);
    for (int i = 1; i <= MAX_FAILED_ATTEMPTS; i++) {
      assertThat(refusal(bind(checkout, issued.text(), sign(issued.text(), newKey())))).isEqualTo(ErrorCode.WRONG_SIGNER);
    }

    assertThat(refusal(bind(checkout, issued.text(), sign(issued.text(), buyer)))).isEqualTo(ErrorCode.TOO_MANY_ATTEMPTS);

    assertThat(challengeRow(issued).getInteger("failed_attempts")).isEqualTo(MAX_FAILED_ATTEMPTS);
    assertThat(payerOf(checkout)).isNull();
    IssuedChallenge fresh = challenge(checkout, buyer);
    assertThat(await(bind(checkout, fresh.text(), sign(fresh.text(), buyer))).payer())
        .as("a new challenge starts a new count").isEqualTo(buyer.getAddress().toLowerCase(Locale.ROOT));
  }

  @Test
  void shouldNotCountAnAttemptWhenTheChainCannotBeAsked() {
    UUID checkout = openCheckout();
    Credentials buyer = newKey();
    IssuedChallenge issued = challenge(checkout, buyer);
    chain.down(true);

    assertThat(refusal(bind(checkout, issued.text(), sign(issued.text(), buyer))))
        .isEqualTo(ErrorCode.SIGNATURE_CHECK_UNAVAILABLE);

    assertThat(challengeRow(issued).getInteger("failed_attempts")).isZero();
    chain.down(false);
    assertThat(await(bind(checkout, issued.text(), sign(issued.text(), buyer))).payer()).isNotNull();
  }

  @Test
  void shouldNotFindAChallengeIssuedForAnotherCheckout() {
    UUID mine = openCheckout();
    UUID other = openCheckout();
    Credentials buyer = newKey();
    IssuedChallenge issued = challenge(mine, buyer);

    assertThat(refusal(bind(other, issued.text(), sign(issued.text(), buyer)))).isEqualTo(ErrorCode.CHALLENGE_NOT_FOUND);
    assertThat(payerOf(other)).isNull();
  }

  @Test
  void shouldRefuseABindingWhenTheCheckoutExpiredBeforeItsChallengeAndLeaveTheNonceUnused() {
    UUID checkout = TestRows.checkout(env.pool(), merchant, CheckoutRow.open().createdAt(clock.instant())
        .expiresAt(clock.instant().plus(Duration.ofMinutes(2))));
    Credentials buyer = newKey();
    IssuedChallenge issued = challenge(checkout, buyer);
    clock.advance(Duration.ofMinutes(3)); // the challenge (10 min) is still valid, the checkout is not

    Throwable refused = awaitFailure(bind(checkout, issued.text(), sign(issued.text(), buyer)));

    assertThat(((ApiException) refused).error()).isEqualTo(ErrorCode.CHECKOUT_NOT_PAYABLE);
    assertThat(((ApiException) refused).detail()).contains("expired");
    assertThat(challengeRow(issued).getValue("used_at")).as("rolled back with the binding").isNull();
    assertThat(env.count("SELECT count(*) FROM payer_bindings WHERE checkout_id = $1", checkout)).isZero();
  }

  @Test
  void shouldRefuseChallengesForCheckoutsThatCannotTakeAPayer() {
    UUID pending = TestRows.checkout(env.pool(), merchant, CheckoutRow.open().status("pending")
        .expiresAt(clock.instant().plus(Duration.ofMinutes(30))));
    UUID preset = TestRows.checkout(env.pool(), merchant, CheckoutRow.open().payer("0x" + "1".repeat(40))
        .expiresAt(clock.instant().plus(Duration.ofMinutes(30))));
    UUID elsewhere = TestRows.checkout(env.pool(), merchant, CheckoutRow.open().chainId(137)
        .expiresAt(clock.instant().plus(Duration.ofMinutes(30))));
    String address = newKey().getAddress();

    assertThat(refusal(service.challenge(pending, address, CHAIN, null))).isEqualTo(ErrorCode.CHECKOUT_NOT_PAYABLE);
    assertThat(refusal(service.challenge(preset, address, CHAIN, null))).isEqualTo(ErrorCode.PAYER_ALREADY_BOUND);
    assertThat(refusal(service.challenge(elsewhere, address, CHAIN, null))).isEqualTo(ErrorCode.PAYMENT_METHOD_NOT_AVAILABLE);
    assertThat(refusal(service.challenge(UUID.randomUUID(), address, CHAIN, null))).isEqualTo(ErrorCode.CHECKOUT_NOT_FOUND);
    assertThat(refusal(service.challenge(openCheckout(), "0x" + "0".repeat(40), CHAIN, null))).isEqualTo(ErrorCode.INVALID_ADDRESS);
    assertThat(env.count("SELECT count(*) FROM payer_challenges WHERE checkout_id IN ($1, $2, $3)", pending, preset, elsewhere))
        .isZero();
  }

  @Test
  void shouldLetExactlyOneOfTwoRacingBuyersBind() {
    UUID checkout = openCheckout();
    Credentials alice = newKey();
    Credentials bob = newKey();
    IssuedChallenge forAlice = challenge(checkout, alice);
    IssuedChallenge forBob = challenge(checkout, bob);

    Future<PayerBinding> a = bind(checkout, forAlice.text(), sign(forAlice.text(), alice));
    Future<PayerBinding> b = bind(checkout, forBob.text(), sign(forBob.text(), bob));
    await(Future.join(a, b).otherwiseEmpty());

    assertThat(List.of(a, b)).filteredOn(Future::succeeded).hasSize(1);
    Future<PayerBinding> loser = a.succeeded() ? b : a;
    assertThat(((ApiException) loser.cause()).error()).isEqualTo(ErrorCode.PAYER_ALREADY_BOUND);
    String winner = (a.succeeded() ? a : b).result().payer();
    assertThat(payerOf(checkout)).isEqualTo(winner);
    assertThat(env.count("SELECT count(*) FROM payer_challenges WHERE checkout_id = $1 AND used_at IS NOT NULL", checkout))
        .as("the loser's nonce stays unused").isEqualTo(1);
  }
}
