package io.tollgate.db;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
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

  /** Attempts of a transaction that meets a serialization failure or deadlock, the first included. */
  public static final int CONFLICT_ATTEMPTS = 5;

  /**
   * Runs {@code transaction} again (at most {@value #CONFLICT_ATTEMPTS} times in all, after a short
   * jittered backoff) when PostgreSQL aborted it for a serialization failure ({@code 40001}) or a
   * deadlock ({@code 40P01}): the transaction was rolled back whole, so running it again is safe,
   * and such a conflict is ours to resolve, never a client's error. Other failures pass at once.
   */
  public static <T> Future<T> retryingConflicts(Supplier<Future<T>> transaction) {
    return retryingConflicts(transaction, 1);
  }

  private static <T> Future<T> retryingConflicts(Supplier<Future<T>> transaction, int attempt) {
    Future<T> tried;
    try {
      tried = transaction.get();
    } catch (RuntimeException e) {
      tried = Future.failedFuture(e);
    }
    return tried.recover(e -> {
      if (attempt >= CONFLICT_ATTEMPTS || !isConflict(e)) return Future.failedFuture(e);
      long backoff = 5L << attempt; // 10, 20, 40, 80 ms, jittered: the two sides of a deadlock do not meet again
      long wait = backoff / 2 + ThreadLocalRandom.current().nextLong(backoff);
      Context context = Vertx.currentContext();
      if (context == null) return retryingConflicts(transaction, attempt + 1);
      Promise<T> later = Promise.promise();
      context.owner().setTimer(wait, t -> retryingConflicts(transaction, attempt + 1).onComplete(later));
      return later.future();
    });
  }

  /** Whether {@code failure} (or a cause) is PostgreSQL's serialization failure or deadlock. */
  public static boolean isConflict(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof PgException pg && ("40001".equals(pg.getSqlState()) || "40P01".equals(pg.getSqlState()))) return true;
    }
    return false;
  }
}
