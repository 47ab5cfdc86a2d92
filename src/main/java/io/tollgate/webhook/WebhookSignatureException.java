package io.tollgate.webhook;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;

/**
 * Every way a signed webhook can fail verification, outbound or inbound. The intake route turns
 * it into a 400 carrying {@link Reason#code()}; nothing about the secret or the expected
 * signature is ever put in the message.
 */
public final class WebhookSignatureException extends RuntimeException {

  /** Machine-readable causes; {@link #code()} is stable and safe to put on the wire. */
  public enum Reason {
    MISSING_HEADER("missing_header"),
    MALFORMED_HEADER("malformed_header"),
    NO_MATCHING_SIGNATURE("no_matching_signature"),
    TIMESTAMP_TOO_OLD("timestamp_too_old"),
    TIMESTAMP_TOO_NEW("timestamp_too_new"),
    /** The signature matched but the body is not the JSON event the scheme promises. */
    MALFORMED_PAYLOAD("malformed_payload");

    private final String code;

    Reason(String code) { this.code = code; }

    public String code() { return code; }
  }

  private final Reason reason;

  public WebhookSignatureException(Reason reason, String message) {
    // No stack trace: this is a client error on a hot, attacker-reachable path.
    super(reason.code() + ": " + message, null, false, false);
    this.reason = reason;
  }

  Reason reason() { return reason; }

  public String code() { return reason.code(); }

  /** The 400 the intake route answers with; the detail is the reason code only. */
  public ApiException toApiException() {
    return new ApiException(ErrorCode.INVALID_WEBHOOK_SIGNATURE, reason.code());
  }
}
