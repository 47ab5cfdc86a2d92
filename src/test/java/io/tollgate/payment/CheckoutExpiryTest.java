package io.tollgate.payment;

import static io.tollgate.testing.Async.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.checkout.TransitionLog;
import io.tollgate.testing.TestRows;
import io.tollgate.testing.TestRows.CheckoutRow;
import io.tollgate.testing.TestVertx;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The expiry sweep on a real PostgreSQL: open and failed checkouts past their expiry become
 * expired exactly once, however many sweeps run at once, and nothing else is touched.
 */
class CheckoutExpiryTest {
  private static TestVertx env;
  private static UUID merchant;
  private static CheckoutExpiry expiry;

  @BeforeAll
  static void start() {
    env = TestVertx.withDatabase();
    merchant = TestRows.merchant(env.pool());
    expiry = new CheckoutExpiry(env.pool(), new TransitionLog(List.of()));
  }

  @AfterAll
  static void stop() {
    env.close();
  }

  /** Each test counts what its own sweeps expire: nothing due is left over from another. */
  @BeforeEach
  void sweepEverythingDue() {
    while (await(expiry.expireDue(500)) > 0) {
      // until nothing is due
    }
  }

  @Test
  void shouldExpireOpenAndFailedCheckoutsPastTheirExpiryOnce() {
    UUID open = checkout("open", true);
    UUID failed = checkout("failed", true);
    UUID notYet = checkout("open", false);

    assertThat(await(expiry.expireDue(500))).isEqualTo(2);

    assertThat(state(open)).isEqualTo("expired/v1/open->expired by sweeper");
    assertThat(state(failed)).isEqualTo("expired/v1/failed->expired by sweeper");
    assertThat(state(notYet)).isEqualTo("open/v0/");

    // A second sweep finds nothing to do and changes nothing.
    assertThat(await(expiry.expireDue(500))).isZero();
    assertThat(state(open)).isEqualTo("expired/v1/open->expired by sweeper");
    assertThat(state(failed)).isEqualTo("expired/v1/failed->expired by sweeper");
  }

  @Test
  void shouldExpireEachCheckoutOnceWhenSweepsRunAtOnceAndSkipCheckoutsLockedElsewhere() {
    List<UUID> due = new ArrayList<>();
    Instant now = Instant.now();
    for (int i = 0; i < 60; i++) {
      // The first due first: the ones locked below are those every sweep would take first.
      due.add(checkout(i % 3 == 0 ? "failed" : "open", now.minusSeconds(600 - i)));
    }
    List<UUID> locked = due.subList(0, 10);
    SqlConnection holder = await(env.pool().getConnection());
    Transaction held = await(holder.begin());
    int total;
    try {
      // Another transaction (a submission, a sweep elsewhere) holds the earliest due checkouts.
      await(holder.preparedQuery("SELECT id FROM checkouts WHERE id = ANY ($1) FOR UPDATE")
          .execute(Tuple.of(locked.toArray(UUID[]::new))));

      // Four sweeps of 10 at once: SKIP LOCKED gives each 10 of its own, none waits for another
      // sweep or for the holder.
      List<Integer> firstRound = sweepsAtOnce(4, 10);
      assertThat(firstRound).containsExactly(10, 10, 10, 10);
      assertThat(env.count("SELECT count(*) FROM checkouts WHERE id = ANY ($1) AND status IN ('open', 'failed')",
          (Object) locked.toArray(UUID[]::new))).as("the locked checkouts, skipped").isEqualTo(locked.size());
      total = firstRound.stream().mapToInt(Integer::intValue).sum();
    } finally {
      await(held.rollback());
      await(holder.close());
    }
    for (int round = 0; round < 10; round++) {
      int expired = sweepsAtOnce(4, 10).stream().mapToInt(Integer::intValue).sum();
      if (expired == 0) break;
      total += expired;
    }

    assertThat(total).isEqualTo(due.size());
    assertThat(env.count("""
            SELECT count(*) FROM checkouts c
            WHERE c.id = ANY ($1) AND c.status = 'expired' AND c.version = 1
              AND (SELECT count(*) FROM checkout_events e WHERE e.checkout_id = c.id AND e.to_status = 'expired') = 1""",
        (Object) due.toArray(UUID[]::new)))
        .as("every due checkout expired once, with one audit row").isEqualTo(due.size());
  }

  @Test
  void shouldLeavePendingPaidAndExpiredCheckoutsAlone() {
    UUID pending = checkout("pending", true);
    UUID paid = checkout("paid", true);
    UUID expired = checkout("expired", true);

    assertThat(await(expiry.expireDue(500))).isZero();

    assertThat(state(pending)).as("a payment in flight decides a pending checkout, not the clock").isEqualTo("pending/v0/");
    assertThat(state(paid)).isEqualTo("paid/v0/");
    assertThat(state(expired)).isEqualTo("expired/v0/");
  }

  // ---- fixtures ----

  private static UUID checkout(String status, boolean due) {
    return checkout(status, Instant.now().plusSeconds(due ? -600 : 600));
  }

  private static UUID checkout(String status, Instant expiresAt) {
    return TestRows.checkout(env.pool(), merchant,
        CheckoutRow.open().status(status).createdAt(expiresAt.minusSeconds(600)).expiresAt(expiresAt));
  }

  private static List<Integer> sweepsAtOnce(int sweeps, int batchSize) {
    List<Future<Integer>> running = new ArrayList<>();
    for (int i = 0; i < sweeps; i++) running.add(expiry.expireDue(batchSize));
    await(Future.all(running), Duration.ofSeconds(10));
    return running.stream().map(Future::result).toList();
  }

  /** status/version/the audit rows ("from->to by actor", comma-separated). */
  private static String state(UUID checkout) {
    return env.one("""
            SELECT c.status || '/v' || c.version || '/'
                   || coalesce((SELECT string_agg(e.from_status || '->' || e.to_status || ' by ' || e.actor, ',' ORDER BY e.id)
                                FROM checkout_events e WHERE e.checkout_id = c.id), '') AS state
            FROM checkouts c WHERE c.id = $1""", checkout).getString("state");
  }
}
