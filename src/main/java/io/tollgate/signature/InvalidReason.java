package io.tollgate.signature;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;

/** Why a signature does not prove the claimed signer. Each has a stable wire code. */
public enum InvalidReason {
  /** The claimed signer is not 0x + 40 hex digits, has a wrong EIP-55 checksum, or is zero. */
  MALFORMED_ADDRESS("malformed_address"),
  /** Not strict hex; a length no wallet produces; bad v, r or s; an undecodable ERC-6492 wrapper. */
  MALFORMED_SIGNATURE("malformed_signature"),
  /** ECDSA with s in the upper half of the curve order: a malleated copy of another signature. */
  MALLEABLE_SIGNATURE("malleable_signature"),
  /** 65 bytes with s = 0 and v 0 or 1: a Safe "approved hash"/contract static signature, no proof at all. */
  SAFE_STATIC_SIGNATURE("safe_static_signature"),
  /** ECDSA recovered another address (wrong key, or the message was altered). */
  WRONG_SIGNER("wrong_signer"),
  /** The wallet contract did not answer exactly the ERC-1271 magic value (or reverted, or ran out of gas). */
  WALLET_REJECTED("wallet_rejected_signature"),
  /** The wallet contract accepts an all-zero signature, so its "yes" means nothing. */
  PERMISSIVE_WALLET("permissive_wallet"),
  /** The ERC-6492 factory call did not put code at the signer's address. */
  COUNTERFACTUAL_DEPLOY_FAILED("counterfactual_deploy_failed");

  private final String code;

  InvalidReason(String code) {
    this.code = code;
  }

  public String code() { return code; }

  /** The client error that refuses a request carrying such a signature (payer binding, gasless authorizations). */
  public ApiException refusal(String detail) {
    return new ApiException(switch (this) {
      // a claimed signer that is not an address is the client's mistake like any other
      case MALFORMED_ADDRESS -> ErrorCode.INVALID_ADDRESS;
      case MALFORMED_SIGNATURE -> ErrorCode.MALFORMED_SIGNATURE;
      case MALLEABLE_SIGNATURE -> ErrorCode.MALLEABLE_SIGNATURE;
      case SAFE_STATIC_SIGNATURE -> ErrorCode.SAFE_STATIC_SIGNATURE;
      case WRONG_SIGNER -> ErrorCode.WRONG_SIGNER;
      case WALLET_REJECTED -> ErrorCode.WALLET_REJECTED_SIGNATURE;
      case PERMISSIVE_WALLET -> ErrorCode.PERMISSIVE_WALLET;
      case COUNTERFACTUAL_DEPLOY_FAILED -> ErrorCode.COUNTERFACTUAL_DEPLOY_FAILED;
    }, detail);
  }

  static InvalidReason fromCode(String code) {
    for (InvalidReason r : values()) {
      if (r.code.equals(code)) return r;
    }
    throw new IllegalArgumentException("unknown invalid-signature reason: " + code);
  }
}
