package io.tollgate.ratelimit;

import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * {@link Gcra} in Redis, shared by every Tollgate instance. A batch of requests
 * ({@link #acquireAll}) is decided by one Lua script call ({@link GcraScript}): the requests in
 * order, each all-or-nothing, atomically, with the clock read once by {@code TIME} so instances
 * with skewed clocks still agree. Each key is {@code keyPrefix + bucket key} and expires when its
 * bucket has refilled, so idle clients cost no memory.
 *
 * <p>Needs Redis 5 or later (scripts that read {@code TIME} before writing rely on effect
 * replication). All keys of one script call go into one script, so on Redis Cluster a batch's keys
 * would have to share a hash slot: not supported. The {@link Redis} client is the caller's to
 * create and close.
 *
 * <p>Calls are pipelined on one connection, with the pool as fallback ({@link PipelinedScript}).
 * When the script call fails, every request of the batch fails with
 * {@link RateLimiterUnavailableException}.
 */
public final class RedisRateLimiter implements RateLimiter {
  private final String keyPrefix;
  private final PipelinedScript script;

  /**
   * @param redis a client the caller owns (pooled, standalone or sentinel)
   * @param keyPrefix put before every bucket key, e.g. {@code "tollgate:rl:"}
   */
  public RedisRateLimiter(Redis redis, String keyPrefix) {
    this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix");
    this.script = new PipelinedScript(Objects.requireNonNull(redis, "redis"), GcraScript.SOURCE);
  }

  @Override
  public Future<RateLimitDecision> acquire(List<RateLimitBucket> buckets) {
    try {
      Gcra.validate(buckets);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    return acquireAll(List.of(new RateLimitRequest(buckets))).map(decisions -> decisions.get(0));
  }

  /** One script call for the whole batch. */
  @Override
  public Future<List<RateLimitDecision>> acquireAll(List<RateLimitRequest> requests) {
    try {
      requests.forEach(r -> Gcra.validate(r.buckets()));
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    if (requests.isEmpty()) return Future.succeededFuture(List.of());
    return outcomes(requests)
        .map(outcomes -> {
          List<RateLimitDecision> decisions = new ArrayList<>(requests.size());
          for (List<Gcra.Outcome> request : outcomes) decisions.add(Gcra.decide(request));
          return decisions;
        })
        .recover(err -> Future.failedFuture(
            new RateLimiterUnavailableException("Redis gave no rate-limit decision: " + err.getMessage(), err)));
  }

  /** The script's raw outcomes for a batch; {@link #acquireAll} and the test against {@link Gcra}. */
  Future<List<List<Gcra.Outcome>>> outcomes(List<RateLimitRequest> requests) {
    return script.call(sha -> GcraScript.evalsha(sha, keyPrefix, requests))
        .map(reply -> GcraScript.outcomes(requests, reply));
  }
}
