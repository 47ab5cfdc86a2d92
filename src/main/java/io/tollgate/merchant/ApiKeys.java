package io.tollgate.merchant;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Merchant API keys: {@code tg_test_} or {@code tg_live_} + 32 random bytes (base64url). Keys made
 * before modes existed are {@code tg_} + 32 bytes and keep working (their mode is stored with them).
 * Only their SHA-256 is stored; with 256 bits of entropy a slow hash adds nothing, and a fast one
 * keeps authentication cheap.
 */
final class ApiKeys {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String LEGACY_PREFIX = "tg_";
  private static final int SECRET_LENGTH = 43;

  private ApiKeys() {}

  static String generate(KeyMode mode) {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return mode.keyPrefix() + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static byte[] hash(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The mode prefix and four characters of the secret, stored so an operator can tell keys apart. */
  static String displayPrefix(String key) {
    int modePrefix = key.startsWith(KeyMode.TEST.keyPrefix()) || key.startsWith(KeyMode.LIVE.keyPrefix()) ? 8 : 3;
    return key.substring(0, Math.min(key.length(), modePrefix + 4));
  }

  static boolean looksLikeKey(String candidate) {
    if (candidate == null) return false;
    for (KeyMode mode : KeyMode.values()) {
      if (candidate.startsWith(mode.keyPrefix())) return candidate.length() == mode.keyPrefix().length() + SECRET_LENGTH;
    }
    return candidate.startsWith(LEGACY_PREFIX) && candidate.length() == LEGACY_PREFIX.length() + SECRET_LENGTH;
  }
}
