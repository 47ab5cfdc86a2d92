package io.tollgate.ratelimit;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Refusals that {@link RedisRateLimiter} can give without asking Redis, so a client hammering a
 * drained bucket costs Redis one call per refill instead of one per request.
 *
 * <p>Why this is exact: a bucket's TAT only moves forward. Every instance only adds charges, and a
 * key expires only once its TAT has passed. So once Redis refused a bucket until {@code allowAt},
 * it would refuse any request naming that bucket (same key, limit and period) until then, and a
 * refused request charges nothing; answering it here changes no state anyone sees. The deadline is
 * counted from just before the script call was sent, which is no later than when Redis read its
 * clock, so the local refusal ends no later than Redis's would. (Redis's {@code TIME} is wall-clock
 * time: a clock stepped forward on the Redis host can free a bucket earlier than remembered here, by
 * the size of the step.)
 *
 * <p>What may differ: a local refusal reports the latest deadline among the request's buckets
 * remembered here. Redis might know a later one for a bucket not remembered, so its
 * {@code Retry-After} could be longer; a client that retries early is refused again, as it is when
 * another client drains a shared bucket meanwhile.
 *
 * <p>An operator who deletes a key in Redis to lift a client's limit lifts it here only when the
 * remembered refusal ends (less than the bucket's period).
 *
 * <p>Bounded: beyond {@code maxEntries} nothing more is remembered until a sweep (at most once a
 * second) has dropped refusals that ended. Forgetting is always safe: Redis decides instead.
 * Thread-safe.
 */
final class DenyCache {
  static final long SWEEP_INTERVAL_NANOS = 1_000_000_000L;

  /** A bucket as the script computes it: the same key with another limit or period is another bucket. */
  record BucketId(String key, int limit, long periodMicros) {
    static BucketId of(RateLimitBucket bucket) {
      return new BucketId(bucket.key(), bucket.limit(), Gcra.periodMicros(bucket));
    }
  }

  /** Until {@code allowAtNanos} (on {@link System#nanoTime}'s scale) the bucket refuses; it is full at {@code tatNanos}. */
  record Refusal(long allowAtNanos, long tatNanos) {}

  private final int maxEntries;
  private final LongSupplier nanoTime;
  private final Map<BucketId, Refusal> refusals = new ConcurrentHashMap<>();
  private volatile long lastSweep;

  /** @param maxEntries how many refusing buckets to remember; 0 turns the cache off */
  DenyCache(int maxEntries, LongSupplier nanoTime) {
    if (maxEntries < 0) throw new IllegalArgumentException("maxEntries must not be negative");
    this.maxEntries = maxEntries;
    this.nanoTime = nanoTime;
    this.lastSweep = nanoTime.getAsLong() - SWEEP_INTERVAL_NANOS;
  }

  /** The refusal of a request naming {@code buckets} if one of them is remembered as refusing; else null. */
  RateLimitDecision refusal(List<RateLimitBucket> buckets) {
    if (refusals.isEmpty()) return null;
    long now = nanoTime.getAsLong();
    List<Gcra.Outcome> refusing = null;
    for (RateLimitBucket bucket : buckets) {
      BucketId id = BucketId.of(bucket);
      Refusal refusal = refusals.get(id);
      if (refusal == null) continue;
      if (now - refusal.allowAtNanos() >= 0) {
        refusals.remove(id, refusal);
        continue;
      }
      if (refusing == null) refusing = new ArrayList<>(buckets.size());
      // Rounded up: a positive wait must not become 0 µs, which reads as "allowed".
      refusing.add(new Gcra.Outcome(bucket.limit(), ceilMicros(refusal.allowAtNanos() - now), 0,
          ceilMicros(refusal.tatNanos() - now), 0));
    }
    return refusing == null ? null : Gcra.decide(refusing);
  }

  /**
   * Remembers the buckets that refused in a request Redis decided.
   *
   * @param outcomes the script's outcomes for {@code buckets}, in order
   * @param sentAtNanos {@link System#nanoTime} just before the script call was sent
   */
  void remember(List<RateLimitBucket> buckets, List<Gcra.Outcome> outcomes, long sentAtNanos) {
    if (maxEntries == 0) return;
    Set<String> earlier = buckets.size() > 1 ? new HashSet<>() : null;
    for (int i = 0; i < buckets.size(); i++) {
      RateLimitBucket bucket = buckets.get(i);
      // A key's second mention was checked against the request's own, uncommitted first charge:
      // its refusal says nothing about the stored bucket.
      boolean repeated = earlier != null && !earlier.add(bucket.key());
      Gcra.Outcome outcome = outcomes.get(i);
      if (outcome.allowed() || repeated) continue;
      put(BucketId.of(bucket), new Refusal(sentAtNanos + outcome.retryAfterMicros() * 1_000,
          sentAtNanos + outcome.resetMicros() * 1_000));
    }
  }

  /** How many refusals are remembered now; for tests. */
  int size() {
    return refusals.size();
  }

  private void put(BucketId id, Refusal refusal) {
    if (refusals.size() >= maxEntries && !sweep()) return;
    // Two answers about one bucket are both true; the later deadline is the better one.
    refusals.merge(id, refusal, (old, fresh) -> fresh.allowAtNanos() - old.allowAtNanos() > 0 ? fresh : old);
  }

  /** Drops ended refusals, at most once per interval; true if there is room afterwards. */
  private boolean sweep() {
    long now = nanoTime.getAsLong();
    if (now - lastSweep < SWEEP_INTERVAL_NANOS) return false;
    lastSweep = now;
    refusals.values().removeIf(r -> now - r.allowAtNanos() >= 0);
    return refusals.size() < maxEntries;
  }

  private static long ceilMicros(long nanos) {
    return (nanos + 999) / 1_000;
  }
}
