package io.tollgate.checkout;

import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * A checkout's status as the poll path shows it: the snapshot document of the
 * {@code checkout_status_snapshot} view, parsed. {@code version} orders snapshots, so a late
 * notification can never overwrite a newer state.
 */
public record CheckoutStatus(
    UUID id, int version, String status, String reason, long expiresAtMillis, String payer, Payment payment) {

  /** The payment that explains the status (the one that paid, else an active one, else the latest). */
  public record Payment(long id, long chainId, String token, String txHash, String status, String reason, Long blockNumber) {}

  public static CheckoutStatus fromJson(JsonObject doc) {
    JsonObject p = doc.getJsonObject("payment");
    return new CheckoutStatus(
        UUID.fromString(doc.getString("id")), doc.getInteger("version"), doc.getString("status"),
        doc.getString("reason"), doc.getLong("expiresAt"), doc.getString("payer"),
        p == null ? null : new Payment(p.getLong("id"), p.getLong("chainId"), p.getString("token"),
            p.getString("txHash"), p.getString("status"), p.getString("reason"), p.getLong("blockNumber")));
  }

  public boolean isTerminal() {
    return "paid".equals(status) || "expired".equals(status);
  }
}
