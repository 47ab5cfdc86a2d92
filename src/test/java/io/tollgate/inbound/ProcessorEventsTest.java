package io.tollgate.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.inbound.ProcessorEvent.Amount;
import io.tollgate.inbound.ProcessorEvent.DisputeOpened;
import io.tollgate.inbound.ProcessorEvent.PaymentAuthorized;
import io.tollgate.inbound.ProcessorEvent.PaymentFailed;
import io.tollgate.inbound.ProcessorEvent.PaymentSucceeded;
import io.tollgate.inbound.ProcessorEvent.Refunded;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProcessorEventsTest {

  static JsonObject fixture(String name) {
    try (InputStream in = ProcessorEventsTest.class.getResourceAsStream("/webhook/" + name + ".json")) {
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  static ProcessorEvent stripe(JsonObject payload) {
    return ProcessorEvents.extract(InboundProvider.STRIPE, payload.getString("type"), payload);
  }

  static ProcessorEvent nodeRails(JsonObject payload) {
    return ProcessorEvents.extract(InboundProvider.NODERAILS, payload.getString("event"), payload);
  }

  @Test
  void stripePaymentSucceededCarriesTheCheckoutMetadataAndMajorUnits() {
    PaymentSucceeded paid = (PaymentSucceeded) stripe(fixture("stripe-payment_intent.succeeded"));
    assertThat(paid.amount()).isEqualTo(new Amount(new BigDecimal("42.50"), "USD"));
    assertThat(paid.ref()).isEqualTo(new CheckoutRef(InboundProvider.STRIPE, "co_01J5ZK3W0M6Q4V7N8B9C0D1E2F",
        "pi_3PqR8sLkdIwHu7ix0aBcDeFg", null, "ch_3PqR8sLkdIwHu7ix0hIjKlMn", "ORD-2024-00042"));
  }

  @Test
  void stripeAmountsFollowTheCurrencyExponentAndExpandedCharges() {
    JsonObject payload = fixture("stripe-payment_intent.succeeded");
    JsonObject intent = payload.getJsonObject("data").getJsonObject("object");
    intent.put("currency", "jpy").put("amount_received", 5000)
        .put("latest_charge", new JsonObject().put("id", "ch_expanded").put("object", "charge"));
    PaymentSucceeded paid = (PaymentSucceeded) stripe(payload);
    assertThat(paid.amount()).isEqualTo(new Amount(new BigDecimal("5000"), "JPY"));
    assertThat(paid.ref().processorChargeId()).isEqualTo("ch_expanded");
  }

  @Test
  void stripePaymentFailedKeepsTheReasonAndFallsBackToTheOrderReference() {
    PaymentFailed failed = (PaymentFailed) stripe(fixture("stripe-payment_intent.payment_failed"));
    assertThat(failed.reason()).isEqualTo("Your card has insufficient funds.");
    assertThat(failed.code()).isEqualTo("insufficient_funds");
    assertThat(failed.ref().checkoutId()).isNull();
    assertThat(failed.ref().orderReference()).isEqualTo("ORD-2024-00043");
    assertThat(failed.ref().processorPaymentId()).isEqualTo("pi_3PqS1tLkdIwHu7ix1bCdEfGh");

    JsonObject withoutDetails = fixture("stripe-payment_intent.payment_failed");
    withoutDetails.getJsonObject("data").getJsonObject("object").remove("last_payment_error");
    assertThat(((PaymentFailed) stripe(withoutDetails)).reason()).isEqualTo("no error details");
  }

  @Test
  void stripeRefundIsPartialUntilAmountRefundedReachesTheAmount() {
    JsonObject payload = fixture("stripe-charge.refunded");
    Refunded partial = (Refunded) stripe(payload);
    assertThat(partial.full()).isFalse();
    assertThat(partial.refunded()).isEqualTo(new Amount(new BigDecimal("15.00"), "USD"));
    assertThat(partial.paid()).isEqualTo(new Amount(new BigDecimal("42.50"), "USD"));
    // The charge carries no shop metadata: the payment intent id is the match key.
    assertThat(partial.ref().processorPaymentId()).isEqualTo("pi_3PqR8sLkdIwHu7ix0aBcDeFg");
    assertThat(partial.ref().processorChargeId()).isEqualTo("ch_3PqR8sLkdIwHu7ix0hIjKlMn");

    payload.getJsonObject("data").getJsonObject("object").put("amount_refunded", 4250).put("refunded", true);
    assertThat(((Refunded) stripe(payload)).full()).isTrue();
  }

  @Test
  void stripeDisputeIsRecordedWithItsReason() {
    DisputeOpened dispute = (DisputeOpened) stripe(fixture("stripe-charge.dispute.created"));
    assertThat(dispute.disputeId()).isEqualTo("dp_1PqU3vLkdIwHu7ixQrStUvWx");
    assertThat(dispute.reason()).isEqualTo("fraudulent");
    assertThat(dispute.status()).isEqualTo("needs_response");
    assertThat(dispute.amount()).isEqualTo(new Amount(new BigDecimal("42.50"), "USD"));
    assertThat(dispute.ref().processorPaymentId()).isEqualTo("pi_3PqR8sLkdIwHu7ix0aBcDeFg");
    assertThat(dispute.ref().processorChargeId()).isEqualTo("ch_3PqR8sLkdIwHu7ix0hIjKlMn");
  }

  @Test
  void nodeRailsEventsCarryIntentSessionAndExternalId() {
    JsonObject captured = fixture("noderails-payment.captured");
    PaymentSucceeded paid = (PaymentSucceeded) nodeRails(captured);
    assertThat(paid.amount()).isEqualTo(new Amount(new BigDecimal("42.50"), "USD"));
    assertThat(paid.ref()).isEqualTo(new CheckoutRef(InboundProvider.NODERAILS, "co_01J5ZM8X2R7T5W9Y1A3C5E7G9J",
        "8b0f4c2e-5d7a-4e1b-9c3f-2a6d8e0b1c4f", "f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b", null, "ORD-2024-00044"));

    JsonObject authorized = captured.copy().put("event", "payment.authorized").put("status", "AUTHORIZED");
    assertThat(nodeRails(authorized)).isInstanceOf(PaymentAuthorized.class);

    JsonObject refunded = captured.copy().put("event", "payment.refunded").put("status", "PARTIALLY_REFUNDED");
    assertThat(((Refunded) nodeRails(refunded)).full()).isFalse();
    assertThat(((Refunded) nodeRails(refunded.copy().put("fullyRefunded", true))).full()).isTrue();
    refunded.remove("fullyRefunded");
    assertThat(((Refunded) nodeRails(refunded.copy().put("status", "REFUNDED"))).full()).isTrue();
  }

  @Test
  void missingRequiredFieldsAreReportedNotGuessed() {
    JsonObject noIntent = fixture("noderails-payment.captured");
    noIntent.remove("paymentIntentId");
    assertThatThrownBy(() -> nodeRails(noIntent)).isInstanceOf(WebhookPayloadException.class)
        .hasMessageContaining("paymentIntentId");
    JsonObject badAmount = fixture("noderails-payment.captured").put("amount", "forty");
    assertThatThrownBy(() -> nodeRails(badAmount)).isInstanceOf(WebhookPayloadException.class);
    JsonObject noObject = fixture("stripe-charge.refunded");
    noObject.remove("data");
    assertThatThrownBy(() -> stripe(noObject)).isInstanceOf(WebhookPayloadException.class);
    JsonObject negative = fixture("stripe-charge.refunded");
    negative.getJsonObject("data").getJsonObject("object").put("amount_refunded", -1);
    assertThatThrownBy(() -> stripe(negative)).isInstanceOf(WebhookPayloadException.class);
  }
}
