package io.tollgate.testing;

import static io.tollgate.testing.Async.await;

import io.tollgate.db.DatabaseSettings;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

/**
 * A Vert.x instance for one test class, optionally with a fresh migrated PostgreSQL database
 * ({@link TestPostgres}) and a pool on it. Create it in {@code @BeforeAll}, close it in
 * {@code @AfterAll}: closing closes the pool and Vert.x, then drops the database.
 *
 * <pre>{@code
 * private static TestVertx env;
 * @BeforeAll static void start() { env = TestVertx.withDatabase(); }
 * @AfterAll static void stop() { env.close(); }
 * ... await(service(env.pool()).create(...)); assertThat(env.count("SELECT count(*) FROM checkouts")).isEqualTo(1);
 * }</pre>
 */
public final class TestVertx implements AutoCloseable {
  private final Vertx vertx;
  private final TestPostgres.TestDatabase database;
  private final Pool pool;

  private TestVertx(Vertx vertx, TestPostgres.TestDatabase database, Pool pool) {
    this.vertx = vertx;
    this.database = database;
    this.pool = pool;
  }

  /** Vert.x alone. */
  public static TestVertx start() {
    return new TestVertx(Vertx.vertx(), null, null);
  }

  /** Vert.x, a fresh migrated database and a pool of 8 connections on it. */
  public static TestVertx withDatabase() {
    return withDatabase(new PoolOptions().setMaxSize(8));
  }

  public static TestVertx withDatabase(PoolOptions poolOptions) {
    TestPostgres.TestDatabase database = TestPostgres.newDatabase();
    Vertx vertx = Vertx.vertx();
    Pool pool = PgBuilder.pool().with(poolOptions).connectingTo(database.settings().connectOptions()).using(vertx).build();
    return new TestVertx(vertx, database, pool);
  }

  public Vertx vertx() {
    return vertx;
  }

  public Pool pool() {
    if (pool == null) throw new IllegalStateException("created without a database: use TestVertx.withDatabase()");
    return pool;
  }

  public DatabaseSettings db() {
    if (database == null) throw new IllegalStateException("created without a database: use TestVertx.withDatabase()");
    return database.settings();
  }

  /** Runs one statement ({@code $1, $2...} parameters) and waits for its rows. */
  public RowSet<Row> sql(String sql, Object... params) {
    return await(pool().preparedQuery(sql).execute(Tuple.from(params)));
  }

  /** The first column of the first row, as a long: for {@code SELECT count(*) ...}. */
  public long count(String sql, Object... params) {
    return sql(sql, params).iterator().next().getLong(0);
  }

  /** The first row (fails the test when there is none). */
  public Row one(String sql, Object... params) {
    RowSet<Row> rows = sql(sql, params);
    if (rows.size() == 0) throw new AssertionError("no row for " + sql);
    return rows.iterator().next();
  }

  @Override
  public void close() {
    try {
      if (pool != null) await(pool.close());
      await(vertx.close());
    } finally {
      if (database != null) database.close();
    }
  }
}
