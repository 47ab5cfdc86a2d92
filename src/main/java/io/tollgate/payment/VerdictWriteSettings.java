package io.tollgate.payment;

import io.tollgate.config.Settings;

/**
 * How {@link VerdictWriter#recordAll} splits a chain watcher's round: at most {@code chunkSize}
 * paying verdicts per transaction, and at most {@code chunksInFlight} of those transactions (each
 * on its own pooled connection) at once, so a block of hundreds of payments uses more than one
 * PostgreSQL backend without taking the pool from HTTP requests.
 */
public record VerdictWriteSettings(int chunkSize, int chunksInFlight) {
  /** See docs/BENCHMARKS.md, "Verdict transaction cost (micro-measurement)". */
  public static final int DEFAULT_CHUNK_SIZE = 64;
  public static final int DEFAULT_CHUNKS_IN_FLIGHT = 4;

  public VerdictWriteSettings {
    if (chunkSize < 1) throw new IllegalArgumentException("payment.verdict-chunk-size must be at least 1, got " + chunkSize);
    if (chunksInFlight < 1) {
      throw new IllegalArgumentException("payment.verdict-chunks-in-flight must be at least 1, got " + chunksInFlight);
    }
  }

  public static VerdictWriteSettings defaults() {
    return new VerdictWriteSettings(DEFAULT_CHUNK_SIZE, DEFAULT_CHUNKS_IN_FLIGHT);
  }

  public static VerdictWriteSettings fromSettings(Settings s) {
    return new VerdictWriteSettings(s.integer("payment.verdict-chunk-size", DEFAULT_CHUNK_SIZE),
        s.integer("payment.verdict-chunks-in-flight", DEFAULT_CHUNKS_IN_FLIGHT));
  }
}
