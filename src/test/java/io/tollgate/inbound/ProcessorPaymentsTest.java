package io.tollgate.inbound;

import io.tollgate.checkout.TransitionLog;
import static io.tollgate.testing.Async.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.testing.TestRows;
import io.tollgate.testing.TestRows.CheckoutRow;
import io.tollgate.testing.TestVertx;
import io.tollgate.webhook.WebhookOutbox;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Processor events applied to checkouts on a real PostgreSQL, the way the inbound intake calls
 * the sink (inside a transaction), but without the intake's (variant, event id) dedupe: so a
 * replay here proves the sink itself is idempotent. Payloads are the recorded fixtures in
 * src/test/resources/webhook with the test's checkout ids put in.
 */
class ProcessorPaymentsTest {
  private static final String STRIPE = "stripe-main";
  private static final String NODERAILS = "noderails-eu";

  private static TestVertx env;
  private static UUID merchant;
  private static UUID otherMerchant;
  private static ProcessorPayments payments;

  @BeforeAll
  static void start() {
    env = TestVertx.withDatabase();
    merchant = TestRows.merchant(env.pool());
    otherMerchant = TestRows.merchant(env.pool());
    payments = new ProcessorPayments(Map.of(STRIPE, merchant, NODERAILS, merchant),
        new TransitionLog(List.of(new WebhookOutbox(Clock.systemUTC()))));
  }

  @AfterAll
  static void stop() {
    env.close();
  }

  static JsonObject fixture(String name) {
    try (InputStream in = ProcessorPaymentsTest.class.getResourceAsStream("/webhook/" + name + ".json")) {
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** payment_intent.succeeded for {@code cents} USD of a new intent, its metadata naming the checkout. */
  static JsonObject stripeSucceeded(UUID checkout, long cents) {
    JsonObject event = fixture("stripe-payment_intent.succeeded").put("id", "evt_" + UUID.randomUUID());
    JsonObject intent = event.getJsonObject("data").getJsonObject("object");
    intent.put("id", "pi_" + UUID.randomUUID()).put("amount", cents).put("amount_received", cents);
    intent.getJsonObject("metadata").put("tollgate_checkout_id", checkout.toString()).remove("order_reference");
    return event;
  }

  static HandlerOutcome apply(String variant, InboundProvider provider, JsonObject payload) {
    String kind = provider == InboundProvider.STRIPE ? payload.getString("type") : payload.getString("event");
    String eventId = provider == InboundProvider.STRIPE ? payload.getString("id") : payload.getString("paymentIntentId");
    InboundEvent event = new InboundEvent(variant, provider, eventId, kind, payload, Instant.now());
    return await(env.pool().withTransaction(conn -> payments.apply(event,
        ProcessorEvents.extract(provider, kind, payload), context(conn))));
  }

  static HandlerContext context(SqlConnection conn) {
    Instant now = Instant.now();
    return new HandlerContext() {
      @Override
      public SqlConnection connection() { return conn; }

      @Override
      public Instant now() { return now; }
    };
  }

  static Row checkout(UUID id) {
    return env.one("SELECT status, status_reason, paid_processor_payment_id FROM checkouts WHERE id = $1", id);
  }

  static long count(String sql, UUID checkout) {
    return env.count(sql, checkout);
  }

  @Test
  void shouldPayTheCheckoutNamedByAStripePaymentIntentOnceHoweverOftenTheEventIsApplied() {
    UUID id = TestRows.checkout(env.pool(), merchant, CheckoutRow.open().amount("42.50"));
    JsonObject event = stripeSucceeded(id, 4250);

    HandlerOutcome first = apply(STRIPE, InboundProvider.STRIPE, event);
    HandlerOutcome replay = apply(STRIPE, InboundProvider.STRIPE, event);

    assertThat(first).isInstanceOf(HandlerOutcome.Applied.class);
    assertThat(replay).isInstanceOf(HandlerOutcome.Ignored.class);
    assertThat(checkout(id).getString("status")).isEqualTo("paid");
    Row paidBy = env.one("SELECT id, status, amount, charge_id FROM processor_payments WHERE checkout_id = $1", id);
    assertThat(checkout(id).getLong("paid_processor_payment_id")).isEqualTo(paidBy.getLong("id"));
    assertThat(paidBy.getString("status")).isEqualTo("succeeded");
    assertThat(paidBy.getBigDecimal("amount")).isEqualByComparingTo("42.50");
    assertThat(count("SELECT count(*) FROM processor_payments WHERE checkout_id = $1", id)).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM checkout_events WHERE checkout_id = $1 AND to_status = 'paid'", id)).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM webhook_events WHERE checkout_id = $1 AND type = 'checkout.paid'", id))
        .as("the shop hears of it once").isEqualTo(1);
  }

