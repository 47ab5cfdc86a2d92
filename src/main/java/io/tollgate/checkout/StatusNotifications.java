package io.tollgate.checkout;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * Publishes a checkout's status snapshot on the PostgreSQL channel {@value #CHANNEL}. Called inside
 * the transaction that changed the checkout: PostgreSQL delivers it to every listening instance at
 * commit, and never for a rolled-back change.
 */
public final class StatusNotifications {
  static final String CHANNEL = "checkout_status";

  private StatusNotifications() {}

  /** Many checkouts changed by one transaction: one statement, one notification each. */
  public static Future<Void> checkoutsChanged(SqlConnection conn, UUID[] checkoutIds) {
    if (checkoutIds.length == 0) return Future.succeededFuture();
    return conn.preparedQuery("SELECT pg_notify('" + CHANNEL + "', doc::text) FROM checkout_status_snapshot WHERE id = ANY($1)")
        .execute(Tuple.of(checkoutIds))
        .mapEmpty();
  }

  public static Future<Void> checkoutChanged(SqlConnection conn, UUID checkoutId) {
    return conn.preparedQuery("SELECT pg_notify('" + CHANNEL + "', doc::text) FROM checkout_status_snapshot WHERE id = $1")
        .execute(Tuple.of(checkoutId))
        .mapEmpty();
  }
}
