package io.tollgate.relay;

import io.vertx.core.Future;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Sends EIP-3009 {@code transferWithAuthorization} transactions from the chain's relayer key, so
 * buyers without ETH can pay by signature. Safe to use from any instance and any event loop; the
 * sending itself happens on the chain's relay leader (one instance per chain), from the queue in
 * PostgreSQL.
 *
 * <p>Guarantees: one authorization is relayed at most once, whichever instance is asked and how
 * often; an accepted order is never lost (stored before the answer, its signed transaction stored
 * before it is broadcast); nonces of the key never collide; fees are bumped when a transaction is
 * stuck, a dropped one is broadcast again, and a relay that can no longer succeed ends FAILED
 * ({@code relay_failed}) with its reason. Every change of a sent relay is published as
 * {@link RelayChanged}.
 */
public interface Relayer {

  /**
   * Accepts an order, or returns the existing ticket for its key.
   *
   * <p>If a relay with {@code order.key()} exists (any instance, any state), its ticket, unchanged:
   * the same authorization is never relayed twice. Otherwise, before anything is stored: fails with
   * {@link RelayRefusedException} {@code relayer_unavailable} when the chain has no relayer key or
   * its balance cannot pay the next relay, and {@code simulation_reverted} (with the revert reason)
   * when the exact transaction, simulated from the relayer's address, reverts. Then stores the order
   * (state QUEUED) and returns its ticket; the chain's relay leader sends it.
   *
   * <p>Other failures: {@link io.tollgate.chain.RpcUnavailableException} when the chain could not be
   * asked (a 503 for the caller), a database error when PostgreSQL could not be.
   */
  Future<RelayTicket> relay(RelayOrder order);

  /** The relay of this authorization, if one was accepted. */
  Future<Optional<RelayTicket>> find(AuthorizationKey key);

  /** The relay with this id. */
  Future<Optional<RelayTicket>> find(UUID relayId);

  /**
   * What the chain's relayer can pay for, read from the chain (balance, fees; cached for a few
   * seconds) and the queue. A chain without a relayer key reports an empty relayer and no capacity.
   */
  Future<RelayCapacity> capacity(long chainId);

  /**
   * The chain's oldest relays not yet settled (queued, sent and not mined, or given up with their
   * nonce still to free), at most {@code limit}: what an operator looks at when relays are stuck.
   */
  Future<java.util.List<OpenRelay>> openRelays(long chainId, int limit);

  /** The chains with a relayer key configured. */
  Set<Long> chains();
}
