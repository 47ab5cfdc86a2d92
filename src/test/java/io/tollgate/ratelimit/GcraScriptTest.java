package io.tollgate.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.testing.TestRedis;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Lua script against its Java reference: random batches run through both, every number
 * compared. The script reads Redis's clock, which a test cannot set; but a batch on keys no one has
 * touched starts every bucket full at the script's "now", and then every number it answers is
 * relative to that "now". So {@link Gcra#charge} at any fixed "now" on an empty map must give the
 * very same numbers, and the TATs it stores must be the Java ones shifted by one constant (the
 * script's clock reading, which lies between a {@code TIME} before and after the call).
 */
@ExtendWith(VertxExtension.class)
class GcraScriptTest {
  private static final List<Duration> PERIODS = List.of(Duration.ofMillis(1), Duration.ofMillis(7), Duration.ofSeconds(1),
      Duration.ofSeconds(61), Duration.ofHours(1), Duration.ofDays(366));

  private Redis redis;
  private String prefix;
  // One limiter per test: each holds a connection of the pool for its pipeline.
  private RedisRateLimiter limiter;

  @BeforeEach
  void setUp(Vertx vertx) {
    redis = RedisRateLimiterTest.client(vertx, TestRedis.url());
    prefix = TestRedis.uniquePrefix();
    limiter = new RedisRateLimiter(redis, prefix, 0);
  }

  @AfterEach
  void tearDown() {
    redis.close();
  }

  /** A batch of 1-60 requests of 1-3 buckets over 4 keys, limits 1-6, so keys repeat and drain. */
  private static List<RateLimitRequest> randomBatch(Random random, String keyPrefix) {
    List<RateLimitRequest> batch = new ArrayList<>();
    int requests = 1 + random.nextInt(60);
    for (int r = 0; r < requests; r++) {
      List<RateLimitBucket> buckets = new ArrayList<>();
      int n = 1 + random.nextInt(3);
      for (int b = 0; b < n; b++) {
        buckets.add(new RateLimitBucket(keyPrefix + "k" + random.nextInt(4), 1 + random.nextInt(6), PERIODS.get(random.nextInt(PERIODS.size()))));
      }
      batch.add(new RateLimitRequest(buckets));
    }
    return batch;
  }

  @Test
  void shouldAnswerExactlyAsGcraChargeForRandomBatches(Vertx vertx, VertxTestContext ctx) {
    Random random = new Random(20261122);
    Future<Void> chain = Future.succeededFuture();
    for (int round = 0; round < 60; round++) {
      List<RateLimitRequest> batch = randomBatch(random, "r" + round + ":");
      chain = chain.compose(v -> compare(batch));
    }
    chain.onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void shouldAnswerExactlyAsGcraChargeForOneKeyDrainedByMixedLimits(Vertx vertx, VertxTestContext ctx) {
    List<RateLimitRequest> batch = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      batch.add(new RateLimitRequest(List.of(new RateLimitBucket("k", 1 + i % 5, Duration.ofSeconds(10 + i)))));
      batch.add(new RateLimitRequest(List.of(new RateLimitBucket("k", 3, Duration.ofMinutes(1)),
          new RateLimitBucket("other", 2, Duration.ofMinutes(1)))));
    }
    compare(batch).onComplete(ctx.succeedingThenComplete());
  }

  /** {@code batch} through the script and through {@link Gcra#charge}; its keys must be new. */
  private Future<Void> compare(List<RateLimitRequest> batch) {
    Map<String, Long> javaTats = new HashMap<>();
    List<List<Gcra.Outcome>> expected = new ArrayList<>();
    for (RateLimitRequest request : batch) expected.add(Gcra.charge(request.buckets(), 0, javaTats));
    TreeSet<String> keys = new TreeSet<>();
    batch.forEach(r -> r.buckets().forEach(b -> keys.add(b.key())));
    return time()
        .compose(before -> limiter.outcomes(batch)
            .compose(actual -> time().compose(after -> storedTats(keys).map(stored -> {
              for (int r = 0; r < batch.size(); r++) {
                List<Gcra.Outcome> want = expected.get(r);
                List<Gcra.Outcome> got = actual.get(r);
                assertThat(got).as("outcomes of request %d of %s", r, batch).hasSize(want.size());
                for (int b = 0; b < want.size(); b++) {
                  Gcra.Outcome w = want.get(b);
                  Gcra.Outcome g = got.get(b);
                  assertThat(List.of(g.limit(), g.retryAfterMicros(), g.remaining(), g.resetMicros()))
                      .as("bucket %d of request %d of %s", b, r, batch)
                      .isEqualTo(List.of(w.limit(), w.retryAfterMicros(), w.remaining(), w.resetMicros()));
                }
                assertThat(Gcra.decide(got)).isEqualTo(Gcra.decide(want));
              }
              // Only charged keys are stored, each at the Java TAT plus the script's clock reading.
              // A key whose bucket refills within a second may have expired already: that is the
              // point of its expiry, so only the others must still be there.
              assertThat(javaTats.keySet()).containsAll(stored.keySet());
              javaTats.forEach((key, tat) -> {
                if (tat > 1_000_000) assertThat(stored).as("a key refilling after %d us", tat).containsKey(key);
              });
              Long offset = null;
              for (String key : stored.keySet()) {
                long shift = stored.get(key) - javaTats.get(key);
                if (offset == null) offset = shift;
                assertThat(shift).as("clock reading implied by %s", key).isEqualTo(offset);
              }
              if (offset != null) assertThat(offset).isBetween(before, after);
              return null;
            }))));
  }

  private Future<Long> time() {
    return redis.send(Request.cmd(Command.TIME))
        .map(t -> t.get(0).toLong() * 1_000_000 + t.get(1).toLong());
  }

  private Future<Map<String, Long>> storedTats(TreeSet<String> keys) {
    Request mget = Request.cmd(Command.MGET);
    keys.forEach(k -> mget.arg(prefix + k));
    return redis.send(mget).map(values -> {
      Map<String, Long> stored = new HashMap<>();
      int i = 0;
      for (String key : keys) {
        Response value = values.get(i++);
        if (value != null) stored.put(key, Long.parseLong(value.toString()));
      }
      return stored;
    });
  }
}
