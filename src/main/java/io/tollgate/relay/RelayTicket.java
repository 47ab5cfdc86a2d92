package io.tollgate.relay;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * A relay as stored, as {@link Relayer#relay} and {@link Relayer#find} return it.
 *
 * @param relayId the relay's id (random, stable)
 * @param key the authorization relayed
 * @param purpose as in the order
 * @param state where it is
 * @param txHash the current (latest broadcast, or the mined: succeeded, or reverted) transaction hash; empty while QUEUED
 * @param txHashes every hash broadcast for this relay, oldest first (a bump adds one); watch them
 *     all until one is mined: any of them may be the one included
 * @param failureReason {@code relay_failed} when FAILED, else empty
 * @param failureDetail why, for people and logs, when FAILED: {@code expired} (validBefore passed
 *     before it was mined: the buyer was not charged), {@code authorization_used_elsewhere} (the
 *     authorization's nonce was consumed by another transaction, not ours: the transfer may have
 *     happened through it), {@code reverted} (ours was mined and reverted: not charged),
 *     {@code dropped} (the key's nonce went to another transaction: not charged)
 * @param minedLogs when MINED, what the token logged in the mined transaction (its {@code Transfer}s
 *     from the authorizer, whether it logged {@code AuthorizationUsed}); empty for a relay mined
 *     before the relayer kept them
 */
public record RelayTicket(UUID relayId, AuthorizationKey key, String purpose, RelayState state, Optional<String> txHash,
    List<String> txHashes, Optional<String> failureReason, Optional<String> failureDetail, Optional<MinedLogs> minedLogs) {

  /** {@link #failureReason()} of every FAILED relay. */
  public static final String RELAY_FAILED = "relay_failed";
  /** {@link #failureDetail()}: validBefore passed before a transaction of ours was mined. */
  public static final String EXPIRED = "expired";
  /** {@link #failureDetail()}: the authorization's nonce was consumed by a transaction that is not ours. */
  public static final String AUTHORIZATION_USED_ELSEWHERE = "authorization_used_elsewhere";
  /**
   * {@link #failureDetail()}: the relayer key's nonce was used by a transaction that is not one of
   * this relay's, and the authorization is unused: the buyer was not charged.
   */
  public static final String DROPPED = "dropped";
  /** {@link #failureDetail()}: our transaction was mined but reverted. */
  public static final String REVERTED = "reverted";

  public RelayTicket {
    Objects.requireNonNull(relayId, "relayId");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(state, "state");
    txHashes = List.copyOf(txHashes);
    Objects.requireNonNull(txHash, "txHash");
    Objects.requireNonNull(failureReason, "failureReason");
    Objects.requireNonNull(failureDetail, "failureDetail");
    Objects.requireNonNull(minedLogs, "minedLogs");
  }
}
