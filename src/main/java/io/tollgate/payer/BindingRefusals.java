package io.tollgate.payer;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.tollgate.signature.ChallengeProblem;
import io.tollgate.signature.InvalidReason;

/** Each way a binding is refused, as its own wire error (all 4xx; only an unreachable chain is 503). */
final class BindingRefusals {
  private BindingRefusals() {}

  static ApiException of(ChallengeProblem problem) {
    return new ApiException(switch (problem) {
      case MALFORMED_MESSAGE -> ErrorCode.MALFORMED_SIWE_MESSAGE;
      case WRONG_DOMAIN -> ErrorCode.WRONG_DOMAIN;
      case ALTERED_MESSAGE -> ErrorCode.ALTERED_MESSAGE;
      case EXPIRED -> ErrorCode.CHALLENGE_EXPIRED;
      case NOT_YET_VALID -> ErrorCode.CHALLENGE_NOT_YET_VALID;
    });
  }

  static ApiException of(InvalidReason reason, String detail) {
    return new ApiException(switch (reason) {
      // the address comes from the issued message, so this cannot really happen; still a client error
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
}
