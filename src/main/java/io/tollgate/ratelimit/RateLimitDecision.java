package io.tollgate.ratelimit;

/**
 * The outcome of {@link RateLimiter#acquire}. For a refusal, {@code retryAfterMillis} says when the
 * tightest bucket will have room. {@code limit}, {@code remaining} and {@code resetMillis} describe
 * the tightest bucket and feed the RateLimit-* response headers ({@link RateLimitHeaders});
 * {@code resetMillis} is the time until that bucket is full again. Millisecond values are rounded
 * up, so waiting {@code retryAfterMillis} is always enough.
 */
public record RateLimitDecision(
    boolean allowed, long retryAfterMillis, int limit, int remaining, long resetMillis) {}
