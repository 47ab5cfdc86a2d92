package io.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Other processors' webhooks through {@code POST /v1/webhooks/{variant}}: signatures computed here
 * independently of the production code (Stripe, NodeRails, Standard Webhooks), events stored before
 * processing, deduplicated, applied to checkouts once, unknown kinds acknowledged, unmatched kept,
 * and a handler failure captured with its stack trace then retried through the admin API.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InboundWebhookEndToEndTest {
  private static final String STRIPE_SECRET = "whsec_stripe_test_secret_0123456789";
  private static final String NODERAILS_SECRET = "nr_whsec_0123456789abcdef";
  private static final String STANDARD_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final String ADMIN_TOKEN = "operator-token-for-tests";

  private TollgateFixture app;
  private TollgateFixture.Instance intake;

  @BeforeAll
  void start() throws Exception {
    app = TollgateFixture.start();
    String merchant = app.merchantId.toString();
    intake = app.startAnother(Map.ofEntries(
        Map.entry("webhooks.dispatcher.enabled", "false"),
        Map.entry("webhooks.inbound.variants", "stripe-main,noderails-eu,std"),
        Map.entry("webhooks.inbound.stripe-main.provider", "stripe"),
        Map.entry("webhooks.inbound.stripe-main.secrets", "whsec_old_rotated_out_0000," + STRIPE_SECRET),
        Map.entry("webhooks.inbound.stripe-main.merchant", merchant),
        Map.entry("webhooks.inbound.noderails-eu.provider", "noderails"),
        Map.entry("webhooks.inbound.noderails-eu.secrets", NODERAILS_SECRET),
        Map.entry("webhooks.inbound.noderails-eu.merchant", merchant),
        Map.entry("webhooks.inbound.std.provider", "standard_webhooks"),
        Map.entry("webhooks.inbound.std.secrets", STANDARD_SECRET),
        Map.entry("webhooks.inbound.std.merchant", merchant),
        Map.entry("admin.token-sha256", HexFormat.of().formatHex(
            MessageDigest.getInstance("SHA-256").digest(ADMIN_TOKEN.getBytes(StandardCharsets.UTF_8))))));
  }

  @AfterAll
  void stop() {
    app.close();
  }

  @Test
  void stripePaymentSucceededPaysTheMatchingCheckoutOnceAndDuplicatesAreAcknowledged() {
    JsonObject checkout = app.newCheckout("12.50", "USDC");
    String event = stripeEvent("payment_intent.succeeded", intent("pi_" + UUID.randomUUID(), 1250, checkout)).encode();

    TollgateFixture.Response first = stripe("stripe-main", event, Instant.now().getEpochSecond(), STRIPE_SECRET);
    assertThat(first.status()).as(first.body()).isEqualTo(200);
    assertThat(first.json().getString("status")).isEqualTo("processed");
    assertThat(first.json().getBoolean("duplicate")).isFalse();
    JsonObject full = app.merchantGet("/v1/checkouts/" + checkout.getString("id")).json();
    assertThat(full.getString("status")).isEqualTo("paid");
    assertThat(app.status(checkout).json().getString("status")).isEqualTo("paid");

    TollgateFixture.Response again = stripe("stripe-main", event, Instant.now().getEpochSecond(), STRIPE_SECRET);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().getBoolean("duplicate")).isTrue();
    assertThat(again.json().getString("status")).isEqualTo("processed");
    assertThat(count("SELECT count(*) FROM checkout_events WHERE checkout_id = $1 AND to_status = 'paid'", checkout)).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM webhook_events WHERE checkout_id = $1 AND type = 'checkout.paid'", checkout)).isEqualTo(1);
  }

  @Test
  void concurrentDuplicatesAreStoredAndProcessedOnce() throws Exception {
    JsonObject checkout = app.newCheckout("3.00", "USDC");
    String event = stripeEvent("payment_intent.succeeded", intent("pi_" + UUID.randomUUID(), 300, checkout)).encode();
    long t = Instant.now().getEpochSecond();
    ExecutorService pool = Executors.newFixedThreadPool(12);
    try {
      List<Callable<TollgateFixture.Response>> calls = new ArrayList<>();
      for (int i = 0; i < 12; i++) calls.add(() -> stripe("stripe-main", event, t, STRIPE_SECRET));
      List<TollgateFixture.Response> answers = new ArrayList<>();
      for (Future<TollgateFixture.Response> f : pool.invokeAll(calls)) answers.add(f.get());
      assertThat(answers).allMatch(r -> r.status() == 200);
      assertThat(answers.stream().filter(r -> !r.json().getBoolean("duplicate"))).hasSize(1);
    } finally {
      pool.shutdownNow();
    }
    String eventId = new JsonObject(event).getString("id");
    assertThat(count("SELECT count(*) FROM inbound_webhook_events WHERE event_id = '" + eventId + "' AND $1::uuid IS NOT NULL",
        checkout)).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM checkout_events WHERE checkout_id = $1 AND to_status = 'paid'", checkout)).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM processor_payments WHERE checkout_id = $1", checkout)).isEqualTo(1);
  }

  @Test
  void badAndStaleStripeSignaturesAreRefusedAndNothingIsStored() {
    JsonObject checkout = app.newCheckout("4.00", "USDC");
    JsonObject event = stripeEvent("payment_intent.succeeded", intent("pi_" + UUID.randomUUID(), 400, checkout));
    long now = Instant.now().getEpochSecond();

    TollgateFixture.Response wrongSecret = stripe("stripe-main", event.encode(), now, "whsec_not_the_secret");
    assertThat(wrongSecret.status()).isEqualTo(400);
    assertThat(wrongSecret.errorCode()).isEqualTo("invalid_webhook_signature");
    assertThat(wrongSecret.json().getJsonObject("error").getString("detail")).isEqualTo("no_matching_signature");

    TollgateFixture.Response stale = stripe("stripe-main", event.encode(), now - 600, STRIPE_SECRET);
    assertThat(stale.status()).isEqualTo(400);
    assertThat(stale.json().getJsonObject("error").getString("detail")).isEqualTo("timestamp_too_old");

    String signed = event.encode();
    String header = "t=" + now + ",v1=" + hex(hmac(STRIPE_SECRET.getBytes(StandardCharsets.UTF_8), now + "." + signed));
    TollgateFixture.Response tampered = post("/v1/webhooks/stripe-main", signed.replace("\"amount\":400", "\"amount\":1"),
        Map.of("Stripe-Signature", header));
    assertThat(tampered.status()).isEqualTo(400);
    assertThat(post("/v1/webhooks/stripe-main", signed, Map.of()).status()).isEqualTo(400);

    assertThat(count("SELECT count(*) FROM inbound_webhook_events WHERE event_id = '" + event.getString("id")
        + "' AND $1::uuid IS NOT NULL", checkout)).isZero();
    assertThat(app.merchantGet("/v1/checkouts/" + checkout.getString("id")).json().getString("status")).isEqualTo("open");
    assertThat(post("/v1/webhooks/no-such-variant", signed, Map.of("Stripe-Signature", header)).status()).isEqualTo(404);
  }

  @Test
  void stripeFailureRefundsAndDisputesAreRecorded() {
    JsonObject checkout = app.newCheckout("20.00", "USDC");
    String intentId = "pi_" + UUID.randomUUID();
    JsonObject declined = intent(intentId, 2000, checkout).put("last_payment_error",
        new JsonObject().put("message", "Your card was declined.").put("decline_code", "generic_decline"));
    assertThat(stripeNow(stripeEvent("payment_intent.payment_failed", declined)).json().getString("status")).isEqualTo("processed");
    JsonObject failed = app.merchantGet("/v1/checkouts/" + checkout.getString("id")).json();
    assertThat(failed.getString("status")).isEqualTo("failed");
    assertThat(failed.getString("statusReason")).isEqualTo("processor_payment_failed");

    assertThat(stripeNow(stripeEvent("payment_intent.succeeded", intent(intentId, 2000, checkout))).json()
        .getString("status")).isEqualTo("processed");
    assertThat(app.merchantGet("/v1/checkouts/" + checkout.getString("id")).json().getString("status")).isEqualTo("paid");

    // A charge carries no shop metadata: it is matched through the payment intent recorded above.
    JsonObject partial = new JsonObject().put("id", "ch_1").put("object", "charge").put("payment_intent", intentId)
        .put("amount", 2000).put("amount_refunded", 500).put("currency", "usd");
    assertThat(stripeNow(stripeEvent("charge.refunded", partial)).json().getString("status")).isEqualTo("processed");
    assertThat(processorPaymentStatus(intentId)).isEqualTo("partially_refunded");
    JsonObject full = partial.copy().put("amount_refunded", 2000);
    assertThat(stripeNow(stripeEvent("charge.refunded", full)).json().getString("status")).isEqualTo("processed");
    assertThat(processorPaymentStatus(intentId)).isEqualTo("refunded");

    JsonObject dispute = new JsonObject().put("id", "dp_" + UUID.randomUUID()).put("object", "dispute").put("charge", "ch_1")
        .put("payment_intent", intentId).put("amount", 2000).put("currency", "usd").put("reason", "fraudulent")
        .put("status", "needs_response");
    assertThat(stripeNow(stripeEvent("charge.dispute.created", dispute)).json().getString("status")).isEqualTo("processed");
    assertThat(count("SELECT count(*) FROM processor_disputes WHERE checkout_id = $1", checkout)).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM checkout_events WHERE checkout_id = $1 AND to_status = 'dispute_opened'", checkout))
        .isEqualTo(1);
  }

  @Test
  void nodeRailsCapturedPaysTheCheckoutFoundByOrderReferenceAndBadSignaturesAreRefused() {
    String order = "NR-" + UUID.randomUUID();
    TollgateFixture.Response created = app.createCheckout("nr-" + UUID.randomUUID(), new JsonObject()
        .put("orderReference", order).put("amount", "7.00"));
    JsonObject checkout = created.json();
    String intentId = "pi_nr_" + UUID.randomUUID();
    JsonObject authorized = new JsonObject().put("event", "payment.authorized").put("paymentIntentId", intentId)
        .put("checkoutSessionId", "cs_" + UUID.randomUUID()).put("externalId", order).put("amount", "7.00")
        .put("currency", "USD").put("status", "AUTHORIZED");
    long ms = Instant.now().toEpochMilli();
    TollgateFixture.Response bad = nodeRails(authorized.encode(), ms, "wrong-secret");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.errorCode()).isEqualTo("invalid_webhook_signature");
    TollgateFixture.Response stale = nodeRails(authorized.encode(), ms - 10 * 60_000, NODERAILS_SECRET);
    assertThat(stale.status()).isEqualTo(400);
    assertThat(stale.json().getJsonObject("error").getString("detail")).isEqualTo("timestamp_too_old");

    assertThat(nodeRails(authorized.encode(), ms, NODERAILS_SECRET).json().getString("status")).isEqualTo("processed");
    assertThat(processorPaymentStatus(intentId)).isEqualTo("authorized");
    assertThat(app.merchantGet("/v1/checkouts/" + checkout.getString("id")).json().getString("status")).isEqualTo("open");

    JsonObject captured = authorized.copy().put("event", "payment.captured").put("status", "CAPTURED");
    TollgateFixture.Response capture = nodeRails(captured.encode(), ms, NODERAILS_SECRET);
    assertThat(capture.json().getString("status")).isEqualTo("processed");
    // NodeRails sends each webhook up to three times: the same body dedupes to the same event.
    TollgateFixture.Response redelivered = nodeRails(captured.encode(), Instant.now().toEpochMilli(), NODERAILS_SECRET);
    assertThat(redelivered.json().getBoolean("duplicate")).isTrue();
    assertThat(app.merchantGet("/v1/checkouts/" + checkout.getString("id")).json().getString("status")).isEqualTo("paid");
    assertThat(processorPaymentStatus(intentId)).isEqualTo("succeeded");

    JsonObject refunded = authorized.copy().put("event", "payment.refunded").put("status", "REFUNDED").put("fullyRefunded", true);
    assertThat(nodeRails(refunded.encode(), ms, NODERAILS_SECRET).json().getString("status")).isEqualTo("processed");
    assertThat(processorPaymentStatus(intentId)).isEqualTo("refunded");
  }

  @Test
  void standardWebhooksUnknownKindsAreStoredAndAcknowledged() {
    String body = new JsonObject().put("type", "invoice.something_new").put("data", new JsonObject().put("x", 1)).encode();
    String id = "msg_" + UUID.randomUUID().toString().replace("-", "");
    long t = Instant.now().getEpochSecond();
    byte[] key = Base64.getDecoder().decode(STANDARD_SECRET.substring("whsec_".length()));
    String signature = "v1," + Base64.getEncoder().encodeToString(hmac(key, id + "." + t + "." + body));
    Map<String, String> headers = Map.of("webhook-id", id, "webhook-timestamp", Long.toString(t), "webhook-signature", signature);

    TollgateFixture.Response ok = post("/v1/webhooks/std", body, headers);
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.json().getString("status")).isEqualTo("ignored");
    assertThat(ok.json().getString("eventId")).isEqualTo(id);
    assertThat(post("/v1/webhooks/std", body, headers).json().getBoolean("duplicate")).isTrue();
    assertThat(count("SELECT count(*) FROM inbound_webhook_events WHERE event_id = '" + id + "' AND kind = 'invoice.something_new'"
        + " AND $1::uuid IS NOT NULL", new JsonObject().put("id", UUID.randomUUID().toString()))).isEqualTo(1);

    TollgateFixture.Response forged = post("/v1/webhooks/std", body.replace("\"x\":1", "\"x\":2"), headers);
    assertThat(forged.status()).isEqualTo(400);
    assertThat(forged.json().getJsonObject("error").getString("detail")).isEqualTo("no_matching_signature");

    TollgateFixture.Response stale = post("/v1/webhooks/std", body, Map.of("webhook-id", id,
        "webhook-timestamp", Long.toString(t - 3600), "webhook-signature",
        "v1," + Base64.getEncoder().encodeToString(hmac(key, id + "." + (t - 3600) + "." + body))));
    assertThat(stale.status()).isEqualTo(400);
    assertThat(stale.json().getJsonObject("error").getString("detail")).isEqualTo("timestamp_too_old");
  }

  @Test
  void anEventMatchingNoCheckoutIsKeptAndReported() {
    JsonObject stranger = new JsonObject().put("id", "pi_" + UUID.randomUUID()).put("object", "payment_intent")
        .put("amount", 100).put("amount_received", 100).put("currency", "usd")
        .put("metadata", new JsonObject().put("tollgate_checkout_id", UUID.randomUUID().toString()));
    JsonObject event = stripeEvent("payment_intent.succeeded", stranger);
    TollgateFixture.Response r = stripeNow(event);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().getString("status")).isEqualTo("unmatched");

    TollgateFixture.Response listed = admin("GET", "/v1/admin/inbound-webhooks?status=unmatched", ADMIN_TOKEN);
    assertThat(listed.status()).isEqualTo(200);
    assertThat(listed.json().getJsonArray("data").stream().map(o -> ((JsonObject) o).getString("eventId")))
        .contains(event.getString("id"));
    assertThat(admin("GET", "/v1/admin/inbound-webhooks", "wrong-token").status()).isEqualTo(401);
    assertThat(admin("GET", "/v1/admin/inbound-webhooks", null).status()).isEqualTo(401);
  }

  @Test
  void aHandlerFailureIsCapturedWithItsStackTraceThenRetriedByAnOperator() throws Exception {
    JsonObject checkout = app.newCheckout("9.00", "USDC");
    JsonObject event = stripeEvent("payment_intent.succeeded", intent("pi_" + UUID.randomUUID(), 900, checkout));
    // A real failure inside the handler's transaction: the table it writes to is briefly gone.
    sql("ALTER TABLE processor_payments RENAME TO processor_payments_away");
    TollgateFixture.Response failed;
    try {
      failed = stripeNow(event);
    } finally {
      sql("ALTER TABLE processor_payments_away RENAME TO processor_payments");
    }
    assertThat(failed.status()).as("stored, so acknowledged").isEqualTo(200);
    assertThat(failed.json().getString("status")).isEqualTo("failed");
    assertThat(app.merchantGet("/v1/checkouts/" + checkout.getString("id")).json().getString("status")).isEqualTo("open");

    JsonObject captured = adminFind(event.getString("id"), "failed");
    assertThat(captured.getString("lastError")).contains("processor_payments");
    // Vert.x's PgException carries no frames: the captured trace is the exception chain as thrown.
    assertThat(captured.getString("stackTrace")).contains("PgException").contains("processor_payments");
    assertThat(captured.getInteger("attempts")).isEqualTo(1);

    TollgateFixture.Response retried = admin("POST", "/v1/admin/inbound-webhooks/" + captured.getLong("id") + "/retry", ADMIN_TOKEN);
    assertThat(retried.status()).as(retried.body()).isEqualTo(200);
    assertThat(retried.json().getString("status")).isEqualTo("processed");
    assertThat(retried.json().getValue("stackTrace")).isNull();
    assertThat(app.merchantGet("/v1/checkouts/" + checkout.getString("id")).json().getString("status")).isEqualTo("paid");
    // Retrying a processed event changes nothing.
    assertThat(admin("POST", "/v1/admin/inbound-webhooks/" + captured.getLong("id") + "/retry", ADMIN_TOKEN).json()
        .getInteger("attempts")).isEqualTo(2);
    assertThat(count("SELECT count(*) FROM checkout_events WHERE checkout_id = $1 AND to_status = 'paid'", checkout)).isEqualTo(1);
  }

  @Test
  void anEventIdBeyondSixtyFourBitsIsNotFoundNotAnError() {
    TollgateFixture.Response r = admin("POST", "/v1/admin/inbound-webhooks/9223372036854775808/retry", ADMIN_TOKEN);
    assertThat(r.status()).as(r.body()).isEqualTo(404);
    assertThat(r.errorCode()).isEqualTo("not_found");
  }

  // ---- helpers ----

  private static JsonObject intent(String id, long cents, JsonObject checkout) {
    return new JsonObject().put("id", id).put("object", "payment_intent").put("amount", cents)
        .put("amount_received", cents).put("currency", "usd").put("latest_charge", "ch_" + id)
        .put("metadata", new JsonObject().put("tollgate_checkout_id", checkout.getString("id")));
  }

  private static JsonObject stripeEvent(String type, JsonObject object) {
    return new JsonObject().put("id", "evt_" + UUID.randomUUID().toString().replace("-", "")).put("object", "event")
        .put("type", type).put("livemode", false).put("data", new JsonObject().put("object", object));
  }

  private TollgateFixture.Response stripeNow(JsonObject event) {
    return stripe("stripe-main", event.encode(), Instant.now().getEpochSecond(), STRIPE_SECRET);
  }

  private TollgateFixture.Response stripe(String variant, String body, long t, String secret) {
    String header = "t=" + t + ",v0=ignored,v1=" + hex(hmac(secret.getBytes(StandardCharsets.UTF_8), t + "." + body));
    return post("/v1/webhooks/" + variant, body, Map.of("Stripe-Signature", header));
  }

  private TollgateFixture.Response nodeRails(String body, long millis, String secret) {
    return post("/v1/webhooks/noderails-eu", body, Map.of("x-noderails-timestamp", Long.toString(millis),
        "x-noderails-signature", hex(hmac(secret.getBytes(StandardCharsets.UTF_8), millis + "." + body))));
  }

  private TollgateFixture.Response post(String path, String body, Map<String, String> headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(intake.base() + path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    return app.send(b);
  }

  private TollgateFixture.Response admin(String method, String path, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(intake.base() + path))
        .method(method, HttpRequest.BodyPublishers.noBody());
    if (token != null) b.header("Authorization", "Bearer " + token);
    return app.send(b);
  }

  private JsonObject adminFind(String eventId, String status) {
    JsonArray data = admin("GET", "/v1/admin/inbound-webhooks?status=" + status, ADMIN_TOKEN).json().getJsonArray("data");
    return data.stream().map(o -> (JsonObject) o).filter(o -> eventId.equals(o.getString("eventId"))).findFirst()
        .orElseThrow(() -> new AssertionError("no " + status + " event " + eventId));
  }

  private String processorPaymentStatus(String paymentId) {
    RowSet<Row> rows = query("SELECT status FROM processor_payments WHERE processor_payment_id = $1", Tuple.of(paymentId));
    return rows.iterator().next().getString("status");
  }

  private long count(String sql, JsonObject checkout) {
    return query(sql, Tuple.of(UUID.fromString(checkout.getString("id")))).iterator().next().getLong(0);
  }

  private void sql(String statement) throws Exception {
    app.tollgate.pool().query(statement).execute().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private RowSet<Row> query(String sql, Tuple params) {
    try {
      return app.tollgate.pool().preparedQuery(sql).execute(params).toCompletionStage().toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] hmac(byte[] key, String content) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(content.getBytes(StandardCharsets.UTF_8));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
