package io.tollgate.webhook;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * A Standard Webhooks signing secret: {@code whsec_} + base64 of 24 to 64 random bytes. The HMAC
 * key is the decoded bytes. Not a record on purpose: {@link #toString()} must never show the key.
 */
public final class WebhookSecret {
  static final String PREFIX = "whsec_";
  static final int MIN_BYTES = 24;
  static final int MAX_BYTES = 64;
  /** What {@link #generate} produces: 256 bits, the HMAC-SHA256 block-size sweet spot. */
  static final int GENERATED_BYTES = 32;

  private final byte[] key;

  private WebhookSecret(byte[] key) {
    this.key = key;
  }

  static WebhookSecret generate(SecureRandom random) {
    byte[] key = new byte[GENERATED_BYTES];
    random.nextBytes(key);
    return new WebhookSecret(key);
  }

  /** Parses {@code whsec_<base64>}; the message never echoes the input. */
  public static WebhookSecret parse(String serialized) {
    if (serialized == null || !serialized.startsWith(PREFIX)) {
      throw new IllegalArgumentException("webhook secret must start with " + PREFIX);
    }
    byte[] key;
    try {
      key = Base64.getDecoder().decode(serialized.substring(PREFIX.length()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("webhook secret is not valid base64");
    }
    if (key.length < MIN_BYTES || key.length > MAX_BYTES) {
      throw new IllegalArgumentException(
          "webhook secret must decode to " + MIN_BYTES + " to " + MAX_BYTES + " bytes");
    }
    return new WebhookSecret(key);
  }

  /** The {@code whsec_...} form: shown to the merchant once, stored only sealed by {@link SecretBox}. */
  public String serialized() {
    return PREFIX + Base64.getEncoder().encodeToString(key);
  }

  byte[] key() {
    return key;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WebhookSecret other && Hmac.equal(key, other.key);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(key);
  }

  @Override
  public String toString() {
    return "WebhookSecret[redacted]";
  }
}
