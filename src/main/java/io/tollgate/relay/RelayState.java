package io.tollgate.relay;

/**
 * Where a relay is. {@code QUEUED → SENT → MINED}, or {@code FAILED} from QUEUED or SENT.
 *
 * <ul>
 *   <li>{@link #QUEUED}: accepted and stored; no transaction signed yet.
 *   <li>{@link #SENT}: a transaction is signed and stored (write-ahead) and broadcast, or about to
 *       be; bumped replacements keep this state and add hashes.
 *   <li>{@link #MINED}: one of its transactions was included and succeeded (status 1). Whether it
 *       pays a checkout is the watcher's verdict, not the relayer's.
 *   <li>{@link #FAILED}: given up ({@code relay_failed}); see {@link RelayTicket#failureDetail()}.
 * </ul>
 */
public enum RelayState {
  QUEUED, SENT, MINED, FAILED;

  /** Whether the relay will not change any more. */
  public boolean terminal() {
    return this == MINED || this == FAILED;
  }
}
