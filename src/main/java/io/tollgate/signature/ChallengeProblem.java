package io.tollgate.signature;

/**
 * Why a signed Sign-In with Ethereum message does not answer the challenge Tollgate issued. Each
 * has a stable wire code. Nonce reuse and the attempt limit need storage and belong to the
 * binding service.
 */
public enum ChallengeProblem {
  /** Not an EIP-4361 message in canonical form. */
  MALFORMED_MESSAGE("malformed_siwe_message"),
  /** Issued for (or by a phishing page posing as) another domain. */
  WRONG_DOMAIN("wrong_domain"),
  /** Not byte-identical to the message issued for this challenge. */
  ALTERED_MESSAGE("altered_message"),
  /** The expiration time has passed. */
  EXPIRED("challenge_expired"),
  /** The not-before time has not come. */
  NOT_YET_VALID("challenge_not_yet_valid");

  private final String code;

  ChallengeProblem(String code) {
    this.code = code;
  }

  public String code() { return code; }
}
