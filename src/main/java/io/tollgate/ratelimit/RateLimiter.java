package io.tollgate.ratelimit;

import io.vertx.core.Future;
import java.util.ArrayList;
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

  /**
   * Several requests decided in order, each all-or-nothing as by {@link #acquire}, each seeing the
   * charges of the allowed requests before it. The answer has one decision per request, in order;
   * it fails as a whole (every request undecided) when {@link #acquire} would fail for one of them.
   *
   * <p>This default asks {@link #acquire} once per request. {@link RedisRateLimiter} overrides it
   * to decide the whole batch in one script call: the point of {@link RateLimitVerticle}'s batching.
   */
  default Future<List<RateLimitDecision>> acquireAll(List<RateLimitRequest> requests) {
    List<Future<RateLimitDecision>> decisions = new ArrayList<>(requests.size());
    for (RateLimitRequest request : requests) decisions.add(acquire(request.buckets()));
    return Future.all(decisions).map(all -> all.list());
  }
}
