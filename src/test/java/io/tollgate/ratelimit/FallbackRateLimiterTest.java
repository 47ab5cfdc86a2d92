package io.tollgate.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The shared limiter while it answers, this instance's own while it does not, and back. */
class FallbackRateLimiterTest {
  private final AtomicLong now = new AtomicLong(1_000);
  private final AtomicBoolean redisUp = new AtomicBoolean(true);
  private final AtomicInteger sharedCalls = new AtomicInteger();
  private final RateLimiter shared = buckets -> {
    sharedCalls.incrementAndGet();
    return redisUp.get() ? Future.succeededFuture(new RateLimitDecision(true, 0, 0, 0, 0))
        : Future.failedFuture(new RateLimiterUnavailableException("connection refused", null));
  };
  private final FallbackRateLimiter limiter = new FallbackRateLimiter(shared, new InMemoryRateLimiter(now::get, 1000),
      Duration.ofSeconds(5), now::get);
  private final List<RateLimitBucket> oneAMinute = List.of(new RateLimitBucket("client:1", 1, Duration.ofMinutes(1)));

  private RateLimitDecision decide() {
    Future<RateLimitDecision> f = limiter.acquire(oneAMinute);
    assertThat(f.succeeded()).as("a decision is always made: %s", f.cause()).isTrue();
    return f.result();
  }

  @Test
  void whileRedisIsDownTheLimitsStayInForceInThisInstanceAndRedisIsAskedAgainLater() {
    redisUp.set(false);
    assertThat(decide().allowed()).as("first request, decided locally").isTrue();
    assertThat(limiter.degraded()).isTrue();
    assertThat(decide().allowed()).as("the local limit of one a minute holds").isFalse();
    assertThat(sharedCalls.get()).as("Redis is not asked again before the retry time").isEqualTo(1);

    redisUp.set(true);
    now.addAndGet(Duration.ofSeconds(6).toNanos());
    assertThat(decide().allowed()).isTrue();
    assertThat(sharedCalls.get()).isEqualTo(2);
    assertThat(limiter.degraded()).as("back to the shared limits").isFalse();
  }

  @Test
  void aFailureThatIsNotAnOutageIsPassedOn() {
    FallbackRateLimiter strict = new FallbackRateLimiter(b -> Future.failedFuture(new IllegalArgumentException("no buckets")),
        new InMemoryRateLimiter(), Duration.ofSeconds(5), now::get);
    assertThat(strict.acquire(oneAMinute).cause()).isInstanceOf(IllegalArgumentException.class);
    assertThat(strict.degraded()).isFalse();
  }
}
