package io.tollgate.ratelimit;

import java.time.Duration;
import java.util.Objects;

/**
 * One bucket: {@code limit} requests per {@code period} for {@code key} (e.g. "ip:203.0.113.7" or
 * "checkout:...:buyer"). GCRA: a burst of {@code limit} is allowed, refilling evenly over the period.
 *
 * <p>The limiters work in microseconds, so the period must give each request at least one
 * microsecond ({@code period >= limit µs}); anything finer is not a rate limit anyone means.
 */
public record RateLimitBucket(String key, int limit, Duration period) {
  public RateLimitBucket {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(period, "period");
    if (key.isBlank()) throw new IllegalArgumentException("bucket key is blank");
    if (limit < 1) throw new IllegalArgumentException("bucket limit must be at least 1: " + limit);
    if (period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("bucket period must be positive: " + period);
    }
    // Far beyond any real limit, and keeps TAT arithmetic well inside the 2^53 µs that Lua's
    // doubles hold exactly.
    if (period.compareTo(Duration.ofDays(366)) > 0) {
      throw new IllegalArgumentException("bucket period longer than a year: " + period);
    }
    if (period.toNanos() / 1_000 < limit) {
      throw new IllegalArgumentException("bucket period " + period + " is too short for " + limit + " requests");
    }
  }
}
