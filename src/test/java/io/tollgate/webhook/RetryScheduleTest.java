package io.tollgate.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {
  static final Instant T = Instant.parse("2026-03-01T12:00:00Z");
  final RetrySchedule schedule = RetrySchedule.standard();

  @Test
  void followsTheStandardScheduleThenGivesUpAfterTheEighthAttempt() {
    List<Duration> waits = new ArrayList<>();
    Instant last = T;
    for (int made = 1; ; made++) {
      Optional<Instant> next = schedule.nextAttemptAt(made, last, Optional.empty());
      if (next.isEmpty()) {
        assertThat(made).isEqualTo(8);
        break;
      }
      waits.add(Duration.between(last, next.get()));
      last = next.get();
    }
    assertThat(waits).containsExactly(Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofMinutes(30),
        Duration.ofHours(2), Duration.ofHours(5), Duration.ofHours(10), Duration.ofHours(10));
    assertThat(schedule.delayBefore(1)).isZero();
    assertThat(schedule.maxAttempts()).isEqualTo(8);
  }

  @Test
  void retryAfterCanOnlyDelayAndIsBounded() {
    // Later than the 5 s step: honoured.
    assertThat(schedule.nextAttemptAt(1, T, Optional.of(Duration.ofSeconds(120)))).contains(T.plusSeconds(120));
    // Earlier than the 30 min step: the schedule wins.
    assertThat(schedule.nextAttemptAt(3, T, Optional.of(Duration.ofSeconds(1)))).contains(T.plus(Duration.ofMinutes(30)));
    // Absurd: capped at 10 h.
    assertThat(schedule.nextAttemptAt(1, T, Optional.of(Duration.ofDays(365)))).contains(T.plus(Duration.ofHours(10)));
    // Never resurrects an exhausted delivery.
    assertThat(schedule.nextAttemptAt(8, T, Optional.of(Duration.ofSeconds(1)))).isEmpty();
  }

  @Test
  void parsesRetryAfterSecondsAndHttpDates() {
    assertThat(RetrySchedule.parseRetryAfter("120", T)).contains(Duration.ofSeconds(120));
    assertThat(RetrySchedule.parseRetryAfter(" 0 ", T)).contains(Duration.ZERO);
    assertThat(RetrySchedule.parseRetryAfter("Sun, 01 Mar 2026 12:10:00 GMT", T)).contains(Duration.ofMinutes(10));
    assertThat(RetrySchedule.parseRetryAfter("Sun, 01 Mar 2026 11:00:00 GMT", T)).contains(Duration.ZERO);
    assertThat(RetrySchedule.parseRetryAfter("soon", T)).isEmpty();
    assertThat(RetrySchedule.parseRetryAfter("-5", T)).isEmpty();
    assertThat(RetrySchedule.parseRetryAfter("99999999999999999999", T)).isEmpty();
    assertThat(RetrySchedule.parseRetryAfter(null, T)).isEmpty();
  }

  @Test
  void endpointsAreDisabledAfterFiveDaysOfFailure() {
    assertThat(RetrySchedule.endpointFailingTooLong(T, T.plus(Duration.ofDays(5)).minusSeconds(1))).isFalse();
    assertThat(RetrySchedule.endpointFailingTooLong(T, T.plus(Duration.ofDays(5)))).isTrue();
  }
}
