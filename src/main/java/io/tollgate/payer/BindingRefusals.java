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
    return reason.refusal(detail);
  }
}
