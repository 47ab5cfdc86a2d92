package io.tollgate.http.hotpath;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One log line per kind per period: what a client can trigger at will must not be able to fill
 * the disk. Thread-safe; the number of kinds is capped (past it, every kind shares one slot).
 */
public final class LogLimiter {
  private record Slot(AtomicLong windowStart, AtomicLong suppressed) {}

  private final long periodNanos;
  private final int maxKinds;
  private final ConcurrentHashMap<String, Slot> slots = new ConcurrentHashMap<>();

  public LogLimiter(Duration period, int maxKinds) {
    this.periodNanos = period.toNanos();
    this.maxKinds = maxKinds;
  }

  /**
   * @return -1 when this occurrence must not be logged; otherwise how many of its kind were not
   *     logged since the last line
   */
  public long admit(String kind) {
    String key = slots.size() >= maxKinds && !slots.containsKey(kind) ? "(other)" : kind;
    Slot slot = slots.computeIfAbsent(key, k -> new Slot(new AtomicLong(System.nanoTime() - periodNanos), new AtomicLong()));
    long now = System.nanoTime();
    long start = slot.windowStart().get();
    if (now - start >= periodNanos && slot.windowStart().compareAndSet(start, now)) {
      return slot.suppressed().getAndSet(0);
    }
    slot.suppressed().incrementAndGet();
    return -1;
  }
}
