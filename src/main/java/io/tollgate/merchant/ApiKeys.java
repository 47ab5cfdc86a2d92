package io.tollgate.merchant;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Merchant API keys: {@code tg_} + 32 random bytes (base64url). Only their SHA-256 is stored; with
 * 256 bits of entropy a slow hash adds nothing, and a fast one keeps authentication cheap.
 */
final class ApiKeys {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String PREFIX = "tg_";

  private ApiKeys() {}

  static String generate() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static byte[] hash(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The first characters, stored so an operator can tell keys apart without the secret. */
  static String displayPrefix(String key) {
    return key.substring(0, Math.min(key.length(), 10));
  }

  static boolean looksLikeKey(String candidate) {
    return candidate != null && candidate.startsWith(PREFIX) && candidate.length() == PREFIX.length() + 43;
  }
}
