package io.tollgate.webhook;

/**
 * An endpoint URL that Tollgate will not send to. Messages never name the resolved address: a
 * merchant must not be able to map our internal network through error texts.
 */
public final class EndpointRefusedException extends RuntimeException {

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

  public EndpointRefusedException(Reason reason, String message) {
    super(reason.code() + ": " + message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() { return reason; }
}
