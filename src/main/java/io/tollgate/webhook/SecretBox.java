package io.tollgate.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts secrets at rest that Tollgate must be able to read back (webhook signing secrets: we
 * sign with them, so hashing is not an option). AES-256-GCM under a master key from configuration.
 *
 * <p>Sealed layout: {@code [format 0x01][key id][12-byte random nonce][ciphertext + 16-byte tag]}.
 * The first two bytes and the caller's {@code context} (say {@code "webhook_endpoint:<id>"}) are
 * authenticated as associated data, so a sealed value copied onto another row, or its key id
 * rewritten, fails to open. The key id selects the master key: new values are sealed under the
 * active key, old ones still open under retired keys until re-sealed ({@link #needsReseal}).
 *
 * <p>Keyring configuration: {@code "<id>:<base64 of 32 bytes>[,<id>:<base64>...]"}, ids 1-255.
 */
public final class SecretBox {
  private static final byte FORMAT = 1;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final int HEADER_BYTES = 2 + NONCE_BYTES;

  private final Map<Integer, SecretKeySpec> keys;
  private final int activeKeyId;
  private final SecureRandom random;

  SecretBox(Map<Integer, byte[]> keys, int activeKeyId, SecureRandom random) {
    TreeMap<Integer, SecretKeySpec> copy = new TreeMap<>();
    keys.forEach((id, key) -> {
      if (id < 1 || id > 255) {
        throw new IllegalArgumentException("master key ids are 1-255");
      }
      if (key.length != 32) {
        throw new IllegalArgumentException("master key " + id + " must be 32 bytes (AES-256)");
      }
      copy.put(id, new SecretKeySpec(key.clone(), "AES"));
    });
    if (!copy.containsKey(activeKeyId)) {
      throw new IllegalArgumentException("active master key " + activeKeyId + " is not in the keyring");
    }
    this.keys = Map.copyOf(copy);
    this.activeKeyId = activeKeyId;
    this.random = random;
  }

  /** Parses the keyring format above; messages name key ids, never key material. */
  public static SecretBox fromConfig(String keyring, int activeKeyId) {
    Map<Integer, byte[]> keys = new TreeMap<>();
    for (String entry : keyring.split(",")) {
      String trimmed = entry.trim();
      int colon = trimmed.indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("keyring entries are <id>:<base64 key>");
      }
      int id;
      try {
        id = Integer.parseInt(trimmed.substring(0, colon));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("keyring entries are <id>:<base64 key>");
      }
      byte[] key;
      try {
        key = Base64.getDecoder().decode(trimmed.substring(colon + 1));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("master key " + id + " is not valid base64");
      }
      if (keys.put(id, key) != null) {
        throw new IllegalArgumentException("master key " + id + " appears twice");
      }
    }
    return new SecretBox(keys, activeKeyId, new SecureRandom());
  }

  int activeKeyId() {
    return activeKeyId;
  }

  byte[] seal(byte[] plaintext, String context) {
    byte[] sealed = new byte[HEADER_BYTES + plaintext.length + TAG_BITS / 8];
    sealed[0] = FORMAT;
    sealed[1] = (byte) activeKeyId;
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    System.arraycopy(nonce, 0, sealed, 2, NONCE_BYTES);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, keys.get(activeKeyId), new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(aad(sealed, context));
      cipher.doFinal(plaintext, 0, plaintext.length, sealed, HEADER_BYTES);
      return sealed;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }

  /** @throws SecretBoxException when the value is malformed, its key is unknown or it was altered */
  byte[] open(byte[] sealed, String context) {
    if (sealed.length < HEADER_BYTES + TAG_BITS / 8 || sealed[0] != FORMAT) {
      throw new SecretBoxException("sealed value is malformed");
    }
    int keyId = sealed[1] & 0xff;
    SecretKeySpec key = keys.get(keyId);
    if (key == null) {
      throw new SecretBoxException("sealed under unknown master key " + keyId);
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 2, NONCE_BYTES));
      cipher.updateAAD(aad(sealed, context));
      return cipher.doFinal(sealed, HEADER_BYTES, sealed.length - HEADER_BYTES);
    } catch (javax.crypto.AEADBadTagException e) {
      throw new SecretBoxException("sealed value fails authentication (altered, or wrong context)");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }

  byte[] seal(WebhookSecret secret, String context) {
    return seal(secret.serialized().getBytes(StandardCharsets.UTF_8), context);
  }

  WebhookSecret openWebhookSecret(byte[] sealed, String context) {
    byte[] plain = open(sealed, context);
    try {
      return WebhookSecret.parse(new String(plain, StandardCharsets.UTF_8));
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
  }

  /** True when the value was sealed under a key other than the active one: re-seal it. */
  boolean needsReseal(byte[] sealed) {
    return sealed.length < 2 || (sealed[1] & 0xff) != activeKeyId;
  }

  private static byte[] aad(byte[] sealed, String context) {
    byte[] ctx = context.getBytes(StandardCharsets.UTF_8);
    byte[] aad = new byte[2 + ctx.length];
    aad[0] = sealed[0];
    aad[1] = sealed[1];
    System.arraycopy(ctx, 0, aad, 2, ctx.length);
    return aad;
  }

  @Override
  public String toString() {
    return "SecretBox[keys=" + keys.keySet() + ", active=" + activeKeyId + "]";
  }

  /** A sealed value that cannot be opened. Carries no key or plaintext material. */
  public static final class SecretBoxException extends RuntimeException {
    SecretBoxException(String message) {
      super(message, null, false, false);
    }
  }
}
