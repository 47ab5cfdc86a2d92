package io.tollgate.checkout;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The buyer's credential for one checkout: {@code <checkoutId>_secret_<HMAC-SHA256(key, id)>}.
 * Derived, never stored, so nothing at rest can leak it, an idempotent replay can hand it out
 * again, and every instance sharing the key can check it without a database read on the poll path.
 */
public final class ClientSecrets {
  private static final String SEPARATOR = "_secret_";

  private final SecretKeySpec key;
  private final ThreadLocal<Mac> macs;

  public ClientSecrets(byte[] key) {
    if (key.length < 32) throw new IllegalArgumentException("client secret key must be at least 32 bytes");
    this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
    this.macs = ThreadLocal.withInitial(this::newMac);
  }

  public String secretFor(UUID checkoutId) {
    return checkoutId + SEPARATOR + Base64.getUrlEncoder().withoutPadding().encodeToString(mac(checkoutId));
  }

  /** Constant-time check that {@code candidate} is this checkout's secret. */
  public boolean matches(UUID checkoutId, String candidate) {
    return candidate != null && matches(expected(checkoutId), candidate);
  }

  /**
   * The secret as {@link #matches(byte[], String)} compares it. Deriving it is an HMAC, so the poll
   * path keeps it with the cached status ({@link CachedStatus}) instead of deriving it per request.
   */
  byte[] expected(UUID checkoutId) {
    return secretFor(checkoutId).getBytes(StandardCharsets.US_ASCII);
  }

  /** Constant-time comparison of a presented secret with the expected one (from {@link #expected}). */
  static boolean matches(byte[] expected, String candidate) {
    if (candidate == null) return false;
    return MessageDigest.isEqual(expected, candidate.getBytes(StandardCharsets.US_ASCII));
  }

  private byte[] mac(UUID checkoutId) {
    Mac mac = macs.get();
    return mac.doFinal(("tollgate-client-secret:" + checkoutId).getBytes(StandardCharsets.US_ASCII));
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
