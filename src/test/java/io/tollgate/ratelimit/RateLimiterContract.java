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

  static RateLimitRequest request(RateLimitBucket... buckets) {
    return new RateLimitRequest(List.of(buckets));
  }

  // ---- batches (acquireAll): in order, each all-or-nothing, each seeing earlier charges ----

  @Test
  void shouldLetLaterRequestsOfABatchSeeEarlierChargesOnTheSameKey(Vertx vertx, VertxTestContext ctx) {
    RateLimitBucket two = hourly("ip:a", 2);
    limiter().acquireAll(List.of(request(two), request(two), request(two)))
        .onComplete(ctx.succeeding(d -> ctx.verify(() -> {
          assertThat(d).extracting(RateLimitDecision::allowed).containsExactly(true, true, false);
          assertThat(d).extracting(RateLimitDecision::remaining).containsExactly(1, 0, 0);
          ctx.completeNow();
        })));
  }

  @Test
  void shouldChargeNothingForARefusedRequestInABatch(Vertx vertx, VertxTestContext ctx) {
    RateLimitBucket narrow = hourly("checkout:1", 1);
    RateLimitBucket wide = hourly("ip:a", 10);
    limiter().acquireAll(List.of(request(narrow, wide), request(narrow, wide), request(wide)))
        .onComplete(ctx.succeeding(d -> ctx.verify(() -> {
          assertThat(d).extracting(RateLimitDecision::allowed).containsExactly(true, false, true);
          assertThat(d.get(1).limit()).as("the refusing bucket is reported").isEqualTo(1);
          assertThat(d.get(2).remaining()).as("wide charged by the first and third only").isEqualTo(8);
          ctx.completeNow();
        })));
  }

  @Test
  void shouldApplyEachRequestsOwnLimitToASharedKey(Vertx vertx, VertxTestContext ctx) {
    // 5/h spaces charges 12 min apart, 2/h 30 min: after one 5/h charge (TAT +12 min), a 2/h
    // request fits (TAT +42 min, within its 60 min burst) and leaves none; a second one does not;
    // a 5/h one still fits (TAT +54 min) with no room left.
    RateLimitBucket loose = hourly("ip:a", 5);
    RateLimitBucket tight = hourly("ip:a", 2);
    limiter().acquireAll(List.of(request(loose), request(tight), request(tight), request(loose)))
        .onComplete(ctx.succeeding(d -> ctx.verify(() -> {
          assertThat(d).extracting(RateLimitDecision::allowed).containsExactly(true, true, false, true);
          assertThat(d).extracting(RateLimitDecision::remaining).containsExactly(4, 0, 0, 0);
          assertThat(d.get(2).retryAfterMillis()).isBetween(710_000L, 720_000L);
          ctx.completeNow();
        })));
  }

  @Test
  void shouldAnswerEachRequestOfABatchInItsOwnPlace(Vertx vertx, VertxTestContext ctx) {
    limiter().acquireAll(List.of(request(hourly("ip:a", 3)), request(hourly("ip:b", 7)), request(hourly("ip:c", 1)),
            request(hourly("ip:c", 1)), request(hourly("ip:d", 5), hourly("ip:e", 9))))
        .onComplete(ctx.succeeding(d -> ctx.verify(() -> {
          assertThat(d).extracting(RateLimitDecision::limit).containsExactly(3, 7, 1, 1, 5);
          assertThat(d).extracting(RateLimitDecision::remaining).containsExactly(2, 6, 0, 0, 4);
          assertThat(d).extracting(RateLimitDecision::allowed).containsExactly(true, true, true, false, true);
          ctx.completeNow();
        })));
  }

  @Test
  void shouldCarryChargesFromOneBatchToTheNext(Vertx vertx, VertxTestContext ctx) {
    RateLimiter limiter = limiter();
    RateLimitBucket two = hourly("ip:a", 2);
    limiter.acquireAll(List.of(request(two)))
        .compose(first -> limiter.acquireAll(List.of(request(two), request(two))))
        .onComplete(ctx.succeeding(d -> ctx.verify(() -> {
          assertThat(d).extracting(RateLimitDecision::allowed).containsExactly(true, false);
          ctx.completeNow();
        })));
  }

  @Test
  void shouldAnswerAnEmptyBatchWithNoDecisions(Vertx vertx, VertxTestContext ctx) {
    limiter().acquireAll(List.of())
        .onComplete(ctx.succeeding(d -> ctx.verify(() -> {
          assertThat(d).isEmpty();
          ctx.completeNow();
        })));
  }

  @Test
  void shouldFailABatchWithAnEmptyRequestAndChargeNothing(Vertx vertx, VertxTestContext ctx) {
    RateLimiter limiter = limiter();
    limiter.acquireAll(List.of(request(hourly("ip:a", 1)), new RateLimitRequest(List.of())))
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          assertThat(err).isInstanceOf(IllegalArgumentException.class);
          limiter.acquire(List.of(hourly("ip:a", 1))).onComplete(ctx.succeeding(d -> ctx.verify(() -> {
            assertThat(d.allowed()).as("the valid request of the failed batch charged nothing").isTrue();
            ctx.completeNow();
          })));
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
