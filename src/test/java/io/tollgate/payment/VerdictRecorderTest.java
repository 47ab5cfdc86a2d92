package io.tollgate.payment;

import static io.tollgate.testing.Async.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.checkout.TransitionLog;
import io.tollgate.testing.TestRows;
import io.tollgate.testing.TestRows.CheckoutRow;
import io.tollgate.testing.TestVertx;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One verdict's compare-and-set transitions on a real PostgreSQL (the path of every verdict that
 * is not a chunk's): each changes its payment and checkout once, and a replay changes nothing.
 */
class VerdictRecorderTest {
  private static final String ACTOR = "chain:31337";
  private static final String PAYER = "0x" + "c".repeat(40);

  private static TestVertx env;
  private static UUID merchant;
  private static VerdictRecorder recorder;

  @BeforeAll
  static void start() {
    env = TestVertx.withDatabase();
    merchant = TestRows.merchant(env.pool());
    recorder = new VerdictRecorder(env.pool(), new TransitionLog(List.of()));
  }

  @AfterAll
  static void stop() {
    env.close();
  }

  @Test
  void shouldCreditATransactionOnceAndRejectTheOtherClaimTxAlreadyCredited() {
    String hash = newHash();
    UUID first = pendingCheckout();
    UUID second = pendingCheckout();
    long credited = claim(first, hash);
    long loser = claim(second, hash);

    await(recorder.record(credited, first, paying(true), ACTOR));
    await(recorder.record(loser, second, paying(true), ACTOR));

    assertThat(state(first)).isEqualTo("paid/null: confirmed/null");
    assertThat(state(second)).isEqualTo("failed/tx_already_credited: rejected/tx_already_credited");
    String settled = state(first) + " | " + state(second) + " | " + events(first) + " | " + events(second);
    await(recorder.record(credited, first, paying(true), ACTOR));
    await(recorder.record(loser, second, paying(true), ACTOR));
    assertThat(state(first) + " | " + state(second) + " | " + events(first) + " | " + events(second))
        .as("a replay changes nothing").isEqualTo(settled);
  }

  @Test
  void shouldKeepMoneyForACheckoutAlreadyPaidAsADuplicatePaymentCreditedAndRefundable() {
    UUID checkout = pendingCheckout();
    long paid = claim(checkout, newHash());
    long second = claim(checkout, newHash());

    await(recorder.record(paid, checkout, paying(true), ACTOR));
    await(recorder.record(second, checkout, paying(true), ACTOR));
    await(recorder.record(second, checkout, paying(true), ACTOR)); // a replay changes nothing

    assertThat(state(checkout)).isEqualTo("paid/null: confirmed/null, confirmed/checkout_already_paid");
    assertThat(env.one("SELECT duplicate, refunded_base FROM payments WHERE id = $1", second).getBoolean("duplicate")).isTrue();
    assertThat(env.one("SELECT duplicate FROM payments WHERE id = $1", paid).getBoolean("duplicate")).isFalse();
    assertThat(events(checkout)).containsExactly("pending->paid/null", "null->duplicate_payment/checkout_already_paid");
  }

  @Test
  void shouldFailACheckoutOnlyOnceNoOtherPaymentIsInFlight() {
    UUID checkout = pendingCheckout();
    long wrong = claim(checkout, newHash());
    long other = claim(checkout, newHash());
    Verdict.Rejected wrongPayer = new Verdict.Rejected(RejectionReason.WRONG_PAYER, "another wallet", 100L);

    await(recorder.record(wrong, checkout, wrongPayer, ACTOR));
    assertThat(state(checkout)).isEqualTo("pending/null: rejected/wrong_payer, submitted/null");

    await(recorder.record(other, checkout, wrongPayer, ACTOR));
    assertThat(state(checkout)).isEqualTo("failed/wrong_payer: rejected/wrong_payer, rejected/wrong_payer");
    assertThat(events(checkout))
        .containsExactly("null->payment_rejected/wrong_payer", "pending->failed/wrong_payer");
  }

  @Test
  void shouldForgetAReceiptThatLeftTheCanonicalChainOnce() {
    UUID checkout = pendingCheckout();
    long payment = claim(checkout, newHash());
    await(recorder.record(payment, checkout, paying(false), ACTOR));
    assertThat(state(checkout)).isEqualTo("pending/null: mined/null");

    await(recorder.record(payment, checkout, new Verdict.NotMined(), ACTOR));
    await(recorder.record(payment, checkout, new Verdict.NotMined(), ACTOR));

    assertThat(state(checkout)).isEqualTo("pending/null: submitted/null");
    assertThat(env.one("SELECT block_hash FROM payments WHERE id = $1", payment).getString("block_hash")).isNull();
    assertThat(events(checkout)).containsExactly("pending->pending/mined", "pending->pending/reorged");
  }

