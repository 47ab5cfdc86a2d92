/**
 * The gasless relayer: sends buyers' EIP-3009 authorizations ({@code transferWithAuthorization})
 * from one relayer key per chain, so the buyer pays by signature and the shop pays the gas.
 *
 * <p>Orders are queued in PostgreSQL ({@code relays}); the chain's relay leader (one instance, by
 * advisory lock) assigns the key's nonces from its own counter ({@code relayer_nonces}), signs,
 * stores the signed transaction, then broadcasts it (write-ahead); it bumps fees of a stuck
 * transaction, rebroadcasts a dropped one, and gives up cleanly. It checks the terms of nothing:
 * the caller has verified the authorization; the relayer only refuses what it cannot pay for or
 * what would revert.
 *
 * <p>Public face: {@link io.tollgate.relay.Relayer} with its values {@link
 * io.tollgate.relay.AuthorizationKey}, {@link io.tollgate.relay.RelayOrder}, {@link
 * io.tollgate.relay.RelayTicket} (with, once mined, {@link io.tollgate.relay.MinedLogs}: what the
 * token logged in the mined transaction, read from the round's {@code eth_getLogs} or the receipt
 * the relayer asked anyway), {@link io.tollgate.relay.RelayState}, {@link
 * io.tollgate.relay.RelayCapacity}, {@link io.tollgate.relay.OpenRelay}, {@link io.tollgate.relay.RelayRefusedException}; the event
 * {@link io.tollgate.relay.RelayChanged} on {@link io.tollgate.eventbus.Addresses#RELAY_CHANGED}. For
 * the composition root: {@link io.tollgate.relay.RelayerSettings}, {@link io.tollgate.relay.PgRelayer}
 * (the implementation, and the engine factory, which tells an observer of each change: the root's
 * business-event log and {@code tollgate_relays_total}), {@link io.tollgate.relay.RelayEngine} and {@link
 * io.tollgate.relay.RelayEngineVerticle}. Everything else is package-private: {@code RelayStore}
 * (SQL), {@code Broadcaster} (send, rebroadcast, bump, give up, cancel), {@code Settlement} (which
 * transaction used a nonce), {@code Fees}, {@code SignedTx}, {@code ChainReading}, {@code
 * RelayCapacityView}, {@code OperatorAlerts}. Depends on {@code chain}, {@code config}, {@code db},
 * {@code eventbus}.
 */
package io.tollgate.relay;
