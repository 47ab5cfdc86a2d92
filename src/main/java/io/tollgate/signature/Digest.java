package io.tollgate.signature;

import io.tollgate.chain.Hex;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import org.web3j.crypto.Hash;
import org.web3j.crypto.Sign;
import org.web3j.crypto.StructuredDataEncoder;

/**
 * The 32-byte hash a signature is checked against, and how it was made. Wallets sign the hash;
 * contracts receive it in {@code isValidSignature}; the kind is kept for logs and audit.
 */
record Digest(Kind kind, byte[] hash) {

  public enum Kind {
    /** EIP-191 version 0x45: {@code keccak256("\x19Ethereum Signed Message:\n" ‖ len ‖ message)}. */
    PERSONAL_SIGN,
    /** EIP-712: {@code keccak256(0x1901 ‖ domainSeparator ‖ structHash)}. */
    EIP712,
    /** A hash the caller computed by other rules. */
    RAW
  }

  public Digest {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(hash, "hash");
    if (hash.length != 32) throw new IllegalArgumentException("a digest is 32 bytes, got " + hash.length);
    hash = hash.clone();
  }

  /** EIP-191 personal_sign over the UTF-8 bytes of {@code message} (a SIWE message, for one). */
  public static Digest personalSign(String message) {
    return personalSign(message.getBytes(StandardCharsets.UTF_8));
  }

  public static Digest personalSign(byte[] message) {
    return new Digest(Kind.PERSONAL_SIGN, Sign.getEthereumMessageHash(message));
  }

  /** EIP-712 from its two halves. */
  public static Digest eip712(byte[] domainSeparator, byte[] structHash) {
    if (domainSeparator.length != 32 || structHash.length != 32) {
      throw new IllegalArgumentException("domain separator and struct hash are 32 bytes each");
    }
    return new Digest(Kind.EIP712, envelope(domainSeparator, structHash));
  }

  /** EIP-712 from the JSON that {@code eth_signTypedData_v4} takes ({types, primaryType, domain, message}). */
  public static Digest eip712Json(String typedData) {
    try {
      return new Digest(Kind.EIP712, new StructuredDataEncoder(typedData).hashStructuredData());
    } catch (IOException e) {
      throw new UncheckedIOException("typed data is not valid EIP-712 JSON", e);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("typed data is not valid EIP-712: " + e.getMessage(), e);
    }
  }

  public static Digest raw(byte[] hash) {
    return new Digest(Kind.RAW, hash);
  }

  /** {@code keccak256(0x1901 ‖ domainSeparator ‖ hash)}: EIP-712's final step. */
  static byte[] envelope(byte[] domainSeparator, byte[] hash) {
    byte[] packed = new byte[66];
    packed[0] = 0x19;
    packed[1] = 0x01;
    System.arraycopy(domainSeparator, 0, packed, 2, 32);
    System.arraycopy(hash, 0, packed, 34, 32);
    return Hash.sha3(packed);
  }

  @Override
  public byte[] hash() {
    return hash.clone();
  }

  byte[] hashUnsafe() {
    return hash;
  }

  public String hex() {
    return Hex.encode(hash);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Digest d && d.kind == kind && Arrays.equals(d.hash, hash);
  }

  @Override
  public int hashCode() {
    return 31 * kind.hashCode() + Arrays.hashCode(hash);
  }

  @Override
  public String toString() {
    return "Digest[" + kind + " " + hex() + "]";
  }
}
