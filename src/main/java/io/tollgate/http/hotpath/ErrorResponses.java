package io.tollgate.http.hotpath;

import io.tollgate.api.ApiException;
import io.tollgate.api.Unavailability;
import io.tollgate.api.ErrorCode;
import io.tollgate.ratelimit.RateLimiterUnavailableException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.json.schema.JsonSchemaValidationException;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every failure into {@code {"error": {"code", "message", "detail"?}}} with the right status:
 * our {@link ApiException}s as they are, the OpenAPI validator's findings as 400s, routing misses
 * as 404/405, and anything unexpected as a logged 500 that reveals nothing.
 */
public final class ErrorResponses {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);
  private static final LogLimiter INTERNAL_LOGS = new LogLimiter(java.time.Duration.ofMinutes(1), 1024);

  private ErrorResponses() {}

  /** The router's failure handler. */
  public static void handle(RoutingContext ctx) {
    respond(ctx.request(), ctx.statusCode(), ctx.failure());
  }

  /** Answers a request refused before the router (at the connection or request line) with {@code error}. */
  public static void reject(HttpServerRequest request, ApiException error) {
    send(request.response(), error);
  }

  /** Answers a request that failed with {@code failure}, as the router does after {@code ctx.fail(failure)}. */
  static void respond(HttpServerRequest request, Throwable failure) {
    respond(request, failure instanceof HttpException http ? http.getStatusCode() : 500, failure);
  }

  /** Answers a failed request ({@code statusCode}: the one it was failed with, -1 if none), as the failure handler does. */
  static void respond(HttpServerRequest request, int statusCode, Throwable failure) {
    ApiException error = classify(statusCode, failure);
    if (error.error() == ErrorCode.INTERNAL) {
      // Our fault, but a client can repeat the request that finds it: one line with its stack per
      // kind and minute, the repeats counted, so no client can flood the logs.
      String kind = failure == null ? "none" : failure.getClass().getName();
      long suppressed = INTERNAL_LOGS.admit(kind);
      if (suppressed >= 0) {
        LOG.error("{} {} failed ({} more of this kind in the last minute not logged)", request.method(), request.path(),
            suppressed, failure);
      }
    }
    send(request.response(), error);
  }

  static void send(HttpServerResponse response, ApiException error) {
    if (response.headWritten()) {
      response.reset();
      return;
    }
    JsonObject body = new JsonObject().put("code", error.error().code()).put("message", error.error().message());
    if (error.detail() != null) body.put("detail", error.detail());
    if (error.error().httpStatus() == 503 && !response.headers().contains("Retry-After")) {
      response.putHeader("Retry-After", "2"); // a dependency is away: nothing changed, the same request may be sent again
    }
    response.setStatusCode(error.error().httpStatus())
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store")
        .end(new JsonObject().put("error", body).toBuffer());
  }

  /**
   * A failure raised by the HTTP transport while reading what the client sent: the connection closed
   * mid-request, or Netty's HTTP decoder refused the bytes (it reports a bad chunk size as a
   * {@link NumberFormatException} thrown from its own code, so the origin is what tells it apart
   * from a bug of ours).
   */
  static boolean isClientTransportFault(Throwable cause) {
    if (cause == null) return false;
    if (cause instanceof io.vertx.core.http.HttpClosedException || cause instanceof io.netty.handler.codec.DecoderException) {
      return true;
    }
    return java.util.Arrays.stream(cause.getStackTrace()).limit(4)
        .anyMatch(frame -> frame.getClassName().startsWith("io.netty.handler.codec."));
  }

  static ApiException classify(int statusCode, Throwable failure) {
    if (failure instanceof ApiException api) return api;
    Throwable cause = failure instanceof HttpException http && http.getCause() != null ? http.getCause() : failure;
    if (cause instanceof ApiException api) return api;
    if (cause instanceof DecodeException) return new ApiException(ErrorCode.MALFORMED_JSON);
    if (cause instanceof RateLimiterUnavailableException) {
      // Failing closed: without a shared limit a drop could overrun the service; clients retry a 503.
      return new ApiException(ErrorCode.UNAVAILABLE, "rate limiter unavailable");
    }
    if (cause instanceof SchemaValidationException schema) {
      return new ApiException(ErrorCode.INVALID_REQUEST, describe(schema));
    }
    if (cause instanceof ValidatorException validator) {
      String message = validator.getMessage() == null ? "" : validator.getMessage();
      return message.contains("JSON") || message.contains("decode")
          ? new ApiException(ErrorCode.MALFORMED_JSON, message)
          : new ApiException(ErrorCode.INVALID_REQUEST, message);
    }
    ApiException down = Unavailability.of(cause);
    if (down != null) return down;
    if (isClientTransportFault(cause)) {
      // The client's bytes or its connection broke the request (a bad chunk size, a body cut off):
      // nothing of ours failed, so it is a 400 and never an ERROR line with a stack trace.
      return new ApiException(ErrorCode.INVALID_REQUEST, "the request could not be read: it was malformed or cut off");
    }
    int status = failure instanceof HttpException http ? http.getStatusCode() : statusCode;
    return switch (status) {
      case 400 -> new ApiException(ErrorCode.INVALID_REQUEST);
      case 401 -> new ApiException(ErrorCode.UNAUTHENTICATED);
      // vertx-web's CorsHandler is the only handler that fails a request with a bare 403 (ours throw
      // ApiExceptions): the browser's Origin is not on the allowed list. The client's fault, not ours.
      case 403 -> new ApiException(ErrorCode.ORIGIN_NOT_ALLOWED);
      case 404 -> new ApiException(ErrorCode.NOT_FOUND);
      case 405 -> new ApiException(ErrorCode.METHOD_NOT_ALLOWED);
      case 413 -> new ApiException(ErrorCode.PAYLOAD_TOO_LARGE);
      default -> new ApiException(ErrorCode.INTERNAL);
    };
  }

  private static String describe(SchemaValidationException e) {
    JsonSchemaValidationException cause = e.getCause() instanceof JsonSchemaValidationException j ? j : null;
    String where = cause == null || cause.location() == null || cause.location().isEmpty() ? "" : " at " + cause.location();
    return e.getMessage() + where;
  }
}
