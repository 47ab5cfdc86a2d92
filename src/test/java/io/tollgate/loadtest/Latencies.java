package io.tollgate.loadtest;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/** Latency samples (microseconds) and outcome counts of one endpoint. Thread-safe. */
final class Latencies {
  final String name;
  private long[] samples = new long[1 << 14];
  /** Each sample's second on the timeline (by completion), or -1 before it started. */
  private int[] secondOf = new int[1 << 14];
  private int size;
  private final Map<String, Long> outcomes = new TreeMap<>();
  /** Per second since {@link #origin} (by completion): answers, the slowest, and those over {@link #SLOW_MICROS}. */
  private long origin = Long.MIN_VALUE;
  private final long[] perSecond = new long[4000];
  private final long[] maxPerSecond = new long[4000];
  private final long[] slowPerSecond = new long[4000];
  static final long SLOW_MICROS = 50_000;

  Latencies(String name) {
    this.name = name;
  }

  synchronized void record(long startNanos, String outcome) {
    if (size == samples.length) {
      samples = Arrays.copyOf(samples, size * 2);
      secondOf = Arrays.copyOf(secondOf, size * 2);
    }
    long now = System.nanoTime();
    long micros = (now - startNanos) / 1_000;
    secondOf[size] = -1;
    samples[size++] = micros;
    if (origin != Long.MIN_VALUE && now >= origin) {
      int second = (int) Math.min(perSecond.length - 1, (now - origin) / 1_000_000_000L);
      secondOf[size - 1] = second;
      perSecond[second]++;
      maxPerSecond[second] = Math.max(maxPerSecond[second], micros);
      if (micros > SLOW_MICROS) slowPerSecond[second]++;
    }
    outcomes.merge(outcome, 1L, Long::sum);
  }

  /** Starts the per-second timeline at {@code originNanos} (a {@link System#nanoTime} reading). */
  synchronized void timeline(long originNanos) {
    origin = originNanos;
  }

  /** Second {@code s} of the timeline: answers, the slowest (ms), answers slower than 50 ms. */
  synchronized long[] second(int s) {
    return new long[] {perSecond[s], maxPerSecond[s] / 1_000, slowPerSecond[s]};
  }

  synchronized int count() {
    return size;
  }

  synchronized long count(String outcome) {
    return outcomes.getOrDefault(outcome, 0L);
  }

  synchronized Map<String, Long> outcomes() {
    return new TreeMap<>(outcomes);
  }

  /** p in [0, 100]; milliseconds. */
  synchronized double percentileMillis(double p) {
    if (size == 0) return Double.NaN;
    long[] sorted = Arrays.copyOf(samples, size);
    Arrays.sort(sorted);
    int idx = (int) Math.min(size - 1, Math.max(0, Math.ceil(p / 100.0 * size) - 1));
    return sorted[idx] / 1000.0;
  }

  /** The latencies (microseconds) of the samples completed in the seconds {@code during} accepts. */
  synchronized long[] during(java.util.function.IntPredicate during) {
    long[] out = new long[size];
    int n = 0;
    for (int i = 0; i < size; i++) {
      if (secondOf[i] >= 0 && during.test(secondOf[i])) out[n++] = samples[i];
    }
    return Arrays.copyOf(out, n);
  }

  String row(double seconds) {
    return String.format("| %s | %,d | %,.0f | %.2f | %.2f | %.2f | %.2f | %s |", name, count(), count() / seconds,
        percentileMillis(50), percentileMillis(99), percentileMillis(99.9), percentileMillis(100), outcomes());
  }

  static String header() {
    return "| endpoint | requests | req/s (over the phase) | p50 ms | p99 ms | p99.9 ms | max ms | outcomes |\n"
        + "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |";
  }
}
