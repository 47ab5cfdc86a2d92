package io.tollgate.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The shared limiter while it answers, this instance's own while it does not (refused or hanging), and back. */
class FallbackRateLimiterTest {
  private enum Redis { UP, REFUSING, HANGING }

  private final AtomicLong now = new AtomicLong(1_000);
  private final AtomicReference<Redis> redis = new AtomicReference<>(Redis.UP);
  private final AtomicInteger sharedCalls = new AtomicInteger();
  private final List<Promise<RateLimitDecision>> hanging = new ArrayList<>();
  /** Scheduled timeouts, run by the test when it says time has passed. */
  private final List<Runnable> timers = new ArrayList<>();
  private final RateLimiter shared = buckets -> {
    sharedCalls.incrementAndGet();
    return switch (redis.get()) {
      case UP -> Future.succeededFuture(new RateLimitDecision(true, 0, 0, 0, 0));
      case REFUSING -> Future.failedFuture(new RateLimiterUnavailableException("connection refused", null));
      case HANGING -> {
        Promise<RateLimitDecision> p = Promise.promise();
        hanging.add(p);
        yield p.future();
      }
    };
  };
  private final FallbackRateLimiter limiter = new FallbackRateLimiter(shared, new InMemoryRateLimiter(now::get, 1000),
      Duration.ofSeconds(5), Duration.ofMillis(300), (delay, task) -> {
        timers.add(task);
        return () -> timers.remove(task);
      }, now::get);
  private final List<RateLimitBucket> oneAMinute = List.of(new RateLimitBucket("client:1", 1, Duration.ofMinutes(1)));

  private RateLimitDecision decide() {
    Future<RateLimitDecision> f = limiter.acquire(oneAMinute);
    assertThat(f.succeeded()).as("a decision is always made at once: %s", f.cause()).isTrue();
    return f.result();
  }

  private void timeoutsPass() {
    now.addAndGet(Duration.ofMillis(300).toNanos());
    new ArrayList<>(timers).forEach(Runnable::run);
  }

  @Test
  void whileRedisIsDownTheLimitsStayInForceInThisInstanceAndRedisIsAskedAgainLater() {
    redis.set(Redis.REFUSING);
    assertThat(decide().allowed()).as("first request, decided locally").isTrue();
    assertThat(limiter.degraded()).isTrue();
    assertThat(decide().allowed()).as("the local limit of one a minute holds").isFalse();
    assertThat(sharedCalls.get()).as("Redis is not asked again before the retry time").isEqualTo(1);
    assertThat(limiter.fallbacks()).isEqualTo(2);

    redis.set(Redis.UP);
    now.addAndGet(Duration.ofSeconds(6).toNanos());
    assertThat(decide().allowed()).isTrue();
    assertThat(sharedCalls.get()).isEqualTo(2);
    assertThat(limiter.degraded()).as("back to the shared limits").isFalse();
  }

  @Test
  void aHangingRedisIsGivenUpOnAfterTheTimeoutAndProbedByOneCallAtATime() {
    redis.set(Redis.HANGING);
    Future<RateLimitDecision> first = limiter.acquire(oneAMinute);
    assertThat(first.isComplete()).as("waiting for Redis, within the timeout").isFalse();

    timeoutsPass();
    assertThat(first.succeeded()).as("decided locally once the timeout passed").isTrue();
    assertThat(first.result().allowed()).isTrue();
    assertThat(limiter.degraded()).isTrue();
    assertThat(decide().allowed()).as("decided at once, locally, with the limit in force").isFalse();

    now.addAndGet(Duration.ofSeconds(6).toNanos());
    Future<RateLimitDecision> probe = limiter.acquire(oneAMinute);
    assertThat(probe.isComplete()).as("the probe waits for Redis").isFalse();
    assertThat(decide().allowed()).as("others are not held behind the probe").isFalse();
    assertThat(sharedCalls.get()).as("one probe at a time").isEqualTo(2);

    timeoutsPass();
    assertThat(probe.succeeded()).isTrue();
    assertThat(limiter.degraded()).isTrue();

    redis.set(Redis.UP);
    hanging.forEach(p -> p.tryFail("closed"));
    now.addAndGet(Duration.ofSeconds(6).toNanos());
    assertThat(decide().allowed()).as("Redis answers again").isTrue();
    assertThat(limiter.degraded()).isFalse();
    assertThat(timers).as("no timeout left behind").isEmpty();
  }

  @Test
  void aFailureThatIsNotAnOutageIsPassedOn() {
    FallbackRateLimiter strict = new FallbackRateLimiter(b -> Future.failedFuture(new IllegalArgumentException("no buckets")),
        new InMemoryRateLimiter(), Duration.ofSeconds(5), Duration.ofMillis(300), (d, t) -> () -> { }, now::get);
    assertThat(strict.acquire(oneAMinute).cause()).isInstanceOf(IllegalArgumentException.class);
    assertThat(strict.degraded()).isFalse();
  }
}
