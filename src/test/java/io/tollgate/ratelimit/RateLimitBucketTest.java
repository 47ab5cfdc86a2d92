package io.tollgate.ratelimit;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateLimitBucketTest {

  @Test
  void shouldRefuseBucketsNoLimiterCouldHonour() {
    assertThatThrownBy(() -> new RateLimitBucket(" ", 1, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RateLimitBucket("k", 0, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RateLimitBucket("k", 1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RateLimitBucket("k", 1, Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RateLimitBucket("k", 1_001, Duration.ofMillis(1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RateLimitBucket("k", 1, Duration.ofDays(400))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RateLimitBucket(null, 1, Duration.ofSeconds(1))).isInstanceOf(NullPointerException.class);
  }

  @Test
  void shouldAcceptTheShopsLimits() {
    assertThatCode(() -> new RateLimitBucket("verify:ref", 120, Duration.ofMinutes(5))).doesNotThrowAnyException();
    assertThatCode(() -> new RateLimitBucket("ip:203.0.113.7", 60, Duration.ofMinutes(1))).doesNotThrowAnyException();
    assertThatCode(() -> new RateLimitBucket("k", 1_000, Duration.ofMillis(1))).doesNotThrowAnyException();
  }
}
