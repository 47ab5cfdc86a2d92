package io.tollgate.webhook;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * Signs outbound requests per Standard Webhooks 1.0.0: HMAC-SHA256 over
 * {@code {id}.{timestamp}.{body}}, base64, prefixed {@code v1,}; one signature per active secret
 * (space-separated) so receivers keep verifying through a rotation's overlap window.
 */
public final class StandardWebhookSigner {
  private final Clock clock;

  public StandardWebhookSigner(Clock clock) {
    this.clock = Objects.requireNonNull(clock);
  }

  /** Headers for one attempt made now. */
  public StandardWebhookHeaders sign(String msgId, byte[] body, List<WebhookSecret> secrets) {
    long timestamp = clock.instant().getEpochSecond();
    return new StandardWebhookHeaders(
        msgId, Instant.ofEpochSecond(timestamp), signature(msgId, timestamp, body, secrets));
  }

  /** The {@code webhook-signature} value for the given content. */
  static String signature(String msgId, long timestamp, byte[] body, List<WebhookSecret> secrets) {
    if (secrets.isEmpty()) {
      throw new IllegalArgumentException("at least one secret is needed to sign");
    }
    validateId(msgId);
    StringJoiner joined = new StringJoiner(" ");
    for (WebhookSecret secret : secrets) {
      joined.add("v1," + Base64.getEncoder().encodeToString(mac(secret, msgId, timestamp, body)));
    }
    return joined.toString();
  }

  static byte[] mac(WebhookSecret secret, String msgId, long timestamp, byte[] body) {
    byte[] prefix = (msgId + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8);
    return Hmac.sha256(secret.key(), prefix, body);
  }

  private static void validateId(String msgId) {
    // A '.' in the id would make {id}.{ts}.{body} ambiguous; a space or comma would break headers.
    if (msgId == null || msgId.isEmpty() || !msgId.matches("[A-Za-z0-9_\\-]+")) {
      throw new IllegalArgumentException("message id must be non-empty [A-Za-z0-9_-]");
    }
  }
}
