package io.tollgate.inbound;

import io.tollgate.webhook.Hmac;
import io.tollgate.webhook.StandardWebhookVerifier;
import io.tollgate.webhook.Timestamps;
import io.tollgate.webhook.WebhookSignatureException;
import io.tollgate.webhook.WebhookSignatureException.Reason;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Stripe's scheme: {@code Stripe-Signature: t=<unix s>,v1=<hex>[,v1=<hex>...]}, HMAC-SHA256 over
 * {@code t + "." + body} keyed with the secret string's UTF-8 bytes ({@code whsec_} included, not
 * decoded). Other schemes ({@code v0}, ...) are ignored. Event id and kind are the body's {@code id}
 * and {@code type}.
 */
final class StripeSignatureScheme implements InboundSignatureScheme {
  static final String HEADER = "Stripe-Signature";
  static final Duration DEFAULT_TOLERANCE = Duration.ofSeconds(300);

  private final List<byte[]> keys;
  private final Clock clock;
  private final Duration tolerance;

  StripeSignatureScheme(List<String> secrets, Clock clock) {
    this(secrets, clock, DEFAULT_TOLERANCE);
  }

  StripeSignatureScheme(List<String> secrets, Clock clock, Duration tolerance) {
    this.keys = InboundPayloads.utf8Keys(secrets);
    this.clock = Objects.requireNonNull(clock);
    this.tolerance = Objects.requireNonNull(tolerance);
  }

  @Override
  public InboundProvider provider() {
    return InboundProvider.STRIPE;
  }

  @Override
  public VerifiedEvent verify(MultiMap headers, byte[] rawBody) {
    String header = StandardWebhookVerifier.required(headers, HEADER);
    String timestamp = null;
    List<String> v1 = new ArrayList<>();
    for (String item : header.split(",")) {
      int eq = item.indexOf('=');
      if (eq <= 0) {
        throw new WebhookSignatureException(Reason.MALFORMED_HEADER, HEADER + " item is not key=value");
      }
      String key = item.substring(0, eq).trim();
      String value = item.substring(eq + 1).trim();
      if (key.equals("t")) {
        if (timestamp != null) {
          throw new WebhookSignatureException(Reason.MALFORMED_HEADER, HEADER + " has several t values");
        }
        timestamp = value;
      } else if (key.equals("v1")) {
        v1.add(value);
      }
    }
    if (timestamp == null) {
      throw new WebhookSignatureException(Reason.MALFORMED_HEADER, HEADER + " has no t");
    }
    if (v1.isEmpty()) {
      throw new WebhookSignatureException(Reason.MALFORMED_HEADER, HEADER + " has no v1 signature");
    }
    long seconds = Timestamps.parseDigits(timestamp, HEADER + " t");
    byte[] prefix = (seconds + ".").getBytes(StandardCharsets.UTF_8);
    boolean matched = false;
    for (byte[] key : keys) {
      byte[] expected = Hmac.sha256(key, prefix, rawBody);
      for (String candidate : v1) {
        matched |= Hmac.equal(expected, Hmac.unhex(candidate));
      }
    }
    if (!matched) {
      throw new WebhookSignatureException(Reason.NO_MATCHING_SIGNATURE, "no v1 signature matches");
    }
    Instant signedAt = Instant.ofEpochSecond(seconds);
    Timestamps.checkWindow(signedAt, clock.instant(), tolerance);
    JsonObject body = InboundPayloads.parseObject(rawBody);
    return new VerifiedEvent(
        InboundPayloads.requiredString(body, "id"), InboundPayloads.requiredString(body, "type"), body, signedAt);
  }

  @Override
  public String toString() {
    return "StripeSignatureScheme[" + keys.size() + " secret(s)]";
  }
}
