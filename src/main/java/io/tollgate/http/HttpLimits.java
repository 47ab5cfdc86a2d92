package io.tollgate.http;

import io.tollgate.config.Settings;
import java.time.Duration;

/**
 * The limits every HTTP connection lives under, chosen rather than inherited (conf/tollgate.properties
 * explains each). None of them is reached by a shop or a browser behaving normally.
 *
 * @param headerReadTimeout how long a connection may take to send its first complete request head,
 *     from its opening (a slow header trickler is cut off); the same bound applies to a request's body
 * @param idleTimeout a connection on which nothing at all moves for this long is closed; also how
 *     long a keep-alive connection may take, after an answer, to complete its next request head
 * @param maxHeaderSize the request head's headers, in bytes (more: 431)
 * @param maxInitialLineLength the request line, in bytes (more: 414)
 * @param maxBodySize a request body, in bytes (more: 413)
 * @param maxConnectionsPerAddress open connections from one socket address; trusted proxies are exempt
 * @param sendBufferBytes each connection's kernel send buffer (SO_SNDBUF), 0 for the operating
 *     system's own, which it grows per connection (on loopback to megabytes): a bound on what a
 *     client that stops reading (a live status stream) holds in the kernel before the stream's own
 *     bounds see it
 */
public record HttpLimits(Duration headerReadTimeout, Duration idleTimeout, int maxHeaderSize, int maxInitialLineLength,
    int maxBodySize, int maxConnectionsPerAddress, int sendBufferBytes) {

  public static HttpLimits fromSettings(Settings s) {
    return new HttpLimits(s.millis("http.header-read-timeout-ms", 10_000), s.millis("http.idle-timeout-ms", 60_000),
        s.integer("http.max-header-size", 8 * 1024), s.integer("http.max-initial-line-length", 4 * 1024),
        s.integer("http.max-body-size", 64 * 1024), s.integer("http.max-connections-per-address", 64),
        s.integer("http.send-buffer-bytes", 0));
  }
}
