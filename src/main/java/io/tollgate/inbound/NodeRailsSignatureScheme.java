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
import java.util.List;
import java.util.Objects;

/**
 * NodeRails' scheme (seed 000 and its SDK's {@code webhooks.constructEvent}): headers
 * {@value #SIGNATURE_HEADER} (hex HMAC-SHA256, optionally prefixed {@code sha256=}) and
 * {@value #TIMESTAMP_HEADER} (Unix <em>milliseconds</em>); the HMAC covers
 * {@code ${timestamp}.${rawBody}} with the timestamp exactly as sent, keyed with the secret's UTF-8
 * bytes. Replays older than 5 minutes are rejected, and so are timestamps more than 5 minutes ahead.
 *
 * <p>Kind: the body's {@code event} (the SDK's field), else {@code type}. Event id: the body's
 * {@code id} when present; NodeRails' payment payloads carry none, so otherwise
 * {@code nr_} + the first 32 hex digits of SHA-256(raw body). Its up-to-3 redeliveries resend the
 * same body (the timestamp travels in a header), so they dedupe; two genuinely different events
 * (a second partial refund) differ in body and stay distinct.
 */
final class NodeRailsSignatureScheme implements InboundSignatureScheme {
  static final String SIGNATURE_HEADER = "x-noderails-signature";
  static final String TIMESTAMP_HEADER = "x-noderails-timestamp";
  static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

  private final List<byte[]> keys;
  private final Clock clock;
  private final Duration tolerance;

  NodeRailsSignatureScheme(List<String> secrets, Clock clock) {
    this(secrets, clock, DEFAULT_TOLERANCE);
  }

  NodeRailsSignatureScheme(List<String> secrets, Clock clock, Duration tolerance) {
    this.keys = InboundPayloads.utf8Keys(secrets);
    this.clock = Objects.requireNonNull(clock);
    this.tolerance = Objects.requireNonNull(tolerance);
  }

  @Override
  public InboundProvider provider() {
    return InboundProvider.NODERAILS;
  }

  @Override
  public VerifiedEvent verify(MultiMap headers, byte[] rawBody) {
    String signature = StandardWebhookVerifier.required(headers, SIGNATURE_HEADER).trim();
    String timestamp = StandardWebhookVerifier.required(headers, TIMESTAMP_HEADER).trim();
    long millis = Timestamps.parseDigits(timestamp, TIMESTAMP_HEADER);
    if (signature.startsWith("sha256=")) {
      signature = signature.substring("sha256=".length());
    }
    byte[] given = Hmac.unhex(signature);
    if (given == null) {
      throw new WebhookSignatureException(Reason.MALFORMED_HEADER, SIGNATURE_HEADER + " is not hex");
    }
    byte[] prefix = (timestamp + ".").getBytes(StandardCharsets.UTF_8);
    boolean matched = false;
    for (byte[] key : keys) {
      matched |= Hmac.equal(Hmac.sha256(key, prefix, rawBody), given);
    }
    if (!matched) {
      throw new WebhookSignatureException(Reason.NO_MATCHING_SIGNATURE, "signature does not match");
    }
    Instant signedAt = Instant.ofEpochMilli(millis);
    Timestamps.checkWindow(signedAt, clock.instant(), tolerance);
    JsonObject body = InboundPayloads.parseObject(rawBody);
    String kind = body.getValue("event") instanceof String event ? event : body.getString("type");
    if (kind == null || kind.isBlank()) {
      throw new WebhookSignatureException(Reason.MALFORMED_PAYLOAD, "body has no string 'event'");
    }
    String id = body.getValue("id") instanceof String bodyId && !bodyId.isBlank()
        ? bodyId
        : "nr_" + Hmac.hex(Hmac.sha256Digest(rawBody)).substring(0, 32);
    return new VerifiedEvent(id, kind, body, signedAt);
  }

  @Override
  public String toString() {
    return "NodeRailsSignatureScheme[" + keys.size() + " secret(s)]";
  }
}
