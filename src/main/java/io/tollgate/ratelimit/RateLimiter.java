package io.tollgate.ratelimit;

import io.vertx.core.Future;
import java.util.List;

/**
 * Takes one token from each of several buckets in one atomic decision: either every bucket has
 * room and all are charged, or the request is refused and none is charged.
 *
 * <p>A refusal is a successful future with {@code allowed == false}. The future fails only when no
 * decision could be made: with {@link IllegalArgumentException} for an empty or null bucket list,
 * and with {@link RateLimiterUnavailableException} when the backing store (Redis, the event bus)
 * did not answer. Whether to let traffic through then is the caller's policy, not the limiter's.
 */
public interface RateLimiter {
  Future<RateLimitDecision> acquire(List<RateLimitBucket> buckets);
}
