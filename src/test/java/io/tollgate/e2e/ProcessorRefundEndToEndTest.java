package io.tollgate.e2e;

import static io.tollgate.e2e.MoneyFixture.getRefund;
import static io.tollgate.e2e.MoneyFixture.refund;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Refunds of checkouts paid through another processor: recorded as awaiting the processor and
 * completed by its refund webhook (Stripe {@code charge.refunded}, NodeRails
 * {@code payment.refunded}), signed here independently of the production code. A refund made in
 * the processor's dashboard is recorded too, so the refundable balance stays true.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProcessorRefundEndToEndTest {
  private static final String STRIPE_SECRET = "whsec_stripe_refund_test_secret";
  private static final String NODERAILS_SECRET = "nr_whsec_refund_test";
  private TollgateFixture app;

  @BeforeAll
  void start() {
    app = TollgateFixture.start();
    // the inbound variants name the merchant, so they are configured on a second instance of the same database
    TollgateFixture.Instance intake = app.startAnother(Map.of(
        "webhooks.inbound.variants", "stripe-main,noderails-eu",
        "webhooks.inbound.stripe-main.provider", "stripe",
        "webhooks.inbound.stripe-main.secrets", STRIPE_SECRET,
        "webhooks.inbound.stripe-main.merchant", app.merchantId.toString(),
        "webhooks.inbound.noderails-eu.provider", "noderails",
        "webhooks.inbound.noderails-eu.secrets", NODERAILS_SECRET,
        "webhooks.inbound.noderails-eu.merchant", app.merchantId.toString()));
    app.target(intake);
  }

  @AfterAll
  void stop() {
    app.close();
  }

  @Test
  void stripeChargeRefundedCompletesTheRefundAndADashboardRefundIsRecorded() {
    JsonObject checkout = app.newCheckout("12.50", "USDC");
    String intentId = "pi_" + UUID.randomUUID();
    JsonObject intent = new JsonObject().put("id", intentId).put("object", "payment_intent").put("amount", 1250)
        .put("amount_received", 1250).put("currency", "usd").put("latest_charge", "ch_" + intentId)
        .put("metadata", new JsonObject().put("tollgate_checkout_id", checkout.getString("id")));
    assertThat(stripe(stripeEvent("payment_intent.succeeded", intent)).json().getString("status")).isEqualTo("processed");
    assertThat(app.merchantGet("/v1/checkouts/" + checkout.getString("id")).json().getString("status")).isEqualTo("paid");

    TollgateFixture.Response created = refund(app, checkout, new JsonObject().put("amount", "5.00"));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    JsonObject refund = created.json();
    assertThat(refund.getString("method")).isEqualTo("processor");
    assertThat(refund.getString("status")).isEqualTo("awaiting_processor");
    assertThat(refund.getString("provider")).isEqualTo("stripe");
    assertThat(refund(app, checkout, new JsonObject().put("amount", "7.51")).errorCode()).isEqualTo("refund_exceeds_balance");

    JsonObject charge = new JsonObject().put("id", "ch_" + intentId).put("object", "charge").put("payment_intent", intentId)
        .put("amount", 1250).put("amount_refunded", 500).put("currency", "usd");
    JsonObject event = stripeEvent("charge.refunded", charge);
    assertThat(stripe(event).json().getString("status")).isEqualTo("processed");
    assertThat(getRefund(app, refund).getString("status")).isEqualTo("succeeded");
    assertThat(stripe(event).json().getBoolean("duplicate")).isTrue();

    // The shop refunds the rest in Stripe's dashboard: recorded, and nothing is refundable any more.
    assertThat(stripe(stripeEvent("charge.refunded", charge.copy().put("amount_refunded", 1250))).json().getString("status"))
        .isEqualTo("processed");
    JsonObject money = app.merchantGet("/v1/checkouts/" + checkout.getString("id")).json().getJsonObject("money");
    assertThat(money.getString("refundableBase")).isEqualTo("0");
    JsonArray refunds = money.getJsonArray("refunds");
    assertThat(refunds).hasSize(2);
    assertThat(refunds.getJsonObject(1).getString("amount")).isEqualTo("7.50");
    assertThat(refunds.getJsonObject(1).getString("status")).isEqualTo("succeeded");
    assertThat(refund(app, checkout, new JsonObject()).errorCode()).isEqualTo("nothing_to_refund");
  }

  @Test
  void nodeRailsPaymentRefundedCompletesAFullRefund() {
    String order = "NR-" + UUID.randomUUID();
    JsonObject checkout = app.createCheckout("nr-" + UUID.randomUUID(), new JsonObject().put("orderReference", order)
        .put("amount", "7.00")).json();
    String intentId = "pi_nr_" + UUID.randomUUID();
    JsonObject captured = new JsonObject().put("event", "payment.captured").put("paymentIntentId", intentId)
        .put("checkoutSessionId", "cs_" + UUID.randomUUID()).put("externalId", order).put("amount", "7.00")
        .put("currency", "USD").put("status", "CAPTURED");
    assertThat(nodeRails(captured).json().getString("status")).isEqualTo("processed");
    JsonObject refund = refund(app, checkout, new JsonObject().put("reason", "event canceled")).json();
    assertThat(refund.getString("amount")).isEqualTo("7.00");
    assertThat(refund.getString("status")).isEqualTo("awaiting_processor");

    JsonObject refunded = captured.copy().put("event", "payment.refunded").put("status", "REFUNDED").put("fullyRefunded", true);
    assertThat(nodeRails(refunded).json().getString("status")).isEqualTo("processed");
    assertThat(getRefund(app, refund).getString("status")).isEqualTo("succeeded");
    JsonObject money = app.merchantGet("/v1/checkouts/" + checkout.getString("id")).json().getJsonObject("money");
    assertThat(money.getJsonArray("refunds")).hasSize(1);
    assertThat(money.getString("refundableBase")).isEqualTo("0");
  }

  private static JsonObject stripeEvent(String type, JsonObject object) {
    return new JsonObject().put("id", "evt_" + UUID.randomUUID().toString().replace("-", "")).put("object", "event")
        .put("type", type).put("livemode", false).put("data", new JsonObject().put("object", object));
  }

  private TollgateFixture.Response stripe(JsonObject event) {
    String body = event.encode();
    long t = Instant.now().getEpochSecond();
    String header = "t=" + t + ",v1=" + HexFormat.of().formatHex(hmac(STRIPE_SECRET, t + "." + body));
    return post("/v1/webhooks/stripe-main", body, Map.of("Stripe-Signature", header));
  }

  private TollgateFixture.Response nodeRails(JsonObject payload) {
    String body = payload.encode();
    long ms = Instant.now().toEpochMilli();
    return post("/v1/webhooks/noderails-eu", body, Map.of("x-noderails-timestamp", Long.toString(ms),
        "x-noderails-signature", HexFormat.of().formatHex(hmac(NODERAILS_SECRET, ms + "." + body))));
  }

  private TollgateFixture.Response post(String path, String body, Map<String, String> headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(app.base() + path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    TollgateFixture.Response r = app.send(b);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r;
  }

  private static byte[] hmac(String key, String content) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac.doFinal(content.getBytes(StandardCharsets.UTF_8));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
