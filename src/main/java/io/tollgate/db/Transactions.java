package io.tollgate.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import java.util.function.Function;

/**
 * Transactions whose first statements travel with their {@code BEGIN}.
 *
 * <p>{@link Pool#withTransaction} waits for {@code BEGIN}'s answer before it runs the work: one more
 * round trip per transaction, and on a busy machine one more wake-up of the event loop that
 * reads it. Where a transaction is on the path from a block to a buyer's {@code paid}, that wait
 * is worth saving: here the work is started at once, and the client sends its statements on the
 * same connection right behind {@code BEGIN} (the connection queues commands in order, so they run
 * inside the transaction).
 */
public final class Transactions {
  private Transactions() {}

  /**
   * Like {@link Pool#withTransaction}: commits when {@code work} succeeds, rolls back and fails
   * with its failure when it fails, but without waiting for {@code BEGIN}'s answer to start it.
   */
  public static <T> Future<T> pipelined(Pool pool, Function<SqlConnection, Future<T>> work) {
    return pool.withConnection(conn -> {
      Future<Transaction> begun = conn.begin();
      Future<T> worked;
      try {
        worked = work.apply(conn);
      } catch (RuntimeException e) {
        worked = Future.failedFuture(e);
      }
      Future<T> done = worked;
      // Both are waited for, so the connection goes back to the pool only when nothing is in flight on it.
      return begun.transform(begin -> done.transform(result -> {
        if (begin.failed()) return Future.<T>failedFuture(begin.cause());
        Transaction tx = begin.result();
        return result.succeeded()
            ? tx.commit().map(result.result())
            : tx.rollback().transform(ignored -> Future.<T>failedFuture(result.cause()));
      }));
    });
  }
}
