package io.tollgate.checkout;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * Records transitions inside the transaction that made them: the audit row and every listener
 * (e.g. the webhook outbox), so a change and its consequences commit or roll back together.
 *
 * <p>The audit insert and the listeners' first statements are sent together, without waiting for
 * each other: the connection pipelines them and PostgreSQL runs them one after another in the
 * order sent, so a verdict transaction does not wait a round trip per step. A listener therefore
 * must not depend on the audit rows of the same call; it sees every change made before the call.
 */
public final class TransitionLog {

  /**
   * Something that must happen atomically with a transition. Called while the audit insert may
   * still be in flight on the same connection (see the class comment).
   */
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
    List<Future<Void>> steps = new ArrayList<>(1 + listeners.size());
    steps.add(conn.preparedQuery("""
            INSERT INTO checkout_events (checkout_id, payment_id, from_status, to_status, reason, actor, details)
            VALUES ($1, $2, $3, $4, $5, $6, $7)""")
        .execute(Tuple.of(t.checkoutId(), t.paymentId(), t.fromStatus(), t.toStatus(), t.reason(), t.actor(),
            t.details() == null ? new JsonObject() : t.details()))
        .mapEmpty());
    for (Listener listener : listeners) steps.add(listener.onTransition(conn, t));
    // join, not all: the transaction is rolled back only once every statement sent has answered
    return Future.join(steps).mapEmpty();
  }

  /**
   * Records many transitions of one transaction with one audit statement and one call per
   * listener, pipelined as in {@link #record}; the audit rows keep the list's order (their ids
   * ascend with it).
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
    List<Future<Void>> steps = new ArrayList<>(1 + listeners.size());
    steps.add(conn.preparedQuery("""
            INSERT INTO checkout_events (checkout_id, payment_id, from_status, to_status, reason, actor, details)
            SELECT checkout_id, payment_id, from_status, to_status, reason, actor, details::jsonb
            FROM unnest($1::uuid[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
                 WITH ORDINALITY AS t(checkout_id, payment_id, from_status, to_status, reason, actor, details, ord)
            ORDER BY ord""")
        .execute(Tuple.of(checkoutIds, paymentIds, from, to, reasons, actors, details))
        .mapEmpty());
    for (Listener listener : listeners) steps.add(listener.onTransitions(conn, transitions));
    return Future.join(steps).mapEmpty();
  }
}
