package io.tollgate.relay;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link Relayer#relay} refused an order before storing anything: no gas was spent, nothing is
 * queued, the caller may answer the buyer at once.
 */
public final class RelayRefusedException extends RuntimeException {
  /** Why. {@link #code()} is the machine-readable form. */
  public enum Reason {
    /**
     * The chain has no relayer key, or its balance cannot pay the next relay (counting the relays
     * already queued). Callers answer 503 with {@code Retry-After: }{@link #retryAfter()}; direct
     * payments are unaffected.
     */
    RELAYER_UNAVAILABLE("relayer_unavailable"),
    /**
     * The exact transaction, simulated from the relayer's address at the latest block, reverts;
     * the message carries the revert reason (e.g. {@code authorization used}). Callers answer 422.
     */
    SIMULATION_REVERTED("simulation_reverted");

    private final String code;

    Reason(String code) {
      this.code = code;
    }

    public String code() {
      return code;
    }
  }

  private final Reason reason;
  private final Duration retryAfter;

  public RelayRefusedException(Reason reason, String message, Duration retryAfter) {
    super(message, null, false, false);
    this.reason = Objects.requireNonNull(reason, "reason");
    this.retryAfter = retryAfter;
  }

  public Reason reason() {
    return reason;
  }

  /** {@code relayer_unavailable} or {@code simulation_reverted}. */
  public String code() {
    return reason.code();
  }

  /** For {@code relayer_unavailable}: when asking again makes sense. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
