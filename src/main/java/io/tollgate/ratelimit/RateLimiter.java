package io.tollgate.ratelimit;

import io.vertx.core.Future;
import java.util.List;

/**
 * Takes one token from each of several buckets in one atomic decision: either every bucket has
 * room and all are charged, or the request is refused and none is charged.
 */
public interface RateLimiter {
  Future<RateLimitDecision> acquire(List<RateLimitBucket> buckets);
}
