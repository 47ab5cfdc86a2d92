package io.tollgate.ratelimit;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The response headers for a decision: {@code RateLimit-Limit}, {@code RateLimit-Remaining} and
 * {@code RateLimit-Reset} (seconds until the bucket is full again) on every response, and
 * {@code Retry-After} on refusals. Vert.x: {@code response.headers().addAll(RateLimitHeaders.of(d))}.
 */
public final class RateLimitHeaders {
  private RateLimitHeaders() {}

  public static Map<String, String> of(RateLimitDecision decision) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("RateLimit-Limit", Integer.toString(decision.limit()));
    headers.put("RateLimit-Remaining", Integer.toString(decision.remaining()));
    headers.put("RateLimit-Reset", Long.toString(ceilSeconds(decision.resetMillis())));
    if (!decision.allowed()) {
      // Rounded up and never 0: a client told "retry after 0" retries at once and is refused again.
      headers.put("Retry-After", Long.toString(Math.max(1, ceilSeconds(decision.retryAfterMillis()))));
    }
    return Collections.unmodifiableMap(headers);
  }

  private static long ceilSeconds(long millis) {
    return millis <= 0 ? 0 : (millis + 999) / 1_000;
  }
}
