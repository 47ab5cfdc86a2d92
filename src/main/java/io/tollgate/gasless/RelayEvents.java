package io.tollgate.gasless;

import io.tollgate.relay.AuthorizationKey;
import io.tollgate.relay.RelayChanged;
import io.tollgate.relay.RelayTicket;
import io.tollgate.relay.Relayer;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a relay's progress does to its checkout. SENT (each broadcast hash, bumped replacements
 * included): the hash is claimed for the checkout; MINED: the same, in case a SENT was missed;
 * FAILED: the checkout fails {@code relay_failed} unless the chain says a transaction of it was
 * mined. A replaced hash that is never mined fails nothing: the watcher rejects it at the
 * checkout's expiry, and a checkout paid by its replacement is not touched. Idempotent: events and
 * the reconciler may apply one change any number of times.
 */
final class RelayEvents {
  private static final Logger LOG = LoggerFactory.getLogger(RelayEvents.class);
  static final String PURPOSE_PREFIX = "checkout:";

  private final GaslessLedger ledger;
  private final Relayer relayer;
  private final RelayClaims claims;

  RelayEvents(GaslessLedger ledger, Relayer relayer, RelayClaims claims) {
    this.ledger = ledger;
    this.relayer = relayer;
    this.claims = claims;
  }

  static RelayChanged changeOf(RelayTicket t) {
    return new RelayChanged(t.relayId(), t.purpose(), t.key().chainId(), t.state(), t.txHash(), t.txHashes(),
        t.failureReason(), t.failureDetail());
  }

  static AuthorizationKey keyOf(GaslessLedger.Stored g) {
    return new AuthorizationKey(g.chainId(), g.tokenAddress(), g.payer(), g.nonce());
  }

  Future<Void> apply(RelayChanged change) {
    if (change.purpose() == null || !change.purpose().startsWith(PURPOSE_PREFIX)) return Future.succeededFuture();
    return ledger.byRelayId(change.relayId())
        .compose(found -> found != null ? Future.succeededFuture(found) : byTicket(change.relayId()))
        .compose(stored -> {
          if (stored == null) {
            LOG.warn("relay {} for {} has no gasless authorization on record", change.relayId(), change.purpose());
            return Future.succeededFuture();
          }
          return apply(stored, change);
        });
  }

  /** The relay's row before its acceptance was recorded (the relayer sent faster than we wrote). */
  private Future<GaslessLedger.Stored> byTicket(UUID relayId) {
    return relayer.find(relayId).compose(ticket -> ticket.isEmpty() ? Future.succeededFuture(null)
        : ledger.byKey(ticket.get().key().chainId(), ticket.get().key().token(), ticket.get().key().from(),
            ticket.get().key().nonce()));
  }

  Future<Void> apply(GaslessLedger.Stored stored, RelayChanged change) {
    String actor = "relayer:" + change.relayId();
    Future<Void> accepted = stored.relayId() == null
        ? ledger.accepted(stored.id(), change.relayId(), actor).mapEmpty()
        : Future.succeededFuture();
    return accepted.compose(ignored -> switch (change.state()) {
      case QUEUED -> Future.succeededFuture();
      case SENT -> claimAll(stored, change, actor).compose(done -> ledger.advance(stored.id(), "sent"));
      case MINED -> claimAll(stored, change, actor).compose(done -> ledger.advance(stored.id(), "mined"));
      case FAILED -> ledger.failed(stored, reason(change), change.failureDetail().orElse(null), actor);
    });
  }

  /**
   * The buyer's funds did not move when the relay expired or reverted; when the nonce was used by
   * another transaction they may have, and the reason says so.
   */
  private static String reason(RelayChanged change) {
    return change.failureDetail().filter(RelayTicket.AUTHORIZATION_USED_ELSEWHERE::equals).isPresent()
        ? RelayTicket.AUTHORIZATION_USED_ELSEWHERE : RelayTicket.RELAY_FAILED;
  }

  private Future<Void> claimAll(GaslessLedger.Stored stored, RelayChanged change, String actor) {
    List<String> hashes = new ArrayList<>(change.allTxHashes());
    change.txHash().filter(h -> !hashes.contains(h)).ifPresent(hashes::add);
    Future<Void> chain = Future.succeededFuture();
    for (String hash : hashes) {
      chain = chain.compose(ignored -> claims.claim(stored.checkoutId(), stored.chainId(), stored.token(), hash, actor));
    }
    return chain;
  }

  /**
   * Compares one unsettled authorization with the relayer's ticket: applies what the events may
   * not have said (another instance sent it, an event was lost), and gives up a reservation the
   * relayer never stored once its lease lapsed (nothing was sent for it).
   */
  Future<Void> reconcile(GaslessLedger.Stored stored) {
    return relayer.find(keyOf(stored)).compose(ticket -> {
      if (ticket.isPresent()) return apply(stored, changeOf(ticket.get()));
      if ("reserved".equals(stored.state()) && stored.leaseLapsed()) return ledger.release(stored.id());
      return Future.succeededFuture();
    }).compose(ignored -> ledger.touch(stored.id()));
  }
}
