package io.tollgate.signature;

import java.util.Locale;
import java.util.Optional;

/**
 * What callers outside this package may read from an ERC-6492 signature before trusting it: the
 * factory that would deploy the wallet, its call data and the inner signature. A relayer that
 * deploys a counterfactual wallet spends gas on the factory's code, so the factory is checked
 * against an allowlist first; verification itself stays {@link SignatureVerifier}'s job.
 */
public final class CounterfactualSignatures {
  private CounterfactualSignatures() {}

  /**
   * The parts of an ERC-6492 wrapper. {@code factory} is lowercase 0x-hex.
   */
  public record Parts(String factory, byte[] factoryCalldata, byte[] innerSignature) {
    public Parts {
      factoryCalldata = factoryCalldata.clone();
      innerSignature = innerSignature.clone();
    }

    @Override
    public byte[] factoryCalldata() { return factoryCalldata.clone(); }

    @Override
    public byte[] innerSignature() { return innerSignature.clone(); }
  }

  /** Whether the bytes end in the ERC-6492 magic suffix (decodable or not). */
  public static boolean isWrapped(byte[] signature) {
    return Erc6492.hasMagic(signature);
  }

  /** The decoded wrapper, or empty when {@code signature} is not a well-formed ERC-6492 signature. */
  public static Optional<Parts> unwrap(byte[] signature) {
    if (!Erc6492.hasMagic(signature)) return Optional.empty();
    Erc6492.Wrapped wrapped = Erc6492.unwrapOrNull(signature);
    if (wrapped == null) return Optional.empty();
    return Optional.of(new Parts(wrapped.factory().toLowerCase(Locale.ROOT),
        wrapped.factoryCalldata(), wrapped.innerSignature()));
  }
}
