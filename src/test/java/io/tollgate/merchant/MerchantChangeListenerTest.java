package io.tollgate.merchant;

import static io.tollgate.testing.Async.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.testing.TestVertx;
import io.vertx.sqlclient.Row;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The listener's notification connection, dropped under it (a PostgreSQL restart, a failover, the
 * embedded database of development mode going away at Ctrl-C): it reconnects by itself, and
 * nothing is printed past the log (the SQL client prints an unhandled connection failure to
 * standard error, a line no JSON log pipeline can read).
 */
class MerchantChangeListenerTest {

  @Test
  void aDroppedNotificationConnectionReconnectsWithoutPrintingToStandardError() {
    try (TestVertx env = TestVertx.withDatabase()) {
      MerchantAuthenticator authenticator = new MerchantAuthenticator(env.pool(), Clock.systemUTC(), Duration.ofSeconds(60));
      await(env.vertx().deployVerticle(new MerchantChangeListener(env.db(), authenticator)));
      int listener = awaitListener(env, -1);

      PrintStream original = System.err;
      ByteArrayOutputStream printed = new ByteArrayOutputStream();
      System.setErr(new PrintStream(printed, true, StandardCharsets.UTF_8));
      try {
        env.sql("SELECT pg_terminate_backend($1)", listener);
        assertThat(awaitListener(env, listener)).as("listening again on a new connection").isNotEqualTo(listener);
      } finally {
        System.setErr(original);
      }
      assertThat(printed.toString(StandardCharsets.UTF_8)).isEmpty();
    }
  }

  /** The backend that listens to merchant changes, other than {@code not}, once there is one. */
  private static int awaitListener(TestVertx env, int not) {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (System.nanoTime() < deadline) {
      for (Row row : env.sql("SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
          + " AND query ILIKE '%LISTEN%' AND query ILIKE '%" + MerchantChanges.CHANNEL + "%' AND pid <> $1", not)) {
        return row.getInteger("pid");
      }
      await(env.vertx().timer(50));
    }
    throw new AssertionError("nobody listens to " + MerchantChanges.CHANNEL);
  }
}
