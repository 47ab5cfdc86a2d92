package io.tollgate.api;

/**
 * A failure that maps to one {@link ErrorCode} on the wire. Services fail their futures with it;
 * the HTTP layer renders it as {@code {"error": {"code", "message", "detail"?}}}.
 */
public final class ApiException extends RuntimeException {
  private final ErrorCode error;
  private final String detail;

  public ApiException(ErrorCode error) {
    this(error, null);
  }

  public ApiException(ErrorCode error, String detail) {
    super(detail == null ? error.code() : error.code() + ": " + detail, null, false, false);
    this.error = error;
    this.detail = detail;
  }

  public ErrorCode error() { return error; }

  /** Extra human-readable detail, or null. */
  public String detail() { return detail; }
}
