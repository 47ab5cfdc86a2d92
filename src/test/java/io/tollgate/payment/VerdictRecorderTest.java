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

  /**
   * Money that left the chain is not refundable: when a payment is reversed (its transaction
   * orphaned by a reorg), refunds still waiting for their transfer that draw on it are canceled
   * ({@code payment_reversed}) with their reservations released, the money leaves the checkout's
   * received balance (or the duplicate's own), and a refund already verifying is left alone.
   */
  @Test
  void shouldCancelOpenRefundsOfAReversedPaymentAndLeaveNothingRefundable() {
    UUID checkout = pendingCheckout();
    long paid = claim(checkout, newHash());
    long duplicate = claim(checkout, newHash());
    await(recorder.record(paid, checkout, paying(true), ACTOR));
    await(recorder.record(duplicate, checkout, paying(true), ACTOR));
    UUID ofDuplicate = refund(checkout, duplicate, "awaiting_transfer", 12_500_000);
    UUID open = refund(checkout, null, "awaiting_transfer", 2_500_000);
    UUID verifying = refund(checkout, null, "verifying", 1_000_000);
    env.sql("UPDATE payments SET refunded_base = 12500000 WHERE id = $1", duplicate);
    env.sql("UPDATE checkouts SET refunded_base = 3500000 WHERE id = $1", checkout);

    Verdict.Reversed reverted = new Verdict.Reversed(RejectionReason.TX_REVERTED, "mined again, reverted");
    await(recorder.record(duplicate, checkout, reverted, ACTOR));
    for (int i = 0; i < FinalityRecorder.MISSES_TO_REVERSE; i++) {
      await(recorder.record(paid, checkout, new Verdict.Vanished("no receipt"), ACTOR));
    }

    assertThat(refundState(ofDuplicate)).isEqualTo("canceled/payment_reversed");
    assertThat(refundState(open)).isEqualTo("canceled/payment_reversed");
    assertThat(refundState(verifying)).as("money already on its way back").isEqualTo("verifying/null");
    assertThat(env.one("SELECT refunded_base FROM payments WHERE id = $1", duplicate).getBigDecimal("refunded_base").longValue())
        .isZero();
    var c = env.one("SELECT status, received_base, refunded_base FROM checkouts WHERE id = $1", checkout);
    assertThat(c.getString("status")).isEqualTo("reversed");
    assertThat(c.getBigDecimal("refunded_base").longValue()).as("only the verifying refund").isEqualTo(1_000_000);
    assertThat(c.getBigDecimal("received_base").longValue()).as("nothing left to refund").isEqualTo(1_000_000);
    assertThat(events(checkout)).contains("null->refund_canceled/payment_reversed", "paid->reversed/orphaned");
    assertThat(events(checkout).stream().filter(e -> e.startsWith("null->refund_canceled"))).hasSize(2);

    String settled = state(checkout) + events(checkout);
    await(recorder.record(paid, checkout, new Verdict.Vanished("no receipt"), ACTOR));
    await(recorder.record(duplicate, checkout, reverted, ACTOR));
    assertThat(state(checkout) + events(checkout)).as("a replay changes nothing").isEqualTo(settled);
  }

  /**
   * A checkout paid in two parts (an underpayment, then a top-up) is not paid any more when the
   * first part leaves the chain, though the top-up is what paid it: it leaves {@code paid} too.
   */
  @Test
  void shouldReverseACheckoutWhoseFirstPartOfATopUpLeftTheChain() {
    UUID checkout = pendingCheckout();
    long first = claim(checkout, newHash());
    long topUp = claim(checkout, newHash());
    await(recorder.record(first, checkout, paying(5_000_000), ACTOR));
    assertThat(state(checkout)).startsWith("underpaid/");
    await(recorder.record(topUp, checkout, paying(7_500_000), ACTOR));
    assertThat(state(checkout)).startsWith("paid/null");

    for (int i = 0; i < FinalityRecorder.MISSES_TO_REVERSE; i++) {
      await(recorder.record(first, checkout, new Verdict.Vanished("no receipt"), ACTOR));
    }
    var c = env.one("SELECT status, status_reason, received_base FROM checkouts WHERE id = $1", checkout);
    assertThat(c.getString("status") + "/" + c.getString("status_reason")).isEqualTo("reversed/orphaned");
    assertThat(c.getBigDecimal("received_base").longValue()).isEqualTo(7_500_000);
    assertThat(events(checkout)).contains("paid->reversed/orphaned");
  }

  private static UUID refund(UUID checkout, Long paymentId, String status, long amountBase) {
    return env.one("""
            INSERT INTO refunds (id, checkout_id, merchant_id, method, status, amount, amount_base, chain_id, token,
                                 token_address, source_address, destination, payment_id, actor)
            VALUES (gen_random_uuid(), $1, $2, 'onchain', $3, $4, $5, 31337, 'USDC', $6, $7, $8, $9, 'merchant:test')
            RETURNING id""", checkout, merchant, status, java.math.BigDecimal.valueOf(amountBase, 6),
        java.math.BigDecimal.valueOf(amountBase), "0x" + "d".repeat(40), TestRows.RECIPIENT, PAYER, paymentId).getUUID("id");
  }

  private static String refundState(UUID refund) {
    var r = env.one("SELECT status, failure_reason FROM refunds WHERE id = $1", refund);
    return r.getString("status") + "/" + r.getString("failure_reason");
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

  private static Verdict.Paying paying(long amountBase) {
    return new Verdict.Paying(100, "0x" + "ab".repeat(32), Instant.now().minusSeconds(2), PAYER,
        BigInteger.valueOf(amountBase), 1, true);
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
