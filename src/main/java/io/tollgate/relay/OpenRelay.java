package io.tollgate.relay;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * A relay not yet settled, as the operator sees it ({@link Relayer#openRelays}): queued, or sent and
 * not yet mined, possibly stuck (bumped, or broadcast long ago).
 *
 * @param txNonce the relayer key's nonce, once signed
 * @param txHash the transaction last signed (empty while queued)
 * @param bumps fee bumps so far; {@code cancelling} when given up and its nonce is being freed
 * @param broadcastAt when a node last accepted it (empty: stored, not yet accepted)
 */
public record OpenRelay(UUID relayId, long chainId, String relayer, RelayState state, String purpose, String from,
    Optional<Long> txNonce, Optional<String> txHash, int bumps, boolean cancelling, Optional<Instant> broadcastAt,
    Instant createdAt, Instant validBefore) {}
