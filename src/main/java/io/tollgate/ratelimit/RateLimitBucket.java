package io.tollgate.ratelimit;

import java.time.Duration;

/**
 * One bucket: {@code limit} requests per {@code period} for {@code key} (e.g. "ip:203.0.113.7" or
 * "checkout:...:buyer"). GCRA: a burst of {@code limit} is allowed, refilling evenly over the period.
 */
public record RateLimitBucket(String key, int limit, Duration period) {}
