package io.tollgate.ratelimit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The generic cell rate algorithm, in integer microseconds, as both limiters apply it. This class
 * is the reference: the Lua script in {@link GcraScript} transcribes {@link #check} line by line
 * and applies {@link #charge} to each request of a batch in turn; change them together
 * ({@code GcraScriptTest} runs both on the same batches and compares every number).
 *
 * <p>A bucket of {@code limit} per {@code period} has emission interval {@code I = floor(period
 * / limit)} and capacity {@code C = I * limit} (the period rounded down to whole intervals, so the
 * burst is exactly {@code limit} however the division falls). It keeps one number, its theoretical
 * arrival time TAT (absent means "full"). For a request at {@code now}:
 *
 * <pre>
 *   tat      = max(TAT, now)
 *   newTat   = tat + I
 *   allowAt  = newTat - C
 *   refused  if now &lt; allowAt:  retryAfter = allowAt - now, remaining = 0,  reset = tat - now
 *   allowed  otherwise:        TAT := newTat, expires after newTat - now (at most C),
 *                              remaining = floor((C - (newTat - now)) / I), reset = newTat - now
 * </pre>
 *
 * An empty bucket therefore admits exactly {@code limit} requests at once and then one every I.
 * Once {@code now >= TAT} the stored value means the same as no value, which is why a key may expire
 * at TAT: idle buckets vanish without changing any decision.
 */
final class Gcra {
  private Gcra() {}

  /** One bucket's verdict. {@code newTat} is what to store if the whole request is allowed. */
  record Outcome(int limit, long retryAfterMicros, int remaining, long resetMicros, long newTat) {
    boolean allowed() {
      return retryAfterMicros == 0;
    }
  }

  static long periodMicros(RateLimitBucket bucket) {
    return bucket.period().toNanos() / 1_000;
  }

  /** {@code storedTat}: the bucket's TAT, or any value {@code <= now} when it has none. */
  static Outcome check(long storedTat, long now, int limit, long periodMicros) {
    long interval = periodMicros / limit;
    long capacity = interval * limit;
    long tat = Math.max(storedTat, now);
    long newTat = tat + interval;
    long allowAt = newTat - capacity;
    if (now < allowAt) {
      return new Outcome(limit, allowAt - now, 0, tat - now, tat);
    }
    int remaining = (int) ((capacity - (newTat - now)) / interval);
    return new Outcome(limit, 0, remaining, newTat - now, newTat);
  }

  /**
   * One request against {@code tats} (key to TAT; an absent key is a full bucket), all or nothing:
   * the buckets are checked in order, a key named twice sees its own earlier charge, and only if
   * every bucket allows are the new TATs written back to {@code tats}. A batch of requests is this,
   * applied to each in turn on the same map, so a request sees the charges of the allowed requests
   * before it.
   *
   * @return one outcome per bucket, in the request's order
   */
  static List<Outcome> charge(List<RateLimitBucket> buckets, long now, Map<String, Long> tats) {
    Map<String, Long> pending = new HashMap<>();
    List<Outcome> outcomes = new ArrayList<>(buckets.size());
    boolean allowed = true;
    for (RateLimitBucket bucket : buckets) {
      Long stored = pending.containsKey(bucket.key()) ? pending.get(bucket.key()) : tats.get(bucket.key());
      Outcome outcome = check(stored == null ? now : stored, now, bucket.limit(), periodMicros(bucket));
      outcomes.add(outcome);
      if (outcome.allowed()) {
        pending.put(bucket.key(), outcome.newTat());
      } else {
        allowed = false;
      }
    }
    if (allowed) tats.putAll(pending);
    return outcomes;
  }

  /**
   * The request's decision from its buckets' outcomes. A refusal reports the refusing bucket that
   * frees up last (the request can pass only then); an allowance reports the bucket with the
   * fewest tokens left, the later-resetting one on a tie, since that is the one a client will hit.
   */
  static RateLimitDecision decide(List<Outcome> outcomes) {
    Outcome tightest = null;
    boolean allowed = outcomes.stream().allMatch(Outcome::allowed);
    for (Outcome o : outcomes) {
      if (tightest == null) {
        tightest = o;
      } else if (!allowed) {
        if (o.retryAfterMicros() > tightest.retryAfterMicros()) tightest = o;
      } else if (o.remaining() < tightest.remaining()
          || (o.remaining() == tightest.remaining() && o.resetMicros() > tightest.resetMicros())) {
        tightest = o;
      }
    }
    if (tightest == null) throw new IllegalArgumentException("no outcomes");
    return new RateLimitDecision(
        allowed,
        ceilMillis(tightest.retryAfterMicros()),
        tightest.limit(),
        tightest.remaining(),
        ceilMillis(tightest.resetMicros()));
  }

  /** Both limiters refuse these before touching their store. */
  static void validate(List<RateLimitBucket> buckets) {
    if (buckets == null || buckets.isEmpty()) {
      throw new IllegalArgumentException("a rate-limit request needs at least one bucket");
    }
    for (RateLimitBucket bucket : buckets) {
      if (bucket == null) throw new IllegalArgumentException("null bucket");
    }
  }

  // Rounded up so a client that waits retryAfterMillis is never refused for arriving early.
  private static long ceilMillis(long micros) {
    return (micros + 999) / 1_000;
  }
}
