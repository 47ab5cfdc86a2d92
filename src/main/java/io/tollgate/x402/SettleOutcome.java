package io.tollgate.x402;

import io.tollgate.relay.RelayState;
import io.tollgate.relay.RelayTicket;

/** A finished relay as a settle answer: mined is success; a failed relay gets the reference's closest reason. */
record SettleOutcome(boolean success, String state, String txHash, String reason, String detail) {
  static SettleOutcome of(RelayTicket ticket) {
    String hash = ticket.txHash().orElse(null);
    if (ticket.state() == RelayState.MINED) return new SettleOutcome(true, Settlement.SETTLED, hash, null, null);
    String detail = ticket.failureDetail().orElse("");
    String reason = switch (detail) {
      case RelayTicket.EXPIRED -> Reasons.VALID_BEFORE;
      case RelayTicket.AUTHORIZATION_USED_ELSEWHERE -> Reasons.NONCE_ALREADY_USED;
      default -> Reasons.TRANSACTION_FAILED;
    };
    return new SettleOutcome(false, Settlement.FAILED, hash, reason, "relay " + detail);
  }
}
