package io.tollgate.webhook;

import io.vertx.core.MultiMap;
import java.time.Instant;

/**
 * The three Standard Webhooks headers of one delivery attempt. {@code id} is the event id and
 * stays the same across retries (receivers dedupe on it); {@code timestamp} is this attempt's.
 */
public record StandardWebhookHeaders(String id, Instant timestamp, String signature) {
  public static final String ID = "webhook-id";
  public static final String TIMESTAMP = "webhook-timestamp";
  public static final String SIGNATURE = "webhook-signature";

  public MultiMap applyTo(MultiMap headers) {
    return headers
        .set(ID, id)
        .set(TIMESTAMP, Long.toString(timestamp.getEpochSecond()))
        .set(SIGNATURE, signature);
  }
}
