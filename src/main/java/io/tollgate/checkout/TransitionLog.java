package io.tollgate.checkout;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
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

    /**
     * Many transitions of one transaction (a chain watcher's round). The default handles them one
     * after another; a listener that writes rows should override it with set-based statements, as
     * a round can hold hundreds of transitions during a ticket drop.
     */
    default Future<Void> onTransitions(SqlConnection conn, List<CheckoutTransition> transitions) {
      Future<Void> chain = Future.succeededFuture();
      for (CheckoutTransition t : transitions) {
        chain = chain.compose(ignored -> onTransition(conn, t));
      }
      return chain;
    }
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
            t.details() == null ? new JsonObject() : t.details()))
        .mapEmpty();
    for (Listener listener : listeners) {
      chain = chain.compose(ignored -> listener.onTransition(conn, t));
    }
    return chain;
  }

  /**
   * Records many transitions of one transaction with one audit statement and one call per
   * listener; the audit rows keep the list's order (their ids ascend with it).
   */
  public Future<Void> recordAll(SqlConnection conn, List<CheckoutTransition> transitions) {
    if (transitions.isEmpty()) return Future.succeededFuture();
    int n = transitions.size();
    java.util.UUID[] checkoutIds = new java.util.UUID[n];
    Long[] paymentIds = new Long[n];
    String[] from = new String[n];
    String[] to = new String[n];
    String[] reasons = new String[n];
    String[] actors = new String[n];
    String[] details = new String[n];
    for (int i = 0; i < n; i++) {
      CheckoutTransition t = transitions.get(i);
      checkoutIds[i] = t.checkoutId();
      paymentIds[i] = t.paymentId();
      from[i] = t.fromStatus();
      to[i] = t.toStatus();
      reasons[i] = t.reason();
      actors[i] = t.actor();
      details[i] = (t.details() == null ? new JsonObject() : t.details()).encode();
    }
    Future<Void> chain = conn.preparedQuery("""
            INSERT INTO checkout_events (checkout_id, payment_id, from_status, to_status, reason, actor, details)
            SELECT checkout_id, payment_id, from_status, to_status, reason, actor, details::jsonb
            FROM unnest($1::uuid[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
                 WITH ORDINALITY AS t(checkout_id, payment_id, from_status, to_status, reason, actor, details, ord)
            ORDER BY ord""")
        .execute(Tuple.of(checkoutIds, paymentIds, from, to, reasons, actors, details))
        .mapEmpty();
    for (Listener listener : listeners) {
      chain = chain.compose(ignored -> listener.onTransitions(conn, transitions));
    }
    return chain;
  }
}
