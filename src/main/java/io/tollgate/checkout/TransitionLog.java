package io.tollgate.checkout;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.List;

/**
 * Records transitions inside the transaction that made them: the audit row, then every listener
 * (e.g. the webhook outbox), so a change and its consequences commit or roll back together.
 */
public final class TransitionLog {

  /** Something that must happen atomically with a transition. */
  public interface Listener {
    Future<Void> onTransition(SqlConnection conn, CheckoutTransition transition);
  }

  private final List<Listener> listeners;

  public TransitionLog(List<Listener> listeners) {
    this.listeners = List.copyOf(listeners);
  }

  public Future<Void> record(SqlConnection conn, CheckoutTransition t) {
    Future<Void> chain = conn.preparedQuery("""
            INSERT INTO checkout_events (checkout_id, payment_id, from_status, to_status, reason, actor, details)
            VALUES ($1, $2, $3, $4, $5, $6, $7)""")
        .execute(Tuple.of(t.checkoutId(), t.paymentId(), t.fromStatus(), t.toStatus(), t.reason(), t.actor(),
            t.details() == null ? new io.vertx.core.json.JsonObject() : t.details()))
        .mapEmpty();
    for (Listener listener : listeners) {
      chain = chain.compose(ignored -> listener.onTransition(conn, t));
    }
    return chain;
  }
}
