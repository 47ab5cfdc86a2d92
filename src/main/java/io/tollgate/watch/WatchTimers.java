package io.tollgate.watch;

import java.time.Duration;

/**
 * The timers a {@link WatchSchedule} sets. The verticle's are Vert.x timers on its own context;
 * tests fire them by hand, so the schedule's timing is checked without sleeping.
 */
interface WatchTimers {
  /** Runs {@code task} once after {@code delay}; returns an id for {@link #cancel}. */
  long once(Duration delay, Runnable task);

  /** Runs {@code task} every {@code interval}; returns an id for {@link #cancel}. */
  long every(Duration interval, Runnable task);

  void cancel(long id);
}
