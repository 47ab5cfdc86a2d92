package io.tollgate.http.events;

import io.tollgate.config.Settings;
import java.time.Duration;

/**
 * The live status streams' bounds ({@code conf/tollgate.properties} explains each).
 *
 * @param maxStreams open streams one instance holds at most (all HTTP verticles together); one more is refused
 *     503 {@code too_many_streams} with {@code Retry-After}
 * @param heartbeat how often an idle stream gets a comment line, so proxies and the idle timeout keep it open
 *     (must stay below {@code http.idle-timeout-ms})
 * @param retry the reconnection delay the stream asks the browser for ({@code retry:})
 * @param retryAfterSeconds the {@code Retry-After} of a refusal for lack of room
 * @param writeQueueBytes what a stream may have written and its client not yet read (beyond the
 *     kernel's socket buffers) before it is dropped as a slow reader
 * @param stall how long a stream's written bytes may wait for the socket without any of them
 *     moving before it is dropped as stalled (a client that stopped reading, whatever the backlog);
 *     looked at on every heartbeat
 */
public record EventStreamSettings(int maxStreams, Duration heartbeat, Duration retry, int retryAfterSeconds,
    int writeQueueBytes, Duration stall) {
  public static EventStreamSettings fromSettings(Settings s) {
    return new EventStreamSettings(s.integer("http.events.max-streams", 20_000), s.millis("http.events.heartbeat-ms", 15_000),
        s.millis("http.events.retry-ms", 2_000), s.integer("http.events.retry-after-seconds", 5),
        s.integer("http.events.write-queue-bytes", 64 * 1024), s.millis("http.events.stall-ms", 30_000));
  }
}
