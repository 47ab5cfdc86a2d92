package io.tollgate.ratelimit;

/**
 * The outcome of {@link RateLimiter#acquire}. For a refusal, {@code retryAfterMillis} says when the
 * tightest bucket will have room. {@code limit}, {@code remaining} and {@code resetMillis} describe
 * the tightest bucket and feed the RateLimit-* response headers.
 */
public record RateLimitDecision(
    boolean allowed, long retryAfterMillis, int limit, int remaining, long resetMillis) {}
