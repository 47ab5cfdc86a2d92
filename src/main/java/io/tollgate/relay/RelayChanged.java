package io.tollgate.relay;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Published (local to the instance doing the work: the chain's relay leader) on
 * {@link io.tollgate.eventbus.Addresses#RELAY_CHANGED} whenever a relay's transaction is broadcast
 * (state SENT; again with a new hash for each bumped replacement), is mined (MINED), or the relay is
 * given up (FAILED). A hint to act on at once; the stored ticket ({@link Relayer#find}) is the truth,
 * so a listener on another instance, or one that missed a message, reads it instead.
 *
 * @param txHash the current hash (the new one after a bump, the mined one when MINED)
 * @param allTxHashes every hash broadcast for the relay, oldest first
 * @param failureReason {@code relay_failed} when FAILED
 * @param failureDetail as {@link RelayTicket#failureDetail()}
 */
public record RelayChanged(UUID relayId, String purpose, long chainId, RelayState state, Optional<String> txHash,
    List<String> allTxHashes, Optional<String> failureReason, Optional<String> failureDetail) {
  public RelayChanged {
    Objects.requireNonNull(relayId, "relayId");
    Objects.requireNonNull(state, "state");
    allTxHashes = List.copyOf(allTxHashes);
  }

  static RelayChanged of(RelayTicket ticket) {
    return new RelayChanged(ticket.relayId(), ticket.purpose(), ticket.key().chainId(), ticket.state(), ticket.txHash(),
        ticket.txHashes(), ticket.failureReason(), ticket.failureDetail());
  }
}
