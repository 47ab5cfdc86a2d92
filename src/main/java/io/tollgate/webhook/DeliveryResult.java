package io.tollgate.webhook;

import java.time.Duration;
import java.time.Instant;

/**
 * What one attempt did, for the delivery log and the retry decision.
 *
 * @param statusCode the HTTP status, or null when no response arrived (timeout, refused, reset)
 * @param latency from the start of the attempt to the end of the response (or the failure)
 * @param responseBody the start of the response body, truncated; null when there was none
 * @param error why the attempt did not succeed (status, timeout, connection or URL-policy
 *     failure); null on success
 * @param retryAfter the receiver's {@code Retry-After}, parsed; null when absent or unparseable
 */
record DeliveryResult(
    Outcome outcome,
    Instant attemptedAt,
    Integer statusCode,
    Duration latency,
    String responseBody,
    String error,
    Duration retryAfter) {

  public enum Outcome {
    /** 2xx: delivered. */
    SUCCESS,
    /** Anything else, including 3xx (redirects are never followed), timeouts and refusals. */
    RETRY,
    /** 410 Gone: the receiver asks us to stop; disable the endpoint. */
    GONE
  }
}
