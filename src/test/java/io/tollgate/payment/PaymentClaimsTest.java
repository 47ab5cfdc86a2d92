package io.tollgate.payment;

import static io.tollgate.testing.Async.await;
import static io.tollgate.testing.Async.awaitFailure;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.tollgate.checkout.CheckoutStatus;
import io.tollgate.checkout.TransitionLog;
import io.tollgate.testing.TestRows;
import io.tollgate.testing.TestRows.CheckoutRow;
import io.tollgate.testing.TestVertx;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Buyers' claims on a real PostgreSQL, without HTTP: who may claim a hash, the refusals and their
 * order, and that a refused or repeated claim changes nothing.
 */
class PaymentClaimsTest {
  private static final long CHAIN = 31337;
  private static final String PAYER = "0x" + "b".repeat(40);

  private static TestVertx env;
  private static UUID merchant;
  private static UUID optionalMerchant;
  private static PaymentClaims claims;

  @BeforeAll
  static void start() {
    env = TestVertx.withDatabase();
    merchant = TestRows.merchant(env.pool());
    optionalMerchant = TestRows.merchant(env.pool());
    env.sql("UPDATE merchants SET payer_binding = 'optional' WHERE id = $1", optionalMerchant);
    claims = new PaymentClaims(env.pool(), new TransitionLog(List.of()));
  }

  @AfterAll
  static void stop() {
    env.close();
  }

  @Test
  void shouldRefuseAClaimOfAnUnboundCheckoutWhoseMerchantRequiresBinding() {
    UUID checkout = TestRows.checkout(env.pool(), merchant, CheckoutRow.open());
    String before = state(checkout);

    Throwable refused = awaitFailure(claims.submit(submission(checkout, newHash())));

    assertThat(refused).isInstanceOf(ApiException.class);
    assertThat(((ApiException) refused).error()).isEqualTo(ErrorCode.PAYER_NOT_BOUND);
    assertThat(state(checkout)).as("a refused claim leaves nothing behind").isEqualTo(before);
  }

  @Test
  void shouldTakeAClaimOfAnUnboundCheckoutWhenTheMerchantMadeBindingOptional() {
    UUID checkout = TestRows.checkout(env.pool(), optionalMerchant, CheckoutRow.open());
    String hash = newHash();

    CheckoutStatus status = await(claims.submit(submission(checkout, hash)));

    assertThat(status.status()).isEqualTo("pending");
    assertThat(status.payment().txHash()).isEqualTo(hash);
    assertThat(status.payment().status()).isEqualTo("submitted");
    assertThat(claimsOf(hash)).containsExactly(checkout + "/submitted");
    assertThat(env.count("""
            SELECT count(*) FROM checkout_events
            WHERE checkout_id = $1 AND from_status = 'open' AND to_status = 'pending' AND actor = 'buyer'""", checkout))
        .isEqualTo(1);
  }

  @Test
  void shouldLetSeveralCheckoutsClaimOneTransaction() {
    String hash = newHash();
    List<UUID> checkouts = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String payer = "0x" + Integer.toString(i + 1).repeat(40);
      checkouts.add(TestRows.checkout(env.pool(), merchant, CheckoutRow.open().payer(payer)));
    }

    for (UUID checkout : checkouts) {
      assertThat(await(claims.submit(submission(checkout, hash))).status()).isEqualTo("pending");
    }

