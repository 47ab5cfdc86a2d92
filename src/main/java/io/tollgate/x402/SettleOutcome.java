package io.tollgate.x402;

import io.tollgate.relay.MinedLogs;
import io.tollgate.relay.RelayState;
import io.tollgate.relay.RelayTicket;
import java.math.BigInteger;

/**
 * A finished relay as a settle answer, with the reference's reasons. Mined is a success only when
 * the asset logged the transfer the payer signed, {@code Transfer(from, payTo, amount)}, and used
 * the authorization ({@code AuthorizationUsed}): a token that takes a fee, pays elsewhere or moves
 * nothing while its call succeeds is {@code invalid_exact_evm_transfer_event_mismatch} with the
 * hash, as the reference's receipt check says. The logs are the ones the relayer kept when it
 * settled the relay (no call here). A failed relay gets the reference's closest reason; one of ours
 * mined and reverted is {@code invalid_exact_evm_transaction_failed}.
 */
record SettleOutcome(boolean success, String state, String txHash, String reason, String detail) {
  static SettleOutcome of(RelayTicket ticket, Settlement settlement) {
    String hash = ticket.txHash().orElse(null);
    if (ticket.state() == RelayState.MINED) {
      // a relay mined before the relayer kept logs has none: it was judged by its status, as before
      String problem = ticket.minedLogs().map(logs -> problem(logs, settlement)).orElse(null);
      if (problem == null) return new SettleOutcome(true, Settlement.SETTLED, hash, null, null);
      return new SettleOutcome(false, Settlement.FAILED, hash, Reasons.TRANSFER_EVENT_MISMATCH, problem);
    }
    String detail = ticket.failureDetail().orElse("");
    String reason = switch (detail) {
      case RelayTicket.EXPIRED -> Reasons.VALID_BEFORE;
      case RelayTicket.AUTHORIZATION_USED_ELSEWHERE -> Reasons.NONCE_ALREADY_USED;
      default -> Reasons.TRANSACTION_FAILED;
    };
    return new SettleOutcome(false, Settlement.FAILED, hash, reason, "relay " + detail);
  }

  /** Why the logs are not the signed transfer, or null when they are. */
  static String problem(MinedLogs logs, Settlement s) {
    BigInteger amount = new BigInteger(s.amount());
    if (!logs.transferred(s.key().from(), s.payTo(), amount)) {
      return "the transaction succeeded but the asset logged no Transfer(" + s.key().from() + ", " + s.payTo() + ", " + amount
          + "); its transfers from the payer: " + describe(logs);
    }
    if (!logs.authorizationUsed()) {
      return "the transaction succeeded but the asset logged no AuthorizationUsed for nonce " + s.key().nonce();
    }
    return null;
  }

  private static String describe(MinedLogs logs) {
    if (logs.transfers().isEmpty()) return "none";
    StringBuilder out = new StringBuilder();
    for (MinedLogs.TokenTransfer t : logs.transfers()) {
      if (out.length() > 0) out.append(", ");
      out.append(t.value()).append(" to ").append(t.to());
    }
    return out.toString();
  }
}
