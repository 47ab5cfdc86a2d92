package io.tollgate.gasless;

import io.tollgate.chain.Hex;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * EIP-3009 nonces that name their checkout: {@code salt (12 random bytes) ‖ first 20 bytes of
 * HMAC-SHA256(key, checkout ‖ chain ‖ token ‖ salt)}. To the token and to anyone watching the
 * chain they are 32 random bytes; to Tollgate they prove which checkout and option the payer signed
 * for, without storing what was issued. Hashes and amounts are shared by every ticket of a drop,
 * so this is what keeps an authorization signed for checkout A from paying checkout B: B's
 * submission is refused and A's authorization stays usable for A.
 *
 * <p>A fresh salt per issue gives every offer its own nonce, so a buyer whose relay failed signs a
 * new authorization (a new relay) instead of repeating a finished one.
 */
final class AuthorizationNonces {
  private static final int SALT = 12;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKeySpec key;
  private final ThreadLocal<Mac> macs;

  AuthorizationNonces(byte[] key) {
    if (key.length < 32) throw new IllegalArgumentException("the nonce key must be at least 32 bytes");
    this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
    this.macs = ThreadLocal.withInitial(this::newMac);
  }

  /** A key for nonces only, derived from another secret (the client-secret key), so no new setting is needed. */
  static AuthorizationNonces derivedFrom(byte[] secret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return new AuthorizationNonces(mac.doFinal("tollgate-eip3009-nonce-key".getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  String issue(UUID checkoutId, long chainId, String token) {
    byte[] salt = new byte[SALT];
    RANDOM.nextBytes(salt);
    byte[] nonce = new byte[32];
    System.arraycopy(salt, 0, nonce, 0, SALT);
    System.arraycopy(tag(checkoutId, chainId, token, salt), 0, nonce, SALT, 32 - SALT);
    return Hex.encode(nonce);
  }

  /** Whether {@code nonce} (0x + 64 hex digits) was issued for this checkout's option. Constant time. */
  boolean wasIssuedFor(String nonce, UUID checkoutId, long chainId, String token) {
    byte[] bytes = Hex.decodeOrNull(nonce);
    if (bytes == null || bytes.length != 32) return false;
    byte[] expected = Arrays.copyOf(tag(checkoutId, chainId, token, Arrays.copyOf(bytes, SALT)), 32 - SALT);
    return MessageDigest.isEqual(expected, Arrays.copyOfRange(bytes, SALT, 32));
  }

  private byte[] tag(UUID checkoutId, long chainId, String token, byte[] salt) {
    byte[] tokenBytes = token.getBytes(StandardCharsets.UTF_8);
    ByteBuffer input = ByteBuffer.allocate(16 + 8 + 4 + tokenBytes.length + SALT)
        .putLong(checkoutId.getMostSignificantBits()).putLong(checkoutId.getLeastSignificantBits())
        .putLong(chainId).putInt(tokenBytes.length).put(tokenBytes).put(salt);
    return macs.get().doFinal(input.array());
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
