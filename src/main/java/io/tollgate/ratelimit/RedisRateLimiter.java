package io.tollgate.ratelimit;

import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

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
 * Requests naming a bucket Redis refused a moment ago are refused locally ({@link DenyCache}) and
 * never reach Redis. When the script call fails, every request of the batch fails with
 * {@link RateLimiterUnavailableException}.
 */
public final class RedisRateLimiter implements RateLimiter {
  /** Refusing buckets remembered by default: an abusive client costs one entry per bucket. */
  public static final int DEFAULT_DENY_CACHE_SIZE = 10_000;

  private final String keyPrefix;
  private final PipelinedScript script;
  private final DenyCache denies;
  private final LongSupplier nanoTime;

  /**
   * With the default deny cache.
   *
   * @param redis a client the caller owns (pooled, standalone or sentinel)
   * @param keyPrefix put before every bucket key, e.g. {@code "tollgate:rl:"}
   */
  public RedisRateLimiter(Redis redis, String keyPrefix) {
    this(redis, keyPrefix, DEFAULT_DENY_CACHE_SIZE);
  }

  /** @param denyCacheSize how many refusing buckets to remember locally; 0 asks Redis every time */
  public RedisRateLimiter(Redis redis, String keyPrefix, int denyCacheSize) {
    this(redis, keyPrefix, denyCacheSize, System::nanoTime);
  }

  RedisRateLimiter(Redis redis, String keyPrefix, int denyCacheSize, LongSupplier nanoTime) {
    this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix");
    this.script = new PipelinedScript(Objects.requireNonNull(redis, "redis"), GcraScript.SOURCE);
    this.nanoTime = nanoTime;
    this.denies = new DenyCache(denyCacheSize, nanoTime);
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

  /** One script call for all requests Redis must decide; none when every one is refused locally. */
  @Override
  public Future<List<RateLimitDecision>> acquireAll(List<RateLimitRequest> requests) {
    try {
      requests.forEach(r -> Gcra.validate(r.buckets()));
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    RateLimitDecision[] decisions = new RateLimitDecision[requests.size()];
    List<RateLimitRequest> asked = new ArrayList<>(requests.size());
    int[] positions = new int[requests.size()];
    for (int i = 0; i < requests.size(); i++) {
      decisions[i] = denies.refusal(requests.get(i).buckets());
      if (decisions[i] == null) {
        positions[asked.size()] = i;
        asked.add(requests.get(i));
      }
    }
    if (asked.isEmpty()) return Future.succeededFuture(Arrays.asList(decisions));
    long sentAt = nanoTime.getAsLong();
    return script.call(sha -> GcraScript.evalsha(sha, keyPrefix, asked))
        .map(reply -> {
          List<List<Gcra.Outcome>> outcomes = GcraScript.outcomes(asked, reply);
          for (int j = 0; j < asked.size(); j++) {
            denies.remember(asked.get(j).buckets(), outcomes.get(j), sentAt);
            decisions[positions[j]] = Gcra.decide(outcomes.get(j));
          }
          return Arrays.asList(decisions);
        })
        .recover(err -> Future.failedFuture(
            new RateLimiterUnavailableException("Redis gave no rate-limit decision: " + err.getMessage(), err)));
  }

  /** The script's raw outcomes for a batch, bypassing the deny cache; for the test against {@link Gcra}. */
  Future<List<List<Gcra.Outcome>>> outcomes(List<RateLimitRequest> requests) {
    return script.call(sha -> GcraScript.evalsha(sha, keyPrefix, requests))
        .map(reply -> GcraScript.outcomes(requests, reply));
  }

  /** How many refusing buckets are remembered locally; for tests. */
  int rememberedRefusals() {
    return denies.size();
  }
}