  @Test
  void shouldRecordAConfirmedLatePaymentAndLeaveTheCheckoutExpired() {
    Instant created = Instant.now().minusSeconds(1200);
    UUID checkout = TestRows.checkout(env.pool(), merchant,
        CheckoutRow.open().status("expired").payer(PAYER).createdAt(created).expiresAt(created.plusSeconds(600)));
    long payment = claim(checkout, newHash());

    await(recorder.record(payment, checkout, new Verdict.PaidLate(paying(false)), ACTOR));
    assertThat(state(checkout)).as("unconfirmed: nothing stored yet").isEqualTo("expired/null: submitted/null");

    await(recorder.record(payment, checkout, new Verdict.PaidLate(paying(true)), ACTOR));
    assertThat(state(checkout)).isEqualTo("expired/paid_late: confirmed/null");
    assertThat(env.one("SELECT late FROM payments WHERE id = $1", payment).getBoolean("late")).isTrue();
    assertThat(events(checkout)).containsExactly("expired->paid_late/null");
  }

  @Test
  void shouldKeepAPaymentInAnotherOptionThanTheMoneyReceivedAsADuplicatePayment() {
    // Two claims in flight in two options (submitted before the first was judged): the first makes
    // the checkout underpaid in USDC; the second, in ETH, cannot top it up (amounts in two tokens
    // are never added) and is kept, credited and refundable, never dropped.
    UUID checkout = pendingCheckout();
    env.sql("INSERT INTO payment_options (checkout_id, chain_id, token, token_address, decimals, amount_base, recipient)"
        + " VALUES ($1, 31337, 'ETH', NULL, 18, 4000000000000000, $2)", checkout, TestRows.RECIPIENT);
    long usdc = claim(checkout, newHash());
    long eth = env.one("""
            INSERT INTO payments (checkout_id, chain_id, token, tx_hash, status, submitted_at, updated_at)
            VALUES ($1, 31337, 'ETH', $2, 'submitted', now(), now()) RETURNING id""", checkout, newHash()).getLong("id");

    await(recorder.record(usdc, checkout, new Verdict.Paying(100, "0x" + "ab".repeat(32), Instant.now().minusSeconds(2),
        PAYER, BigInteger.valueOf(6_000_000), 1, true), ACTOR));
    await(recorder.record(eth, checkout, new Verdict.Paying(100, "0x" + "ab".repeat(32), Instant.now().minusSeconds(2),
        PAYER, new BigInteger("4000000000000000"), 1, true), ACTOR));

    assertThat(state(checkout)).isEqualTo("underpaid/underpaid: confirmed/null, confirmed/checkout_already_paid");
    assertThat(env.one("SELECT duplicate, amount_base FROM payments WHERE id = $1", eth).getBoolean("duplicate")).isTrue();
    assertThat(env.one("SELECT received_base, received_token FROM checkouts WHERE id = $1", checkout)
        .getBigDecimal("received_base").longValue()).isEqualTo(6_000_000);
    assertThat(events(checkout)).containsExactly("pending->underpaid/underpaid", "null->duplicate_payment/checkout_already_paid");
  }

  // ---- fixtures ----

  private static UUID pendingCheckout() {
    return TestRows.checkout(env.pool(), merchant, CheckoutRow.open().status("pending").payer(PAYER));
  }

  private static long claim(UUID checkout, String txHash) {
    return env.one("""
            INSERT INTO payments (checkout_id, chain_id, token, tx_hash, status, submitted_at, updated_at)
            VALUES ($1, 31337, 'USDC', $2, 'submitted', now(), now()) RETURNING id""", checkout, txHash).getLong("id");
  }

  private static Verdict.Paying paying(boolean confirmed) {
    return new Verdict.Paying(100, "0x" + "ab".repeat(32), Instant.now().minusSeconds(2), PAYER,
        BigInteger.valueOf(12_500_000), confirmed ? 1 : 0, confirmed);
  }

  private static String newHash() {
    String hex = UUID.randomUUID().toString().replace("-", "");
    return "0x" + hex + hex;
  }

  /** "status/reason: payment status/reason, ..." with the payments in claim order. */
  private static String state(UUID checkout) {
    return env.one("""
            SELECT c.status || '/' || coalesce(c.status_reason, 'null') || ': '
                   || (SELECT string_agg(p.status || '/' || coalesce(p.reason, 'null'), ', ' ORDER BY p.id)
                       FROM payments p WHERE p.checkout_id = c.id) AS state
            FROM checkouts c WHERE c.id = $1""", checkout).getString("state");
  }

  /** The checkout's audit rows, "from->to/reason", in order. */
  private static List<String> events(UUID checkout) {
    List<String> events = new ArrayList<>();
    env.sql("SELECT from_status, to_status, reason FROM checkout_events WHERE checkout_id = $1 ORDER BY id", checkout)
        .forEach(r -> events.add(r.getString("from_status") + "->" + r.getString("to_status") + "/" + r.getString("reason")));
    return events;
  }
}
