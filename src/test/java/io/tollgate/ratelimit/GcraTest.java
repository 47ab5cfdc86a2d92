package io.tollgate.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class GcraTest {

  @Test
  void shouldAllowExactlyLimitEvenWhenThePeriodDoesNotDivideEvenly() {
    // 4 per 10 µs: interval 2 µs; an unrounded capacity of 10 µs would admit a fifth request.
    long tat = 0;
    int allowed = 0;
    for (int i = 0; i < 6; i++) {
      Gcra.Outcome o = Gcra.check(tat, 0, 4, 10);
      if (o.allowed()) {
        allowed++;
        tat = o.newTat();
      }
    }
    assertThat(allowed).isEqualTo(4);
  }

  @Test
  void shouldTreatAPastTatAsAFullBucket() {
    Gcra.Outcome stale = Gcra.check(-1_000_000, 5_000, 10, 1_000_000);
    Gcra.Outcome fresh = Gcra.check(5_000, 5_000, 10, 1_000_000);
    assertThat(stale).isEqualTo(fresh);
    assertThat(fresh.remaining()).isEqualTo(9);
    assertThat(fresh.resetMicros()).isEqualTo(100_000);
  }

  @Test
  void shouldRoundRetryAfterUpToWholeMillis() {
    RateLimitDecision d = Gcra.decide(List.of(new Gcra.Outcome(1, 1_001, 0, 2_000, 0)));
    assertThat(d.retryAfterMillis()).isEqualTo(2);
    assertThat(d.allowed()).isFalse();
  }

  @Test
  void shouldPreferTheLaterResetAmongEquallyDrainedBuckets() {
    RateLimitDecision d = Gcra.decide(List.of(
        new Gcra.Outcome(5, 0, 1, 1_000_000, 0), new Gcra.Outcome(7, 0, 1, 9_000_000, 0)));
    assertThat(d.limit()).isEqualTo(7);
  }
}
