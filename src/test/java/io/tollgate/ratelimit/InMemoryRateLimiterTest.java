package io.tollgate.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class InMemoryRateLimiterTest extends RateLimiterContract {
  private final AtomicLong nanos = new AtomicLong(-5_000_000_000L); // nanoTime may be negative
  private InMemoryRateLimiter limiter;

  @BeforeEach
  void setUp() {
    limiter = new InMemoryRateLimiter(nanos::get, 1_000);
  }

  @Override
  RateLimiter limiter() {
    return limiter;
  }

  @Override
  Future<Void> elapse(Vertx vertx, long millis) {
    nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    return Future.succeededFuture();
  }

  private RateLimitDecision acquire(RateLimitBucket... buckets) {
    return limiter.acquire(List.of(buckets)).result();
  }

  @Test
  void shouldGiveExactRetryAfterAndRefillEvenly() {
    RateLimitBucket bucket = new RateLimitBucket("ip:a", 4, Duration.ofSeconds(1));
    for (int i = 0; i < 4; i++) assertThat(acquire(bucket).allowed()).isTrue();
    elapse(null, 100);

    RateLimitDecision refused = acquire(bucket);
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.retryAfterMillis()).isEqualTo(150);
    assertThat(refused.resetMillis()).isEqualTo(900);

    elapse(null, 149);
    assertThat(acquire(bucket).allowed()).as("1 ms early").isFalse();
    elapse(null, 1);
    assertThat(acquire(bucket).allowed()).isTrue();
    elapse(null, 1_000);
    RateLimitDecision full = acquire(bucket);
    assertThat(full.remaining()).as("a full second refills the whole burst, no more").isEqualTo(3);
  }

  @Test
  void shouldSweepBucketsThatHaveRefilled() {
    for (int i = 0; i < 10; i++) acquire(new RateLimitBucket("ip:" + i, 5, Duration.ofSeconds(1)));
    assertThat(limiter.size()).isEqualTo(10);

    elapse(null, InMemoryRateLimiter.SWEEP_INTERVAL_MICROS / 1_000);
    acquire(new RateLimitBucket("ip:new", 5, Duration.ofHours(1)));

    assertThat(limiter.size()).isEqualTo(1);
  }

  @Test
  void shouldHoldNoMoreThanMaxBuckets() {
    InMemoryRateLimiter small = new InMemoryRateLimiter(nanos::get, 3);
    for (int i = 0; i < 10; i++) small.acquire(List.of(hourly("ip:" + i, 5)));
    assertThat(small.size()).isEqualTo(3);
  }

  @Test
  void shouldAllowExactlyLimitUnderConcurrentAcquires() throws Exception {
    InMemoryRateLimiter real = new InMemoryRateLimiter();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch start = new CountDownLatch(1);
    AtomicInteger allowed = new AtomicInteger();
    try {
      for (int i = 0; i < 200; i++) {
        pool.execute(() -> {
          try {
            start.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          if (real.acquire(List.of(hourly("ip:a", 50))).result().allowed()) allowed.incrementAndGet();
        });
      }
      start.countDown();
    } finally {
      pool.shutdown();
      assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(allowed).hasValue(50);
  }
}