  @Test
  void shouldPayTheCheckoutANodeRailsCaptureFindsByItsOrderReference() {
    String order = "ORD-" + UUID.randomUUID();
    UUID id = TestRows.checkout(env.pool(), merchant, CheckoutRow.open().amount("42.50").orderReference(order));
    // The fixture's metadata checkout id is not a Tollgate id: the order reference (externalId) is the key.
    JsonObject captured = fixture("noderails-payment.captured").put("externalId", order)
        .put("paymentIntentId", UUID.randomUUID().toString());

    assertThat(apply(NODERAILS, InboundProvider.NODERAILS, captured)).isInstanceOf(HandlerOutcome.Applied.class);
    assertThat(apply(NODERAILS, InboundProvider.NODERAILS, captured)).isInstanceOf(HandlerOutcome.Ignored.class);

    assertThat(checkout(id).getString("status")).isEqualTo("paid");
    assertThat(env.one("SELECT provider, processor_session_id FROM processor_payments WHERE checkout_id = $1", id)
        .getString("processor_session_id")).isEqualTo(captured.getString("checkoutSessionId"));
    assertThat(count("SELECT count(*) FROM checkout_events WHERE checkout_id = $1 AND to_status = 'paid'", id)).isEqualTo(1);
  }

  @Test
  void shouldRecordAnUnderpaymentWithoutPayingTheCheckout() {
    UUID id = TestRows.checkout(env.pool(), merchant, CheckoutRow.open().amount("42.50"));

    HandlerOutcome outcome = apply(STRIPE, InboundProvider.STRIPE, stripeSucceeded(id, 4249));

    assertThat(outcome).isInstanceOf(HandlerOutcome.Applied.class);
    assertThat(checkout(id).getString("status")).isEqualTo("open");
    assertThat(env.one("SELECT to_status, reason FROM checkout_events WHERE checkout_id = $1", id).getString("reason"))
        .isEqualTo("processor_amount_mismatch");
    assertThat(count("SELECT count(*) FROM processor_payments WHERE checkout_id = $1 AND status = 'succeeded'", id))
        .as("the money is on record").isEqualTo(1);
  }

  @Test
  void shouldNeverTouchAnotherMerchantsCheckout() {
    UUID theirs = TestRows.checkout(env.pool(), otherMerchant, CheckoutRow.open().amount("42.50"));

    HandlerOutcome outcome = apply(STRIPE, InboundProvider.STRIPE, stripeSucceeded(theirs, 4250));

    assertThat(outcome).isInstanceOf(HandlerOutcome.Unmatched.class);
    assertThat(checkout(theirs).getString("status")).isEqualTo("open");
    assertThat(count("SELECT count(*) FROM processor_payments WHERE checkout_id = $1", theirs)).isZero();
  }

  @Test
  void shouldKeepAPaymentAfterExpiryAsPaidLateOnce() {
    UUID id = TestRows.checkout(env.pool(), merchant, CheckoutRow.open().amount("42.50").status("expired")
        .createdAt(Instant.now().minusSeconds(1200)).expiresAt(Instant.now().minusSeconds(600)));
    JsonObject event = stripeSucceeded(id, 4250);

    assertThat(apply(STRIPE, InboundProvider.STRIPE, event)).isInstanceOf(HandlerOutcome.Applied.class);
    assertThat(apply(STRIPE, InboundProvider.STRIPE, event)).isInstanceOf(HandlerOutcome.Ignored.class);

    Row row = checkout(id);
    assertThat(row.getString("status")).isEqualTo("expired");
    assertThat(row.getString("status_reason")).isEqualTo("paid_late");
    assertThat(row.getLong("paid_processor_payment_id")).isNotNull();
    assertThat(count("SELECT count(*) FROM webhook_events WHERE checkout_id = $1 AND type = 'checkout.paid_late'", id))
        .isEqualTo(1);
  }

  @Test
  void shouldNotLetADeclineUndoAPaidCheckout() {
    UUID id = TestRows.checkout(env.pool(), merchant, CheckoutRow.open().amount("42.50"));
    apply(STRIPE, InboundProvider.STRIPE, stripeSucceeded(id, 4250));
    JsonObject declined = fixture("stripe-payment_intent.payment_failed").put("id", "evt_" + UUID.randomUUID());
    JsonObject intent = declined.getJsonObject("data").getJsonObject("object").put("id", "pi_" + UUID.randomUUID());
    intent.getJsonObject("metadata").put("tollgate_checkout_id", id.toString());

    apply(STRIPE, InboundProvider.STRIPE, declined);

    assertThat(checkout(id).getString("status")).isEqualTo("paid");
    assertThat(count("SELECT count(*) FROM processor_payments WHERE checkout_id = $1 AND status = 'failed'", id)).isEqualTo(1);
  }

  @Test
  void shouldRecordASecondProcessorPaymentOfAPaidCheckoutButKeepTheFirstAsWhatPaidIt() {
    UUID id = TestRows.checkout(env.pool(), merchant, CheckoutRow.open().amount("42.50"));
    apply(STRIPE, InboundProvider.STRIPE, stripeSucceeded(id, 4250));
    long paidBy = checkout(id).getLong("paid_processor_payment_id");

    HandlerOutcome second = apply(STRIPE, InboundProvider.STRIPE, stripeSucceeded(id, 4250));

    assertThat(second).isInstanceOf(HandlerOutcome.Ignored.class);
    assertThat(checkout(id).getLong("paid_processor_payment_id")).isEqualTo(paidBy);
    assertThat(count("SELECT count(*) FROM processor_payments WHERE checkout_id = $1 AND status = 'succeeded'", id))
        .as("both captures are on record").isEqualTo(2);
  }
}
