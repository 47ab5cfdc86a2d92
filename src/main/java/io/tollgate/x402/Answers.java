package io.tollgate.x402;

import io.tollgate.api.Rfc3339;
import io.tollgate.relay.RelayTicket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/** The answers' shapes: settle's as the reference's ({@code extra.settlementId} added), and a stored settlement. */
final class Answers {
  private Answers() {}

  static JsonObject success(PaymentRequest p, String txHash, UUID settlementId) {
    return new JsonObject().put("success", true).put("payer", p.payer()).put("transaction", txHash)
        .put("network", p.network()).put("extra", new JsonObject().put("settlementId", settlementId.toString()));
  }

  static JsonObject failure(PaymentRequest p, String reason, String message, String txHash) {
    JsonObject json = new JsonObject().put("success", false).put("errorReason", reason);
    if (message != null) json.put("errorMessage", message.length() > 500 ? message.substring(0, 500) : message);
    return json.put("payer", p.payer()).put("transaction", txHash).put("network", p.network());
  }

  static JsonObject view(Settlement s, RelayTicket ticket) {
    String state = s.state();
    String tx = s.txHash();
    JsonArray all = new JsonArray();
    if (ticket != null) {
      ticket.txHashes().forEach(all::add);
      if (tx == null) tx = ticket.txHash().orElse(null);
    }
    return new JsonObject().put("id", s.id().toString()).put("object", "x402_settlement").put("state", state)
        .put("network", s.network()).put("asset", s.key().token()).put("payer", s.key().from()).put("payTo", s.payTo())
        .put("amount", s.amount()).put("nonce", s.key().nonce()).put("transaction", tx).put("transactions", all)
        .put("errorReason", s.errorReason()).put("createdAt", Rfc3339.format(s.createdAt()))
        .put("updatedAt", Rfc3339.format(s.updatedAt()));
  }
}
