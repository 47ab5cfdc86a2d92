package io.tollgate.signature;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Optional;
import org.web3j.crypto.ECDSASignature;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;

/** 65-byte r ‖ s ‖ v ECDSA signatures over secp256k1: shape rules and recovery. */
final class Ecdsa {
  static final int LENGTH = 65;
  static final BigInteger N = Sign.CURVE_PARAMS.getN();
  static final BigInteger HALF_N = N.shiftRight(1);
  /** Slots of the memo of recent recoveries ({@code -Dtollgate.signature.recovered-signers}, 0: none; for benchmarks). */
  private static final RecoveredSigners RECENT = new RecoveredSigners(Integer.getInteger("tollgate.signature.recovered-signers", 4096));

  private Ecdsa() {}

  /** A structurally sound signature: r and s in range, s low, v normalised to the recovery id. */
  record Parsed(BigInteger r, BigInteger s, int recoveryId) {}

  /** Either a parsed signature or why it is not one. */
  record Shape(Parsed parsed, InvalidReason problem, String detail) {
    static Shape ok(Parsed p) { return new Shape(p, null, null); }

    static Shape bad(InvalidReason reason, String detail) { return new Shape(null, reason, detail); }
  }

  /**
   * Safe's static "approved hash" (v = 1) and contract-signature (v = 0) shapes: r is an address or
   * pointer, s is 0. They prove nothing by themselves and must never reach a contract call.
   */
  static boolean isSafeStaticShape(byte[] signature) {
    if (signature.length != LENGTH) return false;
    int v = signature[64] & 0xff;
    if (v != 0 && v != 1) return false;
    for (int i = 32; i < 64; i++) {
      if (signature[i] != 0) return false;
    }
    return true;
  }

  static Shape parse(byte[] signature) {
    if (signature.length != LENGTH) {
      return Shape.bad(InvalidReason.MALFORMED_SIGNATURE, "ECDSA signatures are 65 bytes, got " + signature.length);
    }
    BigInteger r = new BigInteger(1, Arrays.copyOfRange(signature, 0, 32));
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, 32, 64));
    int v = signature[64] & 0xff;
    int recoveryId;
    if (v == 0 || v == 1) {
      recoveryId = v;
    } else if (v == 27 || v == 28) {
      recoveryId = v - 27;
    } else {
      return Shape.bad(InvalidReason.MALFORMED_SIGNATURE, "v must be 0, 1, 27 or 28, got " + v);
    }
    if (r.signum() == 0 || r.compareTo(N) >= 0 || s.signum() == 0 || s.compareTo(N) >= 0) {
      return Shape.bad(InvalidReason.MALFORMED_SIGNATURE, "r and s must lie in [1, n-1]");
    }
    if (s.compareTo(HALF_N) > 0) {
      return Shape.bad(InvalidReason.MALLEABLE_SIGNATURE, "s is above n/2 (EIP-2): a malleated signature");
    }
    return Shape.ok(new Parsed(r, s, recoveryId));
  }

  /**
   * The lowercase 0x address that signed {@code hash}, or null when no key recovers (also when r is
   * no curve point's x, which web3j reports by throwing: anyone can send such an r). CPU-bound.
   */
  static String recover(byte[] hash, Parsed parsed) {
    byte[] input = RecoveredSigners.input(hash, parsed);
    String known = RECENT.get(input);
    if (known != null) return known.isEmpty() ? null : known;
    String signer = recoverAfresh(hash, parsed);
    RECENT.put(input, signer);
    return signer;
  }

  /** What {@link #recover} answered: the signer's address, or null when no key recovered. */
  record Recovered(String signer) {}

  /**
   * What {@link #recover} answered lately for this very signature; empty when it was not recovered
   * lately (then recover it, off the event loop). Cheap: safe on an event loop.
   */
  static Optional<Recovered> recoveredLately(byte[] hash, Parsed parsed) {
    String known = RECENT.get(RecoveredSigners.input(hash, parsed));
    return known == null ? Optional.empty() : Optional.of(new Recovered(known.isEmpty() ? null : known));
  }

  private static String recoverAfresh(byte[] hash, Parsed parsed) {
    BigInteger publicKey;
    try {
      publicKey = Sign.recoverFromSignature(parsed.recoveryId(), new ECDSASignature(parsed.r(), parsed.s()), hash);
    } catch (IllegalArgumentException noCurvePoint) {
      return null;
    }
    return publicKey == null ? null : "0x" + Keys.getAddress(publicKey);
  }
}
