package io.tollgate.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import org.junit.jupiter.api.Test;

class RateLimitHeadersTest {

  @Test
  void shouldDescribeTheBucketWithoutRetryAfterWhenAllowed() {
    assertThat(RateLimitHeaders.of(new RateLimitDecision(true, 0, 60, 59, 1_000)))
        .containsExactly(entry("RateLimit-Limit", "60"), entry("RateLimit-Remaining", "59"), entry("RateLimit-Reset", "1"));
  }

  @Test
  void shouldRoundRetryAfterAndResetUpToWholeSeconds() {
    assertThat(RateLimitHeaders.of(new RateLimitDecision(false, 1_001, 60, 0, 59_500)))
        .containsEntry("Retry-After", "2")
        .containsEntry("RateLimit-Reset", "60")
        .containsEntry("RateLimit-Remaining", "0");
  }

  @Test
  void shouldNeverSayRetryAfterZero() {
    assertThat(RateLimitHeaders.of(new RateLimitDecision(false, 0, 1, 0, 0)))
        .containsEntry("Retry-After", "1")
        .containsEntry("RateLimit-Reset", "0");
  }

  @Test
  void shouldKeepExactSeconds() {
    assertThat(RateLimitHeaders.of(new RateLimitDecision(false, 3_000, 1, 0, 3_000)))
        .containsEntry("Retry-After", "3")
        .containsEntry("RateLimit-Reset", "3");
  }
}
