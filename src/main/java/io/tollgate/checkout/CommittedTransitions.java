package io.tollgate.checkout;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import java.util.function.Consumer;

/**
 * A {@link TransitionLog.Listener} that hands each transition to {@code observer} once its
 * transaction has committed, and never for one that rolled back: log lines and counters must tell
 * what happened, not what was tried. It writes nothing, so it never delays or fails the transaction.
 */
public final class CommittedTransitions implements TransitionLog.Listener {
  private final Consumer<CheckoutTransition> observer;

  public CommittedTransitions(Consumer<CheckoutTransition> observer) {
    this.observer = observer;
  }

  @Override
  public Future<Void> onTransition(SqlConnection conn, CheckoutTransition transition) {
    Transaction tx = conn.transaction();
    if (tx == null) {
      observe(transition); // autocommit: the statement is the transaction
    } else {
      tx.completion().onSuccess(committed -> observe(transition));
    }
    return Future.succeededFuture();
  }

  private void observe(CheckoutTransition transition) {
    try {
      observer.accept(transition);
    } catch (RuntimeException e) {
      org.slf4j.LoggerFactory.getLogger(CommittedTransitions.class).warn("observing a transition failed", e);
    }
  }
}
