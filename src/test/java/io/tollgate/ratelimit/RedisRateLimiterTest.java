package io.tollgate.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.testing.TestRedis;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxTestContext;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The contract against the local Redis, plus what only Redis does: one script per batch, the deny cache. */
class RedisRateLimiterTest extends RateLimiterContract {
  private Redis redis;
  private String prefix;
  private RedisRateLimiter limiter;

  static Redis client(Vertx vertx, String url) {
    // Room for the concurrency test's 200 callers at once.
    return Redis.createClient(vertx, new RedisOptions()
        .setConnectionString(url).setMaxPoolSize(8).setMaxPoolWaiting(1_000));
  }

  @BeforeEach
  void setUp(Vertx vertx) {
    redis = client(vertx, TestRedis.url());
    prefix = TestRedis.uniquePrefix();
    limiter = new RedisRateLimiter(redis, prefix);
  }

  @AfterEach
  void tearDown() {
    redis.close();
  }

  @Override
  RateLimiter limiter() {
    return limiter;
  }

  @Override
  Future<Void> elapse(Vertx vertx, long millis) {
    return vertx.timer(millis);
  }

  @Test
  void shouldAllowExactlyLimitAmongConcurrentAcquires(Vertx vertx, VertxTestContext ctx) {
    List<Future<RateLimitDecision>> all = new ArrayList<>();
    for (int i = 0; i < 200; i++) all.add(limiter.acquire(List.of(hourly("ip:a", 50))));
    Future.all(all)
        .onComplete(ctx.succeeding(done -> ctx.verify(() -> {
          assertThat(all).filteredOn(f -> f.result().allowed()).hasSize(50);
          ctx.completeNow();
        })));
  }

  @Test
  void shouldExpireKeysWhenTheirBucketHasRefilled(Vertx vertx, VertxTestContext ctx) {
    String key = prefix + "ip:a";
    limiter.acquire(List.of(hourly("ip:a", 5)))
        .compose(d -> redis.send(Request.cmd(Command.PTTL).arg(key)))
        .compose(afterOne -> limiter.acquire(List.of(hourly("ip:a", 5)))
            .compose(d -> redis.send(Request.cmd(Command.PTTL).arg(key)))
            .map(afterTwo -> List.of(afterOne.toLong(), afterTwo.toLong())))
        .onComplete(ctx.succeeding(ttls -> ctx.verify(() -> {
          // One token of 5 per hour comes back in 720 s; two in 1440 s.
          assertThat(ttls.get(0)).isBetween(710_000L, 720_000L);
          assertThat(ttls.get(1)).isBetween(1_430_000L, 1_440_000L);
          ctx.completeNow();
        })));
  }

  @Test
  void shouldNotWriteAnyKeyForARefusedRequest(Vertx vertx, VertxTestContext ctx) {
    limiter.acquire(List.of(hourly("checkout:1", 1)))
        .compose(d -> limiter.acquire(List.of(hourly("checkout:1", 1), hourly("ip:fresh", 10))))
        .compose(d -> redis.send(Request.cmd(Command.EXISTS).arg(prefix + "ip:fresh")))
        .onComplete(ctx.succeeding(exists -> ctx.verify(() -> {
          assertThat(exists.toInteger()).isZero();
          ctx.completeNow();
        })));
  }

  @Test
  void shouldShareBucketsBetweenInstances(Vertx vertx, VertxTestContext ctx) {
    RedisRateLimiter other = new RedisRateLimiter(redis, prefix);
    limiter.acquire(List.of(hourly("ip:a", 3)))
        .compose(d -> other.acquire(List.of(hourly("ip:a", 3))))
        .onComplete(ctx.succeeding(d -> ctx.verify(() -> {
          assertThat(d.remaining()).isEqualTo(1);
          ctx.completeNow();
        })));
  }

