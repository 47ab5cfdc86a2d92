package io.tollgate.webhook;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA256 and hex helpers shared by the signature schemes. */
public final class Hmac {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private Hmac() {}

  public static byte[] sha256(byte[] key, byte[]... parts) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      for (byte[] part : parts) {
        mac.update(part);
      }
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      // HmacSHA256 is mandatory in every JRE; an empty key is rejected by the callers' constructors.
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  public static byte[] sha256Digest(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  public static String hex(byte[] bytes) {
    char[] out = new char[bytes.length * 2];
    for (int i = 0; i < bytes.length; i++) {
      out[2 * i] = HEX[(bytes[i] >> 4) & 0xf];
      out[2 * i + 1] = HEX[bytes[i] & 0xf];
    }
    return new String(out);
  }

  /** Decodes hex (either case); null when the text is not hex, so callers treat it as no match. */
  public static byte[] unhex(String text) {
    if (text.length() % 2 != 0) {
      return null;
    }
    byte[] out = new byte[text.length() / 2];
    for (int i = 0; i < out.length; i++) {
      int hi = Character.digit(text.charAt(2 * i), 16);
      int lo = Character.digit(text.charAt(2 * i + 1), 16);
      if (hi < 0 || lo < 0) {
        return null;
      }
      out[i] = (byte) ((hi << 4) | lo);
    }
    return out;
  }

  /** Constant-time for equal lengths; lengths are not secret (the algorithm fixes them). */
  public static boolean equal(byte[] expected, byte[] given) {
    return given != null && MessageDigest.isEqual(expected, given);
  }
}
