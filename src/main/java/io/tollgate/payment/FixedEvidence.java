package io.tollgate.payment;

import java.util.Objects;

/**
 * One answer to the evidence call of a {@link NativeTransferSource} whose evidence is fixed before
 * mining, read: what to keep for {@link NativeTransferSource#transferOf}, and where the node says
 * the transaction is. The position is not fixed (a pending transaction has none, a reorg moves it),
 * so it is only a hint for which header to fetch along with the receipt; the receipt decides.
 *
 * @param evidence what {@code transferOf} reads, and no more: it may be kept for many pending
 *     payments at once
 * @param blockNumber the block the node has the transaction in, or null while it is pending
 * @param blockHash that block's hash (lowercase), or null while it is pending
 */
public record FixedEvidence(Object evidence, Long blockNumber, String blockHash) {
  public FixedEvidence {
    Objects.requireNonNull(evidence, "evidence");
    if ((blockNumber == null) != (blockHash == null)) {
      throw new IllegalArgumentException("a block number and its hash come together");
    }
  }

  /** Evidence of a transaction the node has not mined yet. */
  public static FixedEvidence pending(Object evidence) {
    return new FixedEvidence(evidence, null, null);
  }

  /** Whether the node says the transaction is in a block. */
  public boolean mined() {
    return blockHash != null;
  }
}
