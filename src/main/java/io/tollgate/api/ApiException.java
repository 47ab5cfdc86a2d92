package io.tollgate.api;

/**
 * A failure that maps to one {@link ErrorCode} on the wire. Services fail their futures with it;
 * the HTTP layer renders it as {@code {"error": {"code", "message", "detail"?, "field"?}}}.
 */
public final class ApiException extends RuntimeException {
  private final ErrorCode error;
  private final String detail;
  private final String field;

  public ApiException(ErrorCode error) {
    this(error, null);
  }

  public ApiException(ErrorCode error, String detail) {
    this(error, detail, null);
  }

  /** @param field the request field at fault ({@code amount}, {@code paymentOptions[0].chainId}), or null */
  public ApiException(ErrorCode error, String detail, String field) {
    super(detail == null ? error.code() : error.code() + ": " + detail, null, false, false);
    this.error = error;
    this.detail = detail;
    this.field = field;
  }

  /** The request field at fault, or null. */
  public String field() { return field; }

  public ErrorCode error() { return error; }

  /** Extra human-readable detail, or null. */
  public String detail() { return detail; }
}
