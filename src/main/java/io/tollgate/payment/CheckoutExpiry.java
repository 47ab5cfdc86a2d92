package io.tollgate.payment;

import io.tollgate.checkout.CheckoutTransition;
import io.tollgate.checkout.StatusNotifications;
import io.tollgate.checkout.TransitionLog;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The expiry sweep: open, failed or underpaid checkouts whose time is up become expired, each once. */
final class CheckoutExpiry {
  private final Pool pool;
  private final TransitionLog transitions;

  CheckoutExpiry(Pool pool, TransitionLog transitions) {
    this.pool = pool;
    this.transitions = transitions;
  }

  /**
   * Expires open or failed checkouts whose time is up. Several instances may run it at once:
   * {@code SKIP LOCKED} splits the work and the status condition makes each expiry happen once.
   */
  Future<Integer> expireDue(int batchSize) {
    return pool.withTransaction(conn -> conn.preparedQuery("""
                UPDATE checkouts c SET status = 'expired', version = c.version + 1, updated_at = now()
                FROM (SELECT id, status FROM checkouts WHERE status IN ('open', 'failed', 'underpaid') AND expires_at <= now()
                      ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED) old
                WHERE c.id = old.id
                RETURNING c.id, old.status AS old_status, c.received_base""")
            .execute(Tuple.of(batchSize))
            .compose(expired -> {
              List<UUID> ids = new ArrayList<>();
              Future<Void> chain = Future.succeededFuture();
              for (Row row : expired) {
                UUID id = row.getUUID("id");
                ids.add(id);
                String old = row.getString("old_status");
                // An underpaid checkout expires with what it received refundable (its reason stays "underpaid").
                JsonObject details = "underpaid".equals(old) ? new JsonObject().put("amounts", new JsonObject()
                    .put("receivedBase", row.getBigDecimal("received_base").toBigInteger().toString())) : null;
                chain = chain.compose(ignored -> transitions.record(conn,
                    new CheckoutTransition(id, null, old, "expired", "underpaid".equals(old) ? "underpaid" : null, "sweeper",
                        details)));
              }
              return chain
                  .compose(ignored -> StatusNotifications.checkoutsChanged(conn, ids.toArray(UUID[]::new)))
                  .map(ids.size());
            }));
  }
}
