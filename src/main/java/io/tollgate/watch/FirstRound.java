package io.tollgate.watch;

import java.time.Instant;
import java.util.List;

/**
 * What round 1 learned: the verdicts it decided, and what needs round 2.
 *
 * @param headHash the head's hash as round 1 read it, or null when a catch-up knew the header
 * @param headTime the head's timestamp (read, or remembered by a catch-up)
 * @param mined receipts still lacking their block's header or their native evidence
 * @param sighted transactions known to be mined whose receipts are still to be asked
 */
record FirstRound(long head, String headHash, Instant headTime, List<Decision> decided,
    List<Mined> mined, List<Sighted> sighted) {

  /** Whether round 2 has anything to ask. */
  boolean leftMissing() {
    return !mined.isEmpty() || !sighted.isEmpty();
  }
}
