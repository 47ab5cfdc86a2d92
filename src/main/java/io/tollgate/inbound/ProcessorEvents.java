package io.tollgate.inbound;

import io.tollgate.inbound.ProcessorEvent.Amount;
import io.tollgate.inbound.ProcessorEvent.DisputeOpened;
import io.tollgate.inbound.ProcessorEvent.PaymentAuthorized;
import io.tollgate.inbound.ProcessorEvent.PaymentFailed;
import io.tollgate.inbound.ProcessorEvent.PaymentSucceeded;
import io.tollgate.inbound.ProcessorEvent.Refunded;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.Currency;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Pure extraction of {@link ProcessorEvent}s from the payloads of the kinds in the seeds.
 *
 * <p>Stripe events wrap the object in {@code data.object}; amounts are integers in the currency's
 * minor unit, converted with the ISO 4217 exponent (Stripe's few exceptions to ISO are not
 * currencies Tollgate accepts). NodeRails payloads are flat, with decimal-string amounts, and
 * carry both {@code paymentIntentId} and {@code checkoutSessionId}.
 */
final class ProcessorEvents {
  static final Map<InboundProvider, Set<String>> KINDS = Map.of(
      InboundProvider.STRIPE, Set.of(
          "payment_intent.succeeded", "payment_intent.payment_failed", "charge.refunded", "charge.dispute.created"),
      InboundProvider.NODERAILS, Set.of("payment.authorized", "payment.captured", "payment.refunded"));

  private ProcessorEvents() {}

  /** @throws WebhookPayloadException when a field the kind requires is missing or malformed */
  static ProcessorEvent extract(InboundProvider provider, String kind, JsonObject payload) {
    if (!KINDS.getOrDefault(provider, Set.of()).contains(kind)) {
      throw new IllegalArgumentException("no extraction for " + provider + " " + kind);
    }
    return switch (provider) {
      case STRIPE -> stripe(kind, stripeObject(payload));
      case NODERAILS -> nodeRails(kind, payload);
      case STANDARD_WEBHOOKS -> throw new IllegalArgumentException("no extraction for Standard Webhooks");
    };
  }

  private static ProcessorEvent stripe(String kind, JsonObject object) {
    return switch (kind) {
      case "payment_intent.succeeded" -> {
        long received = object.getValue("amount_received") instanceof Number n ? n.longValue() : minor(object, "amount");
        yield new PaymentSucceeded(stripeRef(object, text(object, "id"), chargeId(object.getValue("latest_charge"))),
            stripeAmount(received, object));
      }
      case "payment_intent.payment_failed" -> {
        JsonObject error = object.getJsonObject("last_payment_error");
        String message = error == null ? null : error.getString("message");
        String code = error == null ? null : firstNonNull(error.getString("decline_code"), error.getString("code"));
        yield new PaymentFailed(stripeRef(object, text(object, "id"), null),
            message != null ? message : code != null ? code : "no error details", code);
      }
      case "charge.refunded" -> {
        long paid = minor(object, "amount");
        long refunded = minor(object, "amount_refunded");
        yield new Refunded(stripeRef(object, text(object, "payment_intent"), text(object, "id")),
            stripeAmount(refunded, object), stripeAmount(paid, object), refunded >= paid);
      }
      case "charge.dispute.created" -> new DisputeOpened(
          stripeRef(object, text(object, "payment_intent"), chargeId(object.getValue("charge"))),
          required(object, "id"), stripeAmount(minor(object, "amount"), object),
          object.getString("reason"), object.getString("status"));
      default -> throw new IllegalStateException(kind);
    };
  }

  private static ProcessorEvent nodeRails(String kind, JsonObject payload) {
    JsonObject metadata = metadata(payload);
    CheckoutRef ref = new CheckoutRef(InboundProvider.NODERAILS,
        text(metadata, CheckoutRef.METADATA_CHECKOUT_ID),
        required(payload, "paymentIntentId"),
        text(payload, "checkoutSessionId"),
        null,
        firstNonNull(text(payload, "externalId"), text(metadata, CheckoutRef.METADATA_ORDER_REFERENCE)));
    Amount amount = decimalAmount(payload, "amount");
    return switch (kind) {
      case "payment.authorized" -> new PaymentAuthorized(ref, amount);
      case "payment.captured" -> new PaymentSucceeded(ref, amount);
      case "payment.refunded" -> {
        // fullyRefunded is true only when no escrow is left; older payloads only carry the status.
        boolean full = payload.getValue("fullyRefunded") instanceof Boolean b
            ? b : "REFUNDED".equals(payload.getString("status"));
        yield new Refunded(ref, null, amount, full);
      }
      default -> throw new IllegalStateException(kind);
    };
  }

  private static JsonObject stripeObject(JsonObject payload) {
    JsonObject data = payload.getValue("data") instanceof JsonObject d ? d : null;
    if (data == null || !(data.getValue("object") instanceof JsonObject object)) {
      throw new WebhookPayloadException("Stripe event has no data.object");
    }
    return object;
  }

  private static CheckoutRef stripeRef(JsonObject object, String paymentIntentId, String chargeId) {
    JsonObject metadata = metadata(object);
    return new CheckoutRef(InboundProvider.STRIPE,
        text(metadata, CheckoutRef.METADATA_CHECKOUT_ID), paymentIntentId, null, chargeId,
        text(metadata, CheckoutRef.METADATA_ORDER_REFERENCE));
  }

  /** {@code latest_charge}/{@code charge} is an id, or the whole object when expanded. */
  private static String chargeId(Object value) {
    if (value instanceof String id && !id.isBlank()) {
      return id;
    }
    return value instanceof JsonObject charge ? text(charge, "id") : null;
  }

  private static Amount stripeAmount(long minorUnits, JsonObject object) {
    String code = required(object, "currency").toUpperCase(Locale.ROOT);
    int digits;
    try {
      digits = Math.max(0, Currency.getInstance(code).getDefaultFractionDigits());
    } catch (IllegalArgumentException e) {
      throw new WebhookPayloadException("unknown currency " + code);
    }
    return new Amount(BigDecimal.valueOf(minorUnits, digits), code);
  }

  private static Amount decimalAmount(JsonObject payload, String field) {
    Object value = payload.getValue(field);
    BigDecimal amount;
    try {
      amount = value instanceof Number n ? new BigDecimal(n.toString()) : new BigDecimal(required(payload, field));
    } catch (NumberFormatException e) {
      throw new WebhookPayloadException("'" + field + "' is not a decimal amount");
    }
    return new Amount(amount, required(payload, "currency").toUpperCase(Locale.ROOT));
  }

  private static long minor(JsonObject object, String field) {
    if (object.getValue(field) instanceof Number n && n.longValue() >= 0) {
      return n.longValue();
    }
    throw new WebhookPayloadException("'" + field + "' is not a non-negative integer");
  }

  private static JsonObject metadata(JsonObject object) {
    return object.getValue("metadata") instanceof JsonObject m ? m : new JsonObject();
  }

  private static String text(JsonObject object, String field) {
    return object.getValue(field) instanceof String s && !s.isBlank() ? s : null;
  }

  private static String required(JsonObject object, String field) {
    String value = text(object, field);
    if (value == null) {
      throw new WebhookPayloadException("missing '" + field + "'");
    }
    return value;
  }

  private static String firstNonNull(String a, String b) {
    return a != null ? a : b;
  }
}
