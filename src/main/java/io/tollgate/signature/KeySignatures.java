package io.tollgate.signature;

import io.tollgate.chain.Hex;
import java.util.Locale;
import java.util.regex.Pattern;
import org.web3j.crypto.Keys;

/**
 * The key-only check of a signature, for callers that already know the signer has no code (read in
 * the same call as other facts): 65-byte ECDSA with the verifier's own rules (EIP-55 checksum, no
 * zero address, no Safe static shape, low s), no chain asked. Pure and CPU-bound (one public-key
 * recovery, 0.15-0.3 ms): run it on a worker thread, never on an event loop ({@link
 * #checkWithoutRecovery} may run there).
 */
public final class KeySignatures {
  private static final Pattern ADDRESS = Pattern.compile("0x[0-9a-fA-F]{40}");
  private static final String ZERO_ADDRESS = "0x" + "0".repeat(40);

  private KeySignatures() {}

  /** Valid (method ECDSA, no code) when {@code request.signer()}'s key signed the digest; else why not. */
  public static SignatureCheck check(SignatureRequest request, long chainId) {
    return check(request, chainId, true);
  }

  /**
   * {@link #check}'s answer when it needs no public-key recovery (a shape refused, or this very
   * signature recovered lately: see {@code RecoveredSigners}); null when it does. Cheap enough for
   * an event loop, so a repeated check skips the trip to the worker.
   */
  public static SignatureCheck checkWithoutRecovery(SignatureRequest request, long chainId) {
    return check(request, chainId, false);
  }

  private static SignatureCheck check(SignatureRequest request, long chainId, boolean mayRecover) {
    String signer = request.signer();
    if (!ADDRESS.matcher(signer).matches()) return invalid(InvalidReason.MALFORMED_ADDRESS, "not 0x followed by 40 hex digits");
    String lower = signer.toLowerCase(Locale.ROOT);
    boolean mixedCase = !signer.substring(2).equals(lower.substring(2))
        && !signer.substring(2).equals(signer.substring(2).toUpperCase(Locale.ROOT));
    if (mixedCase && !Keys.toChecksumAddress(lower).equals(signer)) {
      return invalid(InvalidReason.MALFORMED_ADDRESS, "mixed-case address with a wrong EIP-55 checksum");
    }
    if (lower.equals(ZERO_ADDRESS)) return invalid(InvalidReason.MALFORMED_ADDRESS, "the zero address signs nothing");
    byte[] signature = Hex.decodeOrNull(request.signature());
    if (signature == null || signature.length != Ecdsa.LENGTH) {
      return invalid(InvalidReason.MALFORMED_SIGNATURE, "an account without code signs with 65-byte ECDSA");
    }
    if (Ecdsa.isSafeStaticShape(signature)) {
      return invalid(InvalidReason.SAFE_STATIC_SIGNATURE, "a Safe static signature proves nothing");
    }
    Ecdsa.Shape shape = Ecdsa.parse(signature);
    if (shape.parsed() == null) return invalid(shape.problem(), shape.detail());
    String recovered;
    if (mayRecover) {
      recovered = Ecdsa.recover(request.digest().hashUnsafe(), shape.parsed());
    } else {
      var lately = Ecdsa.recoveredLately(request.digest().hashUnsafe(), shape.parsed());
      if (lately.isEmpty()) return null;
      recovered = lately.get().signer();
    }
    return lower.equals(recovered) ? new SignatureCheck.Valid(VerificationMethod.ECDSA, chainId, WalletCode.of(new byte[0]))
        : invalid(InvalidReason.WRONG_SIGNER, "recovered " + recovered);
  }

  private static SignatureCheck invalid(InvalidReason reason, String detail) {
    return new SignatureCheck.Invalid(reason, detail);
  }
}
