package io.tollgate.webhook;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;

/**
 * An endpoint URL that Tollgate will not send to. Messages never name the resolved address: a
 * merchant must not be able to map our internal network through error texts.
 */
final class EndpointRefusedException extends RuntimeException {

  public enum Reason {
    INVALID_URL("invalid_url"),
    HTTPS_REQUIRED("https_required"),
    FORBIDDEN_ADDRESS("forbidden_address"),
    UNRESOLVABLE("unresolvable");

    private final String code;

    Reason(String code) { this.code = code; }

    public String code() { return code; }
  }

  private final Reason reason;

  EndpointRefusedException(Reason reason, String message) {
    super(reason.code() + ": " + message, null, false, false);
    this.reason = reason;
  }

  Reason reason() { return reason; }

  /** The 422 the endpoints API answers with when a merchant registers this URL. */
  ApiException toApiException() {
    return new ApiException(ErrorCode.WEBHOOK_URL_NOT_ALLOWED, getMessage());
  }
}
