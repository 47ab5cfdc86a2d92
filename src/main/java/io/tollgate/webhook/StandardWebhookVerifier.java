package io.tollgate.webhook;

import io.tollgate.webhook.WebhookSignatureException.Reason;
import io.vertx.core.MultiMap;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * Verifies Standard Webhooks 1.0.0 requests: any {@code v1,} signature in the space-separated
 * list matching any given secret passes; other versions are skipped. The timestamp must lie within
 * the tolerance (5 minutes) in both directions, checked after the signature so a stale-timestamp
 * failure always means an authentic but replayed or clock-skewed request.
 */
public final class StandardWebhookVerifier {
  static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

  private final Clock clock;
  private final Duration tolerance;

  public StandardWebhookVerifier(Clock clock) {
    this(clock, DEFAULT_TOLERANCE);
  }

  public StandardWebhookVerifier(Clock clock, Duration tolerance) {
    this.clock = Objects.requireNonNull(clock);
    this.tolerance = Objects.requireNonNull(tolerance);
  }

  public StandardWebhookHeaders verify(MultiMap headers, byte[] body, List<WebhookSecret> secrets) {
    return verify(
        required(headers, StandardWebhookHeaders.ID),
        required(headers, StandardWebhookHeaders.TIMESTAMP),
        required(headers, StandardWebhookHeaders.SIGNATURE),
        body,
        secrets);
  }

  public StandardWebhookHeaders verify(
      String msgId, String timestampHeader, String signatureHeader, byte[] body, List<WebhookSecret> secrets) {
    if (secrets.isEmpty()) {
      throw new IllegalArgumentException("at least one secret is needed to verify");
    }
    long timestamp = Timestamps.parseDigits(timestampHeader, StandardWebhookHeaders.TIMESTAMP);
    boolean matched = false;
    for (String candidate : signatureHeader.trim().split(" +")) {
      int comma = candidate.indexOf(',');
      if (comma < 0 || !candidate.substring(0, comma).equals("v1")) {
        continue;
      }
      byte[] given = decodeBase64(candidate.substring(comma + 1));
      for (WebhookSecret secret : secrets) {
        // No early exit: the time taken does not reveal which secret or signature matched.
        matched |= Hmac.equal(StandardWebhookSigner.mac(secret, msgId, timestamp, body), given);
      }
    }
    if (!matched) {
      throw new WebhookSignatureException(Reason.NO_MATCHING_SIGNATURE, "no v1 signature matches");
    }
    Instant signedAt = Instant.ofEpochSecond(timestamp);
    Timestamps.checkWindow(signedAt, clock.instant(), tolerance);
    return new StandardWebhookHeaders(msgId, signedAt, signatureHeader);
  }

  private static byte[] decodeBase64(String text) {
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  public static String required(MultiMap headers, String name) {
    String value = headers.get(name);
    if (value == null || value.isBlank()) {
      throw new WebhookSignatureException(Reason.MISSING_HEADER, "missing " + name);
    }
    return value;
  }
}
