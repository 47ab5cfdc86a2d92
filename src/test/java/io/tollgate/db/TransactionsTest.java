package io.tollgate.db;

import static io.tollgate.testing.Async.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.testing.TestVertx;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A pipelined transaction against a real PostgreSQL: its statements sent behind BEGIN run inside it. */
class TransactionsTest {
  private static TestVertx env;
  private static Pool pool;

  @BeforeAll
  static void start() {
    // One connection: a statement that escaped the transaction could not hide on another one.
    env = TestVertx.withDatabase(new PoolOptions().setMaxSize(1));
    pool = env.pool();
    await(pool.query("CREATE TABLE pipelined (n int PRIMARY KEY)").execute());
  }

  @AfterAll
  static void stop() {
    if (env != null) env.close();
  }

  @BeforeEach
  void empty() {
    await(pool.query("DELETE FROM pipelined").execute());
  }

  @Test
  void shouldRunTheStatementsSentBehindBeginInsideTheTransaction() {
    List<Long> transactions = await(Transactions.pipelined(pool, conn -> {
      // Sent at once, before BEGIN is answered, and then one more after its answer.
      Future<Long> first = conn.query("SELECT txid_current() AS tx").execute().map(rows -> rows.iterator().next().getLong("tx"));
      return first.compose(tx -> conn.query("SELECT txid_current() AS tx").execute()
          .map(rows -> List.of(tx, rows.iterator().next().getLong("tx"))));
    }));

    assertThat(transactions.get(0)).as("one transaction for both statements").isEqualTo(transactions.get(1));
  }

  @Test
  void shouldCommitWhenTheWorkSucceeds() {
    await(Transactions.pipelined(pool, conn -> conn.preparedQuery("INSERT INTO pipelined VALUES ($1)").execute(Tuple.of(1))));

    assertThat(count()).isEqualTo(1);
  }

  @Test
  void shouldRollBackAndFailWithTheWorksFailure() {
    Future<Void> failed = Transactions.pipelined(pool, conn -> conn.preparedQuery("INSERT INTO pipelined VALUES ($1)")
        .execute(Tuple.of(1))
        .compose(ignored -> Future.failedFuture(new IllegalStateException("the work failed"))));

    assertThatThrownBy(() -> await(failed)).hasRootCauseMessage("the work failed");
    assertThat(count()).as("the insert before the failure, rolled back").isZero();
  }

  @Test
  void shouldRollBackWhenAStatementFails() {
    Future<Void> failed = Transactions.pipelined(pool, conn -> {
      Future<?> inserted = conn.preparedQuery("INSERT INTO pipelined VALUES ($1)").execute(Tuple.of(1));
      Future<?> duplicate = conn.preparedQuery("INSERT INTO pipelined VALUES ($1)").execute(Tuple.of(1));
      return Future.all(inserted, duplicate).mapEmpty();
    });

    assertThatThrownBy(() -> await(failed)).hasMessageContaining("duplicate key");
    assertThat(count()).isZero();
  }

  @Test
  void shouldRollBackWhenTheWorkThrows() {
    Future<Void> failed = Transactions.pipelined(pool, conn -> {
      conn.preparedQuery("INSERT INTO pipelined VALUES ($1)").execute(Tuple.of(1));
      throw new IllegalArgumentException("thrown while sending");
    });

    assertThatThrownBy(() -> await(failed)).hasRootCauseMessage("thrown while sending");
    assertThat(count()).isZero();
    assertThat(await(pool.query("SELECT 1 AS one").execute()).iterator().next().getInteger("one"))
        .as("the connection is usable afterwards").isEqualTo(1);
  }

  private static long count() {
    return env.count("SELECT count(*) FROM pipelined");
  }

  /**
   * Two transactions taking two rows' locks in opposite order: PostgreSQL aborts one with a deadlock
   * (40P01). Retried inside the service, both commit, and nobody sees the deadlock.
   */
  @Test
  void shouldRunADeadlockedTransactionAgainUntilItCommits() {
    Pool two = io.vertx.pgclient.PgBuilder.pool().with(new PoolOptions().setMaxSize(2))
        .connectingTo(env.db().connectOptions()).using(env.vertx()).build();
    try {
      await(two.query("CREATE TABLE IF NOT EXISTS locks (id int PRIMARY KEY, n int NOT NULL)").execute());
      await(two.query("DELETE FROM locks").execute());
      await(two.query("INSERT INTO locks VALUES (1, 0), (2, 0)").execute());
      io.vertx.core.Promise<Void> aHolds = io.vertx.core.Promise.promise();
      io.vertx.core.Promise<Void> bHolds = io.vertx.core.Promise.promise();
      java.util.concurrent.atomic.AtomicInteger attempts = new java.util.concurrent.atomic.AtomicInteger();
      Future<Void> a = Transactions.retryingConflicts(() -> crossing(two, 1, 2, aHolds, bHolds.future(), attempts));
      Future<Void> b = Transactions.retryingConflicts(() -> crossing(two, 2, 1, bHolds, aHolds.future(), attempts));

      await(Future.all(a, b), java.time.Duration.ofSeconds(30));
      assertThat(attempts.get()).as("one of them was aborted and run again").isGreaterThanOrEqualTo(3);
      assertThat(await(two.query("SELECT sum(n) FROM locks").execute()).iterator().next().getLong(0)).isEqualTo(4);
    } finally {
      await(two.close());
    }
  }

  @Test
  void shouldNotRunAgainOnOtherFailures() {
    java.util.concurrent.atomic.AtomicInteger attempts = new java.util.concurrent.atomic.AtomicInteger();
    Throwable failure = io.tollgate.testing.Async.awaitFailure(Transactions.retryingConflicts(() -> {
      attempts.incrementAndGet();
      return pool.query("INSERT INTO pipelined VALUES (1), (1)").execute();
    }));
    assertThat(failure.getMessage()).contains("duplicate key");
    assertThat(attempts.get()).isEqualTo(1);
    assertThat(Transactions.isConflict(failure)).isFalse();
  }

  private static Future<Void> crossing(Pool pool, int first, int second, io.vertx.core.Promise<Void> holding,
      Future<Void> otherHolds, java.util.concurrent.atomic.AtomicInteger attempts) {
    attempts.incrementAndGet();
    return pool.withTransaction(conn -> conn.query("UPDATE locks SET n = n + 1 WHERE id = " + first).execute()
        .compose(locked -> {
          holding.tryComplete();
          return otherHolds;
        })
        .compose(both -> conn.query("UPDATE locks SET n = n + 1 WHERE id = " + second).execute())
        .mapEmpty());
  }
}
