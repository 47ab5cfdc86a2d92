package io.tollgate.watch;

import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;

/** Timers on a clock that moves only when a test says so; due timers fire in order of due time. */
final class FakeTimers implements WatchTimers {
  private record Timer(long due, long every, Runnable task) {}

  private final Map<Long, Timer> timers = new LinkedHashMap<>();
  private long now;
  private long nextId;

  @Override
  public long once(Duration delay, Runnable task) {
    timers.put(nextId, new Timer(now + delay.toMillis(), 0, task));
    return nextId++;
  }

  @Override
  public long every(Duration interval, Runnable task) {
    timers.put(nextId, new Timer(now + interval.toMillis(), interval.toMillis(), task));
    return nextId++;
  }

  @Override
  public void cancel(long id) {
    timers.remove(id);
  }

  /** Moves the clock on by {@code by}, firing every timer that falls due meanwhile. */
  void advance(Duration by) {
    long until = now + by.toMillis();
    while (true) {
      Map.Entry<Long, Timer> next = timers.entrySet().stream()
          .filter(e -> e.getValue().due() <= until)
          .min(Comparator.<Map.Entry<Long, Timer>>comparingLong(e -> e.getValue().due()).thenComparing(Map.Entry::getKey))
          .orElse(null);
      if (next == null) break;
      Timer timer = next.getValue();
      now = timer.due();
      if (timer.every() > 0) {
        timers.put(next.getKey(), new Timer(timer.due() + timer.every(), timer.every(), timer.task()));
      } else {
        timers.remove(next.getKey());
      }
      timer.task().run();
    }
    now = until;
  }

  /** Timers set and not yet fired or cancelled. */
  int pending() {
    return timers.size();
  }
}