    assertThat(claimsOf(hash)).containsExactlyInAnyOrder(
        checkouts.get(0) + "/submitted", checkouts.get(1) + "/submitted", checkouts.get(2) + "/submitted");
  }

  @Test
  void shouldAnswerARepeatedClaimWithTheCurrentStatusAndChangeNothing() {
    UUID checkout = bound();
    String hash = newHash();
    CheckoutStatus first = await(claims.submit(submission(checkout, hash)));
    String claimed = state(checkout);

    CheckoutStatus again = await(claims.submit(submission(checkout, hash)));

    assertThat(again).isEqualTo(first);
    assertThat(state(checkout)).isEqualTo(claimed);

    // Also once the checkout is settled: the claim's state, not "not payable".
    env.sql("UPDATE payments SET status = 'confirmed' WHERE checkout_id = $1", checkout);
    env.sql("""
        UPDATE checkouts SET status = 'paid', version = version + 1,
                             paid_payment_id = (SELECT id FROM payments WHERE checkout_id = $1)
        WHERE id = $1""", checkout);
    String paid = state(checkout);

    CheckoutStatus settled = await(claims.submit(submission(checkout, hash)));

    assertThat(settled.status()).isEqualTo("paid");
    assertThat(settled.payment().status()).isEqualTo("confirmed");
    assertThat(state(checkout)).isEqualTo(paid);
  }

  @Test
  void shouldRefuseATransactionAlreadyCreditedToAnotherCheckout() {
    String hash = newHash();
    UUID credited = bound();
    await(claims.submit(submission(credited, hash)));
    env.sql("UPDATE payments SET status = 'confirmed' WHERE checkout_id = $1", credited);
    UUID latecomer = bound();
    String before = state(latecomer);

    Throwable refused = awaitFailure(claims.submit(submission(latecomer, hash)));

    assertThat(refused).isInstanceOf(ApiException.class);
    assertThat(((ApiException) refused).error()).isEqualTo(ErrorCode.TX_HASH_ALREADY_USED);
    assertThat(state(latecomer)).isEqualTo(before);
    assertThat(claimsOf(hash)).containsExactly(credited + "/confirmed");
  }

  @Test
  void shouldRefuseAnOptionTheCheckoutDoesNotOffer() {
    UUID checkout = bound();
    String before = state(checkout);

    Throwable otherToken = awaitFailure(claims.submit(new PaymentSubmission(checkout, CHAIN, "ETH", newHash(), "buyer")));
    Throwable otherChain = awaitFailure(claims.submit(new PaymentSubmission(checkout, 1, "USDC", newHash(), "buyer")));

    for (Throwable refused : List.of(otherToken, otherChain)) {
      assertThat(refused).isInstanceOf(ApiException.class);
      assertThat(((ApiException) refused).error()).isEqualTo(ErrorCode.PAYMENT_METHOD_NOT_AVAILABLE);
    }
    assertThat(state(checkout)).isEqualTo(before);
  }

  @Test
  void shouldRecordTheExpiryAndTheClaimOfALateSubmission() {
    Instant created = Instant.now().minusSeconds(1200);
    UUID checkout = TestRows.checkout(env.pool(), merchant,
        CheckoutRow.open().payer(PAYER).createdAt(created).expiresAt(created.plusSeconds(600)));
    String hash = newHash();

    CheckoutStatus status = await(claims.submit(submission(checkout, hash)));

    assertThat(status.status()).isEqualTo("expired");
    assertThat(status.payment().txHash()).isEqualTo(hash);
    assertThat(claimsOf(hash)).containsExactly(checkout + "/submitted");
    List<String> events = new ArrayList<>();
    env.sql("SELECT from_status, to_status, reason FROM checkout_events WHERE checkout_id = $1 ORDER BY id", checkout)
        .forEach(r -> events.add(r.getString("from_status") + "->" + r.getString("to_status") + "/" + r.getString("reason")));
    assertThat(events).containsExactly("open->expired/null", "expired->expired/late_payment_submitted");
    assertThat(env.one("SELECT status, status_reason FROM checkouts WHERE id = $1", checkout).getString("status"))
        .isEqualTo("expired");
  }

  @Test
  void shouldRecordAClaimOfAPaidCheckoutAsAPossibleDuplicatePaymentLeavingTheCheckoutAlone() {
    UUID checkout = TestRows.checkout(env.pool(), merchant, CheckoutRow.open().payer(PAYER).status("paid"));
    String hash = newHash();

    CheckoutStatus status = await(claims.submit(submission(checkout, hash)));

    assertThat(status.status()).isEqualTo("paid");
    assertThat(claimsOf(hash)).containsExactly(checkout + "/submitted");
    assertThat(env.one("SELECT status FROM checkouts WHERE id = $1", checkout).getString("status")).isEqualTo("paid");
    assertThat(env.one("SELECT to_status, reason FROM checkout_events WHERE checkout_id = $1 ORDER BY id DESC LIMIT 1",
        checkout).getString("to_status")).isEqualTo("duplicate_claimed");
  }

  @Test
  void shouldRefuseAClaimOfAPaidCheckoutWithoutABoundPayer() {
    UUID checkout = TestRows.checkout(env.pool(), merchant, CheckoutRow.open().status("paid"));
    String before = state(checkout);

    Throwable refused = awaitFailure(claims.submit(submission(checkout, newHash())));

    assertThat(refused).isInstanceOf(ApiException.class);
    assertThat(((ApiException) refused).error()).isEqualTo(ErrorCode.CHECKOUT_NOT_PAYABLE);
    assertThat(((ApiException) refused).detail()).isEqualTo("checkout is paid");
    assertThat(state(checkout)).isEqualTo(before);
  }

  // ---- fixtures ----

  private static UUID bound() {
    return TestRows.checkout(env.pool(), merchant, CheckoutRow.open().payer(PAYER));
  }

  private static PaymentSubmission submission(UUID checkout, String txHash) {
    return new PaymentSubmission(checkout, CHAIN, "USDC", txHash, "buyer");
  }

  private static String newHash() {
    String hex = UUID.randomUUID().toString().replace("-", "");
    return "0x" + hex + hex;
  }

  /** checkout/status of every claim on {@code txHash}, in claim order. */
  private static List<String> claimsOf(String txHash) {
    List<String> claims = new ArrayList<>();
    env.sql("SELECT checkout_id, status FROM payments WHERE tx_hash = $1 ORDER BY id", txHash)
        .forEach(r -> claims.add(r.getUUID("checkout_id") + "/" + r.getString("status")));
    return claims;
  }

  /** Status, version, claims and audit rows of a checkout: what a refused or repeated claim must not change. */
  private static String state(UUID checkout) {
    return env.one("""
            SELECT c.status || '/v' || c.version
                   || '/' || (SELECT count(*) FROM payments p WHERE p.checkout_id = c.id) || ' claims'
                   || '/' || (SELECT count(*) FROM checkout_events e WHERE e.checkout_id = c.id) || ' events' AS state
            FROM checkouts c WHERE c.id = $1""", checkout).getString("state");
  }
}