  @Test
  void shouldFailAsUnavailableWhenRedisIsDown(Vertx vertx, VertxTestContext ctx) {
    Redis nowhere = client(vertx, "redis://127.0.0.1:1");
    new RedisRateLimiter(nowhere, prefix).acquire(List.of(hourly("ip:a", 3)))
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          assertThat(err).isInstanceOf(RateLimiterUnavailableException.class);
          nowhere.close();
          ctx.completeNow();
        })));
  }

  @Test
  void shouldStoreTheScriptsStateAsAPlainIntegerUnderThePrefixedKey(Vertx vertx, VertxTestContext ctx) {
    limiter.acquire(List.of(hourly("ip:a", 5)))
        .compose(d -> redis.send(Request.cmd(Command.GET).arg(prefix + "ip:a")))
        .map(Response::toString)
        .onComplete(ctx.succeeding(tat -> ctx.verify(() -> {
          // Microseconds since the epoch, written without exponent so no precision is lost.
          assertThat(tat).matches("\\d{16}");
          ctx.completeNow();
        })));
  }

  // ---- one script call per batch ----

  @Test
  void shouldDecideABatchWithOneClockReading(Vertx vertx, VertxTestContext ctx) {
    // Twenty fresh buckets of one size, charged once each: the same TAT only if one TIME was read.
    List<RateLimitRequest> batch = new ArrayList<>();
    Request mget = Request.cmd(Command.MGET);
    for (int i = 0; i < 20; i++) {
      batch.add(request(hourly("ip:" + i, 5)));
      mget.arg(prefix + "ip:" + i);
    }
    limiter.acquireAll(batch)
        .compose(d -> redis.send(mget))
        .onComplete(ctx.succeeding(tats -> ctx.verify(() -> {
          List<String> values = new ArrayList<>();
          tats.forEach(t -> values.add(t.toString()));
          assertThat(values).hasSize(20).doesNotContainNull();
          assertThat(values.stream().distinct()).hasSize(1);
          ctx.completeNow();
        })));
  }

  @Test
  void shouldFailEveryRequestOfABatchWhenTheScriptFailsAndWriteNothing(Vertx vertx, VertxTestContext ctx) {
    // A key of the wrong type makes the script's GET fail after other requests were already decided.
    redis.send(Request.cmd(Command.RPUSH).arg(prefix + "ip:list").arg("x"))
        .compose(pushed -> limiter.acquireAll(List.of(request(hourly("ip:a", 5)), request(hourly("ip:list", 5)),
            request(hourly("ip:b", 5)))))
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          assertThat(err).isInstanceOf(RateLimiterUnavailableException.class).hasMessageContaining("WRONGTYPE");
          redis.send(Request.cmd(Command.EXISTS).arg(prefix + "ip:a").arg(prefix + "ip:b"))
              .onComplete(ctx.succeeding(exists -> ctx.verify(() -> {
                assertThat(exists.toInteger()).as("charges are written only once the whole batch is decided").isZero();
                ctx.completeNow();
              })));
        })));
  }

  @Test
  void shouldFailAWholeBatchAsUnavailableWhenRedisIsDown(Vertx vertx, VertxTestContext ctx) {
    Redis nowhere = client(vertx, "redis://127.0.0.1:1");
    new RedisRateLimiter(nowhere, prefix).acquireAll(List.of(request(hourly("ip:a", 3)), request(hourly("ip:b", 3))))
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          assertThat(err).isInstanceOf(RateLimiterUnavailableException.class);
          nowhere.close();
          ctx.completeNow();
        })));
  }

  // ---- refusals remembered locally (DenyCache) ----

  /** The limiter under test with a clock the test moves; Redis keeps its own. */
  private final AtomicLong nanos = new AtomicLong(-7_000_000_000L);

  private RedisRateLimiter withClock(int denyCacheSize) {
    return new RedisRateLimiter(redis, prefix, denyCacheSize, nanos::get);
  }

  private Future<Response> delete(String key) {
    return redis.send(Request.cmd(Command.DEL).arg(prefix + key));
  }

  @Test
  void shouldRefuseABucketRedisRefusedWithoutAskingRedisAgain(Vertx vertx, VertxTestContext ctx) {
    RedisRateLimiter cached = withClock(100);
    List<RateLimitBucket> one = List.of(hourly("ip:a", 1));
    cached.acquire(one)
        .compose(first -> cached.acquire(one))
        // Redis forgets the bucket: only a local answer can still refuse.
        .compose(refused -> delete("ip:a").compose(deleted -> cached.acquire(one)).map(local -> List.of(refused, local)))
        .onComplete(ctx.succeeding(d -> ctx.verify(() -> {
          assertThat(d.get(0).allowed()).isFalse();
          assertThat(d.get(1).allowed()).as("refused locally").isFalse();
          assertThat(d.get(1).limit()).isEqualTo(1);
          assertThat(d.get(1).retryAfterMillis()).isBetween(3_500_000L, 3_600_000L);
          assertThat(d.get(1).retryAfterMillis()).isLessThanOrEqualTo(d.get(0).retryAfterMillis());
          assertThat(cached.rememberedRefusals()).isEqualTo(1);
          ctx.completeNow();
        })));
  }

  @Test
  void shouldAskRedisAgainOnceTheRememberedRefusalHasEnded(Vertx vertx, VertxTestContext ctx) {
    RedisRateLimiter cached = withClock(100);
    List<RateLimitBucket> one = List.of(hourly("ip:a", 1));
    cached.acquire(one)
        .compose(first -> cached.acquire(one))
        .compose(refused -> {
          nanos.addAndGet(Duration.ofMillis(refused.retryAfterMillis()).toNanos());
          return delete("ip:a").compose(deleted -> cached.acquire(one));
        })
        .onComplete(ctx.succeeding(d -> ctx.verify(() -> {
          assertThat(d.allowed()).as("Redis, asked again, has no bucket any more").isTrue();
          ctx.completeNow();
        })));
  }

  @Test
  void shouldAlwaysAskRedisWithoutADenyCache(Vertx vertx, VertxTestContext ctx) {
    RedisRateLimiter uncached = withClock(0);
    List<RateLimitBucket> one = List.of(hourly("ip:a", 1));
    uncached.acquire(one)
        .compose(first -> uncached.acquire(one))
        .compose(refused -> delete("ip:a").compose(deleted -> uncached.acquire(one)))
        .onComplete(ctx.succeeding(d -> ctx.verify(() -> {
          assertThat(d.allowed()).isTrue();
          assertThat(uncached.rememberedRefusals()).isZero();
          ctx.completeNow();
        })));
  }

  @Test
  void shouldNotRememberARefusalCausedByTheRequestsOwnEarlierCharge(Vertx vertx, VertxTestContext ctx) {
    // ip:a has 1 of 2 left: naming it twice is refused on the second mention, which counted the
    // first mention's charge, and that charge was never made. Alone, ip:a still has its token.
    RedisRateLimiter cached = withClock(100);
    RateLimitBucket two = hourly("ip:a", 2);
    cached.acquire(List.of(two))
        .compose(first -> cached.acquire(List.of(two, two)))
        .compose(twice -> cached.acquire(List.of(two)).map(alone -> List.of(twice, alone)))
        .onComplete(ctx.succeeding(d -> ctx.verify(() -> {
          assertThat(d.get(0).allowed()).isFalse();
          assertThat(d.get(1).allowed()).isTrue();
          ctx.completeNow();
        })));
  }

  @Test
  void shouldNotRefuseLocallyTheSameKeyUnderAnotherLimit(Vertx vertx, VertxTestContext ctx) {
    // 1 per minute is drained (TAT +60 s); 100 per hour (36 s apart, 3,600 s burst) still has room.
    RedisRateLimiter cached = withClock(100);
    RateLimitBucket perMinute = new RateLimitBucket("ip:a", 1, Duration.ofMinutes(1));
    RateLimitBucket perHour = hourly("ip:a", 100);
    cached.acquire(List.of(perMinute))
        .compose(first -> cached.acquire(List.of(perMinute)))
        .compose(refused -> cached.acquire(List.of(perHour)).map(other -> List.of(refused, other)))
        .onComplete(ctx.succeeding(d -> ctx.verify(() -> {
          assertThat(d.get(0).allowed()).isFalse();
          assertThat(d.get(1).allowed()).isTrue();
          ctx.completeNow();
        })));
  }

  @Test
  void shouldRefuseLocallyOnlyTheRequestsOfABatchThatNameARefusedBucket(Vertx vertx, VertxTestContext ctx) {
    RedisRateLimiter cached = withClock(100);
    RateLimitBucket drained = hourly("checkout:1", 1);
    cached.acquireAll(List.of(request(drained), request(drained)))
        .compose(first -> delete("checkout:1"))
        .compose(deleted -> cached.acquireAll(List.of(request(hourly("ip:a", 3)), request(drained, hourly("ip:b", 3)),
            request(hourly("ip:b", 3)))))
        .onComplete(ctx.succeeding(d -> ctx.verify(() -> {
          assertThat(d).extracting(RateLimitDecision::allowed).containsExactly(true, false, true);
          assertThat(d.get(2).remaining()).as("the locally refused request charged ip:b nothing").isEqualTo(2);
          ctx.completeNow();
        })));
  }
}
