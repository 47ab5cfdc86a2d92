package io.tollgate.webhook;

import io.tollgate.webhook.WebhookSignatureException.Reason;
import java.time.Duration;
import java.time.Instant;

/** Timestamp-header parsing and the replay window shared by every scheme. */
public final class Timestamps {
  private Timestamps() {}

  /** Non-negative decimal integer, at most 18 digits so it cannot overflow a long. */
  public static long parseDigits(String text, String header) {
    String trimmed = text == null ? "" : text.trim();
    if (trimmed.isEmpty() || trimmed.length() > 18 || !trimmed.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new WebhookSignatureException(Reason.MALFORMED_HEADER, header + " is not an integer timestamp");
    }
    return Long.parseLong(trimmed);
  }

  public static void checkWindow(Instant signedAt, Instant now, Duration tolerance) {
    if (signedAt.isBefore(now.minus(tolerance))) {
      throw new WebhookSignatureException(Reason.TIMESTAMP_TOO_OLD, "timestamp outside tolerance");
    }
    if (signedAt.isAfter(now.plus(tolerance))) {
      throw new WebhookSignatureException(Reason.TIMESTAMP_TOO_NEW, "timestamp outside tolerance");
    }
  }
}
