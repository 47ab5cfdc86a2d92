package io.tollgate.ratelimit;

/** The limiter's store did not decide (Redis down, script error, event-bus timeout). Retryable. */
public class RateLimiterUnavailableException extends RuntimeException {
  public RateLimiterUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
