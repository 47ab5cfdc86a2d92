package io.tollgate.console;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Status polls per second on this instance, from the {@code tollgate.status.polls} counters:
 * sampled when asked (at most once a second), the rate over the samples of the last minute. Null
 * until two samples a second apart exist: the console's first look says "measuring".
 */
final class PollRate {
  private static final Duration WINDOW = Duration.ofSeconds(60);

  private record Sample(Instant at, double total) {}

  private final MeterRegistry meters;
  private final Deque<Sample> samples = new ArrayDeque<>();

  PollRate(MeterRegistry meters) {
    this.meters = meters;
  }

  synchronized Double perSecond(Instant now) {
    double total = 0;
    boolean any = false;
    for (FunctionCounter c : meters.find("tollgate.status.polls").functionCounters()) {
      total += c.count();
      any = true;
    }
    if (!any) return null;
    Sample last = samples.peekLast();
    if (last == null || Duration.between(last.at, now).toMillis() >= 1000) samples.addLast(new Sample(now, total));
    while (samples.size() > 2 && samples.peekFirst().at.isBefore(now.minus(WINDOW))) samples.removeFirst();
    Sample first = samples.peekFirst();
    Sample newest = samples.peekLast();
    double span = Duration.between(first.at, newest.at).toMillis() / 1000.0;
    return span < 1 ? null : Math.round((newest.total - first.total) / span * 10) / 10.0;
  }
}
