package io.tollgate.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What every {@link RateLimiter} must do, run once per backend. Periods are long (an hour) where
 * refill must not interfere, and short only where a test waits for a refill.
 */
@ExtendWith(VertxExtension.class)
abstract class RateLimiterContract {

  /** A fresh limiter whose buckets no other test sees. */
  abstract RateLimiter limiter();

  /** Lets {@code millis} pass for the limiter (a timer for real time, a step for a fake clock). */
  abstract Future<Void> elapse(Vertx vertx, long millis);

  static RateLimitBucket hourly(String key, int limit) {
    return new RateLimitBucket(key, limit, Duration.ofHours(1));
  }

  Future<List<RateLimitDecision>> acquireInTurn(List<RateLimitBucket> buckets, int times) {
    RateLimiter limiter = limiter();
    List<RateLimitDecision> decisions = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < times; i++) {
      chain = chain.compose(v -> limiter.acquire(buckets)).map(d -> { decisions.add(d); return null; });
    }
    return chain.map(v -> decisions);
  }

  @Test
  void shouldAllowABurstOfLimitThenRefuse(Vertx vertx, VertxTestContext ctx) {
    acquireInTurn(List.of(hourly("ip:a", 5)), 6)
        .onComplete(ctx.succeeding(decisions -> ctx.verify(() -> {
          assertThat(decisions).extracting(RateLimitDecision::allowed)
              .containsExactly(true, true, true, true, true, false);
          assertThat(decisions).extracting(RateLimitDecision::remaining).containsExactly(4, 3, 2, 1, 0, 0);
          assertThat(decisions).extracting(RateLimitDecision::limit).containsOnly(5);
          assertThat(decisions.get(0).retryAfterMillis()).isZero();
          ctx.completeNow();
        })));
  }

  @Test
  void shouldAskToRetryAfterOneEmissionInterval(Vertx vertx, VertxTestContext ctx) {
    // 5 per hour: one token every 720 s; the refusal comes moments after the burst.
    acquireInTurn(List.of(hourly("ip:a", 5)), 6)
        .onComplete(ctx.succeeding(decisions -> ctx.verify(() -> {
          RateLimitDecision refusal = decisions.get(5);
          assertThat(refusal.retryAfterMillis()).isBetween(710_000L, 720_000L);
          assertThat(refusal.resetMillis()).isBetween(3_590_000L, 3_600_000L);
          assertThat(decisions.get(0).resetMillis()).isBetween(710_000L, 720_000L);
          ctx.completeNow();
        })));
  }

  @Test
  void shouldRecoverOneTokenAfterRetryAfterAndNotChargeRefusals(Vertx vertx, VertxTestContext ctx) {
    RateLimiter limiter = limiter();
    List<RateLimitBucket> bucket = List.of(new RateLimitBucket("ip:a", 2, Duration.ofMillis(600)));
    limiter.acquire(bucket)
        .compose(d -> limiter.acquire(bucket))
        .compose(d -> limiter.acquire(bucket))
        .compose(first -> {
          ctx.verify(() -> assertThat(first.allowed()).isFalse());
          // Refusals must not push the bucket further into debt.
          return limiter.acquire(bucket).compose(d -> limiter.acquire(bucket)).map(first);
        })
        .compose(first -> elapse(vertx, first.retryAfterMillis() + 20))
        .compose(v -> limiter.acquire(bucket))
        .compose(recovered -> limiter.acquire(bucket).map(next -> List.of(recovered, next)))
        .onComplete(ctx.succeeding(pair -> ctx.verify(() -> {
          assertThat(pair.get(0).allowed()).isTrue();
          assertThat(pair.get(1).allowed()).as("only one token refilled").isFalse();
          ctx.completeNow();
        })));
  }

  @Test
  void shouldChargeNoBucketWhenAnyRefuses(Vertx vertx, VertxTestContext ctx) {
    RateLimiter limiter = limiter();
    RateLimitBucket narrow = hourly("checkout:1", 1);
    RateLimitBucket wide = hourly("ip:a", 10);
    limiter.acquire(List.of(narrow, wide))
        .compose(first -> limiter.acquire(List.of(narrow, wide)).map(second -> List.of(first, second)))
        .compose(two -> limiter.acquire(List.of(wide)).map(third -> List.of(two.get(0), two.get(1), third)))
        .onComplete(ctx.succeeding(d -> ctx.verify(() -> {
          assertThat(d.get(0).allowed()).isTrue();
          assertThat(d.get(1).allowed()).isFalse();
          assertThat(d.get(1).limit()).as("the refusing bucket is reported").isEqualTo(1);
          assertThat(d.get(2).allowed()).isTrue();
          assertThat(d.get(2).remaining()).as("wide bucket charged once, by the first request only").isEqualTo(8);
          ctx.completeNow();
        })));
  }

  @Test
  void shouldReportTheBucketWithFewestTokensWhenAllowed(Vertx vertx, VertxTestContext ctx) {
    limiter().acquire(List.of(hourly("ip:a", 10), hourly("checkout:1", 3)))
        .onComplete(ctx.succeeding(d -> ctx.verify(() -> {
          assertThat(d.allowed()).isTrue();
          assertThat(d.limit()).isEqualTo(3);
          assertThat(d.remaining()).isEqualTo(2);
          ctx.completeNow();
        })));
  }

  @Test
  void shouldReportTheRefusingBucketThatFreesUpLast(Vertx vertx, VertxTestContext ctx) {
    RateLimiter limiter = limiter();
    List<RateLimitBucket> both = List.of(
        new RateLimitBucket("ip:a", 1, Duration.ofMinutes(1)), hourly("checkout:1", 1));
    limiter.acquire(both)
        .compose(d -> limiter.acquire(both))
        .onComplete(ctx.succeeding(d -> ctx.verify(() -> {
          assertThat(d.allowed()).isFalse();
          assertThat(d.retryAfterMillis()).isGreaterThan(3_000_000L);
          ctx.completeNow();
        })));
  }

  @Test
  void shouldChargeAKeyNamedTwiceTwice(Vertx vertx, VertxTestContext ctx) {
    RateLimiter limiter = limiter();
    limiter.acquire(List.of(hourly("ip:a", 2), hourly("ip:a", 2)))
        .compose(first -> limiter.acquire(List.of(hourly("ip:a", 2))).map(second -> List.of(first, second)))
        .onComplete(ctx.succeeding(d -> ctx.verify(() -> {
          assertThat(d.get(0).allowed()).isTrue();
          assertThat(d.get(0).remaining()).isZero();
          assertThat(d.get(1).allowed()).isFalse();
          ctx.completeNow();
        })));
  }

  @Test
  void shouldKeepKeysApart(Vertx vertx, VertxTestContext ctx) {
    RateLimiter limiter = limiter();
    limiter.acquire(List.of(hourly("ip:a", 1)))
        .compose(d -> limiter.acquire(List.of(hourly("ip:b", 1))))
        .onComplete(ctx.succeeding(d -> ctx.verify(() -> {
          assertThat(d.allowed()).isTrue();
          ctx.completeNow();
        })));
  }

  @Test
  void shouldFailAnEmptyRequest(Vertx vertx, VertxTestContext ctx) {
    limiter().acquire(List.of())
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          assertThat(err).isInstanceOf(IllegalArgumentException.class);
          ctx.completeNow();
        })));
  }
}
