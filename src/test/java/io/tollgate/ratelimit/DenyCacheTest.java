package io.tollgate.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DenyCacheTest {
  private static final RateLimitBucket IP = new RateLimitBucket("ip:a", 60, Duration.ofMinutes(1));
  private static final RateLimitBucket CHECKOUT = new RateLimitBucket("checkout:1", 120, Duration.ofMinutes(5));

  private final AtomicLong nanos = new AtomicLong(Long.MAX_VALUE - 5_000_000_000L); // nanoTime may wrap
  private final DenyCache cache = new DenyCache(100, nanos::get);

  private static Gcra.Outcome allowed(int limit) {
    return new Gcra.Outcome(limit, 0, 3, 50_000, 0);
  }

  private static Gcra.Outcome refused(int limit, long retryAfterMicros, long resetMicros) {
    return new Gcra.Outcome(limit, retryAfterMicros, 0, resetMicros, 0);
  }

  private void elapseMicros(long micros) {
    nanos.addAndGet(micros * 1_000);
  }

  @Test
  void shouldRefuseABucketUntilItsDeadlineCountedFromWhenTheCallWasSent() {
    long sentAt = nanos.get();
    elapseMicros(300); // the reply arrives later than Redis read its clock: the deadline ignores that
    cache.remember(List.of(IP), List.of(refused(60, 2_000, 60_000_000)), sentAt);

    RateLimitDecision local = cache.refusal(List.of(IP));
    assertThat(local).isEqualTo(new RateLimitDecision(false, 2, 60, 0, 60_000));

    elapseMicros(1_699);
    assertThat(cache.refusal(List.of(IP))).as("1 µs before the deadline").isNotNull();
    assertThat(cache.refusal(List.of(IP)).retryAfterMillis()).as("rounded up, never 0").isEqualTo(1);
    elapseMicros(1);
    assertThat(cache.refusal(List.of(IP))).as("at the deadline Redis decides").isNull();
    assertThat(cache.size()).as("an ended refusal is dropped when met").isZero();
  }

  @Test
  void shouldRefuseAnyRequestNamingARefusedBucketAndReportTheLatestDeadline() {
    long sentAt = nanos.get();
    cache.remember(List.of(IP, CHECKOUT), List.of(refused(60, 5_000_000, 60_000_000), refused(120, 9_000_000, 300_000_000)),
        sentAt);
    assertThat(cache.refusal(List.of(new RateLimitBucket("ip:b", 60, Duration.ofMinutes(1)), CHECKOUT)))
        .isEqualTo(new RateLimitDecision(false, 9_000, 120, 0, 300_000));
    assertThat(cache.refusal(List.of(IP, CHECKOUT)).retryAfterMillis()).isEqualTo(9_000);
    assertThat(cache.refusal(List.of(IP)).retryAfterMillis()).isEqualTo(5_000);
  }

  @Test
  void shouldRememberOnlyRefusingBuckets() {
    cache.remember(List.of(IP, CHECKOUT), List.of(allowed(60), refused(120, 1_000_000, 300_000_000)), nanos.get());
    assertThat(cache.refusal(List.of(IP))).isNull();
    assertThat(cache.size()).isEqualTo(1);
  }

  @Test
  void shouldNotRememberTheRefusalOfAKeysSecondMention() {
    // The second mention was checked against the first mention's charge, which was never made.
    cache.remember(List.of(IP, IP), List.of(allowed(60), refused(60, 1_000_000, 60_000_000)), nanos.get());
    assertThat(cache.refusal(List.of(IP))).isNull();
    assertThat(cache.size()).isZero();
  }

  @Test
  void shouldTreatTheSameKeyUnderAnotherLimitOrPeriodAsAnotherBucket() {
    cache.remember(List.of(IP), List.of(refused(60, 1_000_000, 60_000_000)), nanos.get());
    assertThat(cache.refusal(List.of(new RateLimitBucket("ip:a", 61, Duration.ofMinutes(1))))).isNull();
    assertThat(cache.refusal(List.of(new RateLimitBucket("ip:a", 60, Duration.ofMinutes(2))))).isNull();
    assertThat(cache.refusal(List.of(new RateLimitBucket("ip:a", 60, Duration.ofSeconds(60))))).isNotNull();
  }

  @Test
  void shouldKeepTheLaterOfTwoDeadlinesForOneBucket() {
    long sentAt = nanos.get();
    cache.remember(List.of(IP), List.of(refused(60, 4_000_000, 60_000_000)), sentAt);
    cache.remember(List.of(IP), List.of(refused(60, 1_000_000, 60_000_000)), sentAt);
    assertThat(cache.refusal(List.of(IP)).retryAfterMillis()).isEqualTo(4_000);
  }

  @Test
  void shouldRememberNothingWhenOff() {
    DenyCache off = new DenyCache(0, nanos::get);
    off.remember(List.of(IP), List.of(refused(60, 1_000_000, 60_000_000)), nanos.get());
    assertThat(off.refusal(List.of(IP))).isNull();
    assertThat(off.size()).isZero();
  }

  @Test
  void shouldStopRememberingWhenFullUntilASweepMakesRoom() {
    DenyCache small = new DenyCache(2, nanos::get);
    for (int i = 0; i < 3; i++) {
      small.remember(List.of(new RateLimitBucket("ip:" + i, 1, Duration.ofSeconds(10))),
          List.of(refused(1, 1_000_000 * (i + 1), 10_000_000)), nanos.get());
    }
    assertThat(small.size()).as("the first sweep found nothing ended").isEqualTo(2);

    elapseMicros(1_500_000); // ip:0's refusal ended; a sweep may run again after a second
    RateLimitBucket late = new RateLimitBucket("ip:late", 1, Duration.ofSeconds(10));
    small.remember(List.of(late), List.of(refused(1, 5_000_000, 10_000_000)), nanos.get());
    assertThat(small.refusal(List.of(late))).isNotNull();
    assertThat(small.size()).isEqualTo(2);
  }
}
