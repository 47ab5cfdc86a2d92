package io.tollgate.webhook;

import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import io.tollgate.api.Rfc3339;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * One thing that happened, as a shop receives it. The id is created once, with the state change
 * that caused the event, and is the {@code webhook-id} of every delivery attempt and resend, so
 * shops can dedupe on it.
 *
 * <p>Body format (UTF-8 JSON, camelCase like the API, keys in this order):
 * <pre>{"id":"evt_01J...","type":"checkout.paid","mode":"live","createdAt":"2026-01-02T03:04:05.678Z","data":{...}}</pre>
 * {@code createdAt} is RFC 3339 UTC with milliseconds; {@code mode} is the checkout's ({@code test}
 * events go to test endpoints only); {@code data} carries everything the shop needs to act without
 * calling back (shaped by the producer of each type).
 */
record WebhookEvent(String id, WebhookEventType type, String mode, Instant createdAt, JsonObject data) {
  public static final String ID_PREFIX = "evt_";
  private static final char[] CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  public WebhookEvent {
    Objects.requireNonNull(id);
    Objects.requireNonNull(type);
    Objects.requireNonNull(mode);
    createdAt = createdAt.truncatedTo(ChronoUnit.MILLIS);
    data = data == null ? new JsonObject() : data.copy();
  }

  /** A new event with a fresh id. */
  public static WebhookEvent create(WebhookEventType type, String mode, JsonObject data, Clock clock) {
    Instant now = clock.instant();
    return new WebhookEvent(newId(now), type, mode, now, data);
  }

  /**
   * {@code evt_} + 26 Crockford base32 characters: 48 bits of milliseconds then 80 random bits
   * (the ULID layout), so ids sort by creation time and index well as outbox keys.
   */
  public static String newId(Instant now) {
    byte[] random = new byte[10];
    RANDOM.nextBytes(random);
    char[] out = new char[26];
    long millis = now.toEpochMilli();
    for (int i = 9; i >= 0; i--) {
      out[i] = CROCKFORD[(int) (millis & 31)];
      millis >>>= 5;
    }
    // 80 random bits = 16 base32 characters.
    long hi = 0;
    for (int i = 0; i < 5; i++) {
      hi = (hi << 8) | (random[i] & 0xff);
    }
    long lo = 0;
    for (int i = 5; i < 10; i++) {
      lo = (lo << 8) | (random[i] & 0xff);
    }
    for (int i = 17; i >= 10; i--) {
      out[i] = CROCKFORD[(int) (hi & 31)];
      hi >>>= 5;
    }
    for (int i = 25; i >= 18; i--) {
      out[i] = CROCKFORD[(int) (lo & 31)];
      lo >>>= 5;
    }
    return ID_PREFIX + new String(out);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("type", type.wireName())
        .put("mode", mode)
        .put("createdAt", Rfc3339.format(createdAt))
        .put("data", data.copy());
  }

  /** The exact bytes that are signed and sent; the outbox stores them so retries resend them. */
  public String body() {
    return toJson().encode();
  }

  public static WebhookEvent fromJson(JsonObject json) {
    return new WebhookEvent(
        json.getString("id"),
        WebhookEventType.fromWireName(json.getString("type")),
        json.getString("mode"),
        Instant.parse(json.getString("createdAt")),
        json.getJsonObject("data"));
  }
}
