package io.tollgate.signature;

import java.util.Objects;

/** The outcome of one verification. The verifier's future fails only on programming errors. */
public sealed interface SignatureCheck {

  default boolean isValid() {
    return this instanceof Valid;
  }

  /**
   * The signature proves the signer. {@code chainId} is the chain whose state decided (it matters
   * for contract wallets; see {@link SignatureVerifier#verifyOnFirstChain}); {@code code} is the
   * signer's code at check time, to pin in a binding.
   */
  record Valid(VerificationMethod method, long chainId, WalletCode code) implements SignatureCheck {
    public Valid {
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(code, "code");
    }
  }

  /** The signature does not prove the signer; final for these inputs and this chain state. */
  record Invalid(InvalidReason reason, String detail) implements SignatureCheck {
    public Invalid {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
    }
  }

  /**
   * The chain could not be asked (no endpoint answered, timeout, node-side limit). Nothing is
   * known about the signature: retry later. Wire code {@value #CODE}.
   */
  record Unavailable(String detail) implements SignatureCheck {
    public static final String CODE = "signature_check_unavailable";

    public Unavailable {
      Objects.requireNonNull(detail, "detail");
    }
  }
}
