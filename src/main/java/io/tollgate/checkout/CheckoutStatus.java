package io.tollgate.checkout;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * A checkout's status as the poll path shows it: the snapshot document of the
 * {@code checkout_status_snapshot} view, parsed. {@code version} orders snapshots, so a late
 * notification can never overwrite a newer state.
 */
public record CheckoutStatus(
    UUID id, int version, String status, String reason, long expiresAtMillis, String payer, Payment payment,
    String received, String amountDue) {

  /** Nothing received yet (no partial payment). */
  public CheckoutStatus(UUID id, int version, String status, String reason, long expiresAtMillis, String payer,
      Payment payment) {
    this(id, version, status, reason, expiresAtMillis, payer, payment, null, null);
  }

  /** The payment that explains the status (the one that paid, else an active one, else the latest). */
  public record Payment(long id, long chainId, String token, String txHash, String status, String reason, Long blockNumber,
      boolean finalized) {
    /** A payment whose finality is not known yet (not confirmed, or not re-checked). */
    public Payment(long id, long chainId, String token, String txHash, String status, String reason, Long blockNumber) {
      this(id, chainId, token, txHash, status, reason, blockNumber, false);
    }
  }

  public static CheckoutStatus fromJson(JsonObject doc) {
    JsonObject p = doc.getJsonObject("payment");
    return new CheckoutStatus(
        UUID.fromString(doc.getString("id")), doc.getInteger("version"), doc.getString("status"),
        doc.getString("reason"), doc.getLong("expiresAt"), doc.getString("payer"),
        p == null ? null : new Payment(p.getLong("id"), p.getLong("chainId"), p.getString("token"),
            p.getString("txHash"), p.getString("status"), p.getString("reason"), p.getLong("blockNumber"),
            Boolean.TRUE.equals(p.getBoolean("final"))),
        doc.getString("received"), doc.getString("amountDue"));
  }

  /** The snapshot as {@link #fromJson} reads it (the view's document, for the shared copy). */
  public JsonObject toJson() {
    JsonObject doc = new JsonObject().put("id", id.toString()).put("version", version).put("status", status)
        .put("reason", reason).put("expiresAt", expiresAtMillis).put("payer", payer)
        .put("received", received).put("amountDue", amountDue);
    if (payment != null) {
      doc.put("payment", new JsonObject().put("id", payment.id()).put("chainId", payment.chainId())
          .put("token", payment.token()).put("txHash", payment.txHash()).put("status", payment.status())
          .put("reason", payment.reason()).put("blockNumber", payment.blockNumber()).put("final", payment.finalized()));
    }
    return doc;
  }

  /**
   * The checkout's current snapshot, read with {@code db} (a pool, or the connection of the
   * transaction that just changed it); fails {@code checkout_not_found} when there is none.
   */
  public static Future<CheckoutStatus> read(SqlClient db, UUID checkoutId) {
    return db.preparedQuery("SELECT doc FROM checkout_status_snapshot WHERE id = $1")
        .execute(Tuple.of(checkoutId))
        .map(rows -> {
          if (rows.size() == 0) throw new ApiException(ErrorCode.CHECKOUT_NOT_FOUND);
          Object doc = rows.iterator().next().getValue("doc");
          return fromJson(doc instanceof JsonObject j ? j : new JsonObject(doc.toString()));
        });
  }

  public boolean isTerminal() {
    return "paid".equals(status) || "expired".equals(status) || "reversed".equals(status);
  }
}
