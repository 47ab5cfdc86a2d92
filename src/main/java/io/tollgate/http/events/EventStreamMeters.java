package io.tollgate.http.events;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What every HTTP verticle's streams share: the instance-wide count of open streams (the bound of
 * {@link EventStreamSettings#maxStreams()}) and the metrics: {@code tollgate_sse_streams_open},
 * {@code tollgate_sse_events_sent_total}, {@code tollgate_sse_streams_dropped_total{reason}} ({@code
 * slow}: backlog over {@code http.events.write-queue-bytes}; {@code stalled}: nothing moved for
 * {@code http.events.stall-ms}), {@code tollgate_sse_streams_refused_total} and {@code
 * tollgate_sse_queued_bytes} (written to streams, not yet taken by their sockets: the memory slow
 * readers hold). Thread-safe; built once by the composition root.
 */
public final class EventStreamMeters {
  private final int max;
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicLong queued = new AtomicLong();
  final Counter sent;
  final Counter droppedSlow;
  final Counter droppedStalled;
  final Counter refused;

  public EventStreamMeters(int maxStreams, MeterRegistry meters) {
    this.max = maxStreams;
    Gauge.builder("tollgate.sse.streams.open", open, AtomicInteger::get)
        .description("live checkout status streams (server-sent events) open on this instance").register(meters);
    sent = Counter.builder("tollgate.sse.events.sent").description("status events written to live streams").register(meters);
    droppedSlow = Counter.builder("tollgate.sse.streams.dropped").tag("reason", "slow")
        .description("streams closed because the client did not read fast enough (write queue full)").register(meters);
    droppedStalled = Counter.builder("tollgate.sse.streams.dropped").tag("reason", "stalled")
        .description("streams closed because nothing written to them moved for http.events.stall-ms").register(meters);
    Gauge.builder("tollgate.sse.queued.bytes", queued, AtomicLong::get).baseUnit("bytes")
        .description("bytes written to live streams that their sockets have not taken yet").register(meters);
    refused = Counter.builder("tollgate.sse.streams.refused")
        .description("streams refused because the instance holds http.events.max-streams").register(meters);
  }

  /** Takes a place for one more stream, or says there is none. */
  boolean tryOpen() {
    while (true) {
      int now = open.get();
      if (now >= max) {
        refused.increment();
        return false;
      }
      if (open.compareAndSet(now, now + 1)) return true;
    }
  }

  void closed() {
    open.decrementAndGet();
  }

  void queued(long bytes) {
    queued.addAndGet(bytes);
  }

  /** Bytes written to this instance's streams and not yet taken by their sockets. */
  public long queuedBytes() {
    return queued.get();
  }

  /** Streams open on this instance. */
  public int open() {
    return open.get();
  }
}
