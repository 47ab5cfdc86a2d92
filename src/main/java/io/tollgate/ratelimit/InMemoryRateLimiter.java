package io.tollgate.ratelimit;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * {@link Gcra} in this process, for development without Redis and for single-instance setups.
 * Decisions are not shared between instances.
 *
 * <p>One lock guards every bucket: a decision is a few map look-ups, far cheaper than the
 * coordination per-key locks would need to stay all-or-nothing across several keys.
 *
 * <p>Memory is bounded twice: buckets that have refilled completely (which mean the same as no
 * bucket) are swept out every {@link #SWEEP_INTERVAL_MICROS}, and beyond {@code maxBuckets} the
 * least recently used bucket is dropped. The latter forgets a partly drained bucket, so under a
 * flood of distinct keys some clients get a fresh burst; that beats running out of heap.
 */
public final class InMemoryRateLimiter implements RateLimiter {
  static final int DEFAULT_MAX_BUCKETS = 100_000;
  static final long SWEEP_INTERVAL_MICROS = 10_000_000;

  private final LongSupplier nanoTime;
  private final Map<String, Long> tats;
  private long nextSweep;
  private boolean swept;

  /** Real time, {@link #DEFAULT_MAX_BUCKETS}. */
  public InMemoryRateLimiter() {
    this(System::nanoTime, DEFAULT_MAX_BUCKETS);
  }

  /**
   * @param nanoTime a monotonic clock in nanoseconds (tests pass a counter they advance)
   * @param maxBuckets how many buckets to remember at most
   */
  public InMemoryRateLimiter(LongSupplier nanoTime, int maxBuckets) {
    if (maxBuckets < 1) throw new IllegalArgumentException("maxBuckets must be at least 1");
    this.nanoTime = nanoTime;
    this.tats = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
        return size() > maxBuckets;
      }
    };
  }

  @Override
  public Future<RateLimitDecision> acquire(List<RateLimitBucket> buckets) {
    try {
      Gcra.validate(buckets);
      return Future.succeededFuture(decide(buckets));
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
  }

  /** The whole batch under one lock: one clock reading, no other decision in between. */
  @Override
  public Future<List<RateLimitDecision>> acquireAll(List<RateLimitRequest> requests) {
    try {
      requests.forEach(r -> Gcra.validate(r.buckets()));
      return Future.succeededFuture(decideAll(requests));
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
  }

  /** How many buckets are held now; for tests of the memory bound. */
  synchronized int size() {
    return tats.size();
  }

  private synchronized RateLimitDecision decide(List<RateLimitBucket> buckets) {
    long now = nanoTime.getAsLong() / 1_000;
    sweepIfDue(now);
    return Gcra.decide(Gcra.charge(buckets, now, tats));
  }

  private synchronized List<RateLimitDecision> decideAll(List<RateLimitRequest> requests) {
    long now = nanoTime.getAsLong() / 1_000;
    sweepIfDue(now);
    List<RateLimitDecision> decisions = new ArrayList<>(requests.size());
    for (RateLimitRequest request : requests) decisions.add(Gcra.decide(Gcra.charge(request.buckets(), now, tats)));
    return decisions;
  }

  private void sweepIfDue(long now) {
    if (swept && now < nextSweep) return;
    tats.values().removeIf(tat -> tat <= now);
    swept = true;
    nextSweep = now + SWEEP_INTERVAL_MICROS;
  }
}
