package io.tollgate.signature;

/** Which rule made a signature valid. Each has a stable wire code (stored with a binding). */
public enum VerificationMethod {
  /** ecrecover to the signer's address (an EOA, or a 7702-delegated EOA's own key). */
  ECDSA("ecdsa"),
  /** The signer's code answered {@code isValidSignature} with the magic value for the digest. */
  ERC1271("erc1271"),
  /** The ERC-6492 universal validator accepted a wrapped (counterfactual) signature. */
  ERC6492("erc6492"),
  /** A 7702 delegate accepted the digest wrapped in its EIP-712 envelope ({@code DOMAIN_SEPARATOR()}). */
  EIP7702_ENVELOPE("eip7702_envelope");

  private final String code;

  VerificationMethod(String code) {
    this.code = code;
  }

  public String code() { return code; }

  static VerificationMethod fromCode(String code) {
    for (VerificationMethod m : values()) {
      if (m.code.equals(code)) return m;
    }
    throw new IllegalArgumentException("unknown verification method: " + code);
  }
}
