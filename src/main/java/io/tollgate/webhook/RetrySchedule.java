package io.tollgate.webhook;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

/**
 * When to try a delivery again. The standard schedule (Svix's): immediately, then 5 s, 5 min,
 * 30 min, 2 h, 5 h, 10 h, 10 h after each failure; after the eighth failed attempt, give up.
 *
 * <p>A receiver's {@code Retry-After} can only push the next attempt later, never earlier, and is
 * capped ({@link #DEFAULT_MAX_RETRY_AFTER}) so a hostile or buggy header cannot park a delivery
 * for months.
 */
final class RetrySchedule {
  static final List<Duration> STANDARD_DELAYS = List.of(
      Duration.ZERO,
      Duration.ofSeconds(5),
      Duration.ofMinutes(5),
      Duration.ofMinutes(30),
      Duration.ofHours(2),
      Duration.ofHours(5),
      Duration.ofHours(10),
      Duration.ofHours(10));
  static final Duration DEFAULT_MAX_RETRY_AFTER = Duration.ofHours(10);
  /** An endpoint whose deliveries have failed continuously this long is disabled. */
  static final Duration DISABLE_ENDPOINT_AFTER = Duration.ofDays(5);

  private final List<Duration> delays;
  private final Duration maxRetryAfter;

  RetrySchedule(List<Duration> delays, Duration maxRetryAfter) {
    if (delays.isEmpty() || delays.stream().anyMatch(Duration::isNegative) || maxRetryAfter.isNegative()) {
      throw new IllegalArgumentException("delays must be non-empty and non-negative");
    }
    this.delays = List.copyOf(delays);
    this.maxRetryAfter = maxRetryAfter;
  }

  static RetrySchedule standard() {
    return new RetrySchedule(STANDARD_DELAYS, DEFAULT_MAX_RETRY_AFTER);
  }

  int maxAttempts() {
    return delays.size();
  }

  /** The scheduled wait before attempt number {@code attempt} (1-based; attempt 1 waits zero). */
  Duration delayBefore(int attempt) {
    if (attempt < 1 || attempt > delays.size()) {
      throw new IllegalArgumentException("attempt must be 1.." + delays.size());
    }
    return delays.get(attempt - 1);
  }

  /**
   * When to make the next attempt after {@code attemptsMade} attempts, the last of which failed
   * retryably at {@code lastAttemptAt}; empty when the schedule is exhausted (give up).
   */
  Optional<Instant> nextAttemptAt(int attemptsMade, Instant lastAttemptAt, Optional<Duration> retryAfter) {
    if (attemptsMade < 1) {
      throw new IllegalArgumentException("at least one attempt must have been made");
    }
    if (attemptsMade >= delays.size()) {
      return Optional.empty();
    }
    Duration wait = delayBefore(attemptsMade + 1);
    Duration asked = retryAfter.filter(d -> !d.isNegative()).orElse(Duration.ZERO);
    if (asked.compareTo(maxRetryAfter) > 0) {
      asked = maxRetryAfter;
    }
    return Optional.of(lastAttemptAt.plus(asked.compareTo(wait) > 0 ? asked : wait));
  }

  /** True once an endpoint has failed without a single success for {@link #DISABLE_ENDPOINT_AFTER}. */
  static boolean endpointFailingTooLong(Instant failingSince, Instant now) {
    return !now.isBefore(failingSince.plus(DISABLE_ENDPOINT_AFTER));
  }

  /**
   * Parses {@code Retry-After}: delta-seconds or an HTTP-date (RFC 9110). A date in the past
   * means zero; anything unparseable is ignored (empty) rather than trusted.
   */
  static Optional<Duration> parseRetryAfter(String header, Instant now) {
    if (header == null) {
      return Optional.empty();
    }
    String value = header.trim();
    if (!value.isEmpty() && value.length() <= 10 && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return Optional.of(Duration.ofSeconds(Long.parseLong(value)));
    }
    try {
      Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      return Optional.of(at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
