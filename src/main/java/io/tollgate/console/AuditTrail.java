package io.tollgate.console;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.tollgate.api.Rfc3339;
import io.tollgate.merchant.Merchant;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * A checkout's audit trail ({@code checkout_events}): every change of it or its payments, oldest
 * first, with who caused it. Append-only in the database; this only reads it.
 */
public final class AuditTrail {
  /** More than any real checkout has (a handful of changes); a bound against a pathological one. */
  static final int MAX_ENTRIES = 1000;

  private final Pool pool;

  AuditTrail(Pool pool) {
    this.pool = pool;
  }

  /** The trail of {@code merchant}'s checkout: 404 for another merchant's, 403 {@code mode_mismatch} for the other mode's. */
  public Future<JsonObject> of(Merchant merchant, UUID checkoutId) {
    return pool.withConnection(conn -> conn.preparedQuery("SELECT mode FROM checkouts WHERE id = $1 AND merchant_id = $2")
        .execute(Tuple.of(checkoutId, merchant.id()))
        .compose(rows -> {
          if (rows.size() == 0) return Future.failedFuture(new ApiException(ErrorCode.CHECKOUT_NOT_FOUND));
          String mode = rows.iterator().next().getString("mode");
          if (!merchant.mode().code().equals(mode)) {
            return Future.failedFuture(new ApiException(ErrorCode.MODE_MISMATCH, "checkout " + checkoutId + " is a "
                + mode + "-mode checkout; read it with a " + mode + " key"));
          }
          return conn.preparedQuery("SELECT * FROM checkout_events WHERE checkout_id = $1 ORDER BY id LIMIT $2")
              .execute(Tuple.of(checkoutId, MAX_ENTRIES));
        })
        .map(rows -> {
          JsonArray data = new JsonArray();
          for (Row e : rows) data.add(entry(e));
          return new JsonObject().put("checkoutId", checkoutId.toString()).put("data", data);
        }));
  }

  private static JsonObject entry(Row e) {
    return new JsonObject().put("id", e.getLong("id")).put("at", Rfc3339.format(e.getOffsetDateTime("at")))
        .put("fromStatus", e.getString("from_status")).put("toStatus", e.getString("to_status"))
        .put("reason", e.getString("reason")).put("actor", e.getString("actor"))
        .put("paymentId", e.getLong("payment_id")).put("details", e.getJsonObject("details"));
  }
}
