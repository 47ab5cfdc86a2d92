package io.tollgate.watch;

import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * How a watcher says that rounds are skipped: once per RPC outage (and once when it ends), and for
 * an HTTP endpoint lagging the announced heads, quietly until the lag lasts {@link #HEAD_LAG_WARNING}.
 * Nothing here decides anything; it keeps logs at one line per episode.
 */
final class WatchHealth {
  /** How long the HTTP endpoint may lag the announced heads before that is worth a warning. */
  static final Duration HEAD_LAG_WARNING = Duration.ofSeconds(30);

  private final Logger log;
  private final long chainId;
  private LongSupplier nanoClock = System::nanoTime;
  private boolean unavailable;
  private long skippedWhileUnavailable;
  /** When rounds began to find the announced head not served over HTTP (nanoTime), or -1. */
  private long headNotServedSince = -1;
  /** The highest announced head found not served; a round that processes it ends the lag. */
  private long unservedHead = -1;
  private boolean headLagWarned;

  WatchHealth(Logger log, long chainId) {
    this.log = log;
    this.chainId = chainId;
  }

  void nanoClock(LongSupplier clock) {
    this.nanoClock = clock;
  }

  /** A round (or a head poll finding nothing new) completed, with {@code lastHead} processed. */
  void roundSucceeded(long lastHead) {
    if (headNotServedSince >= 0 && lastHead >= unservedHead) headServed();
    if (unavailable) {
      log.info("chain {}: RPC answers again after {} skipped rounds", chainId, skippedWhileUnavailable);
      unavailable = false;
    }
  }

  void roundSkipped(Throwable cause) {
    if (!unavailable) {
      unavailable = true;
      skippedWhileUnavailable = 1;
      log.warn("chain {}: RPC unavailable or answering nonsense, skipping rounds until it recovers: {}",
          chainId, cause.toString());
    } else {
      skippedWhileUnavailable++;
      log.debug("chain {}: round skipped again: {}", chainId, cause.toString());
    }
  }

  /**
   * A provider's WebSocket node often announces a block before the HTTP node it balances to has it,
   * for a few hundred ms: expected, and retried soon by the caller, so it is not an outage and not
   * worth a warning per block.
   */
  void headNotServed(long head) {
    long now = nanoClock.getAsLong();
    if (headNotServedSince < 0) headNotServedSince = now;
    unservedHead = Math.max(unservedHead, head);
    if (!headLagWarned && now - headNotServedSince >= HEAD_LAG_WARNING.toNanos()) {
      headLagWarned = true;
      log.warn("chain {}: the RPC endpoint has not served announced heads for {} s (now head {}); payments wait for it",
          chainId, HEAD_LAG_WARNING.toSeconds(), head);
    } else {
      log.debug("chain {}: head {} announced but not served over HTTP yet; retried soon", chainId, head);
    }
  }

  private void headServed() {
    if (headLagWarned) log.info("chain {}: the RPC endpoint serves the announced heads again", chainId);
    headNotServedSince = -1;
    unservedHead = -1;
    headLagWarned = false;
  }
}
