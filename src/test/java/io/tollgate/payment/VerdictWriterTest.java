package io.tollgate.payment;

import static io.tollgate.testing.Async.await;
import static io.tollgate.testing.Async.awaitFailure;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.chain.AssetKind;

import io.tollgate.checkout.CheckoutTransition;
import io.tollgate.checkout.TransitionLog;
import io.tollgate.testing.TestVertx;
import io.tollgate.webhook.WebhookOutbox;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A round's paying verdicts written in chunks, each its own transaction, against a real
 * PostgreSQL: a chunk that fails holds up and loses no other chunk's verdicts, every payment's
 * state change, audit row and outbox event share one transaction, and a replay changes nothing.
 */
class VerdictWriterTest {
  private static final UUID MERCHANT = UUID.fromString("00000000-0000-0000-0000-00000000000a");
  private static final String RECIPIENT = "0xa0ee7a142d267c1f36714e4a8f75612f20a79720";
  private static final String TOKEN = "0x5fbdb2315678afecb367f032d93f642f64180aa3";

  private static TestVertx env;
  private static Pool pool;

  @BeforeAll
  static void start() {
    env = TestVertx.withDatabase();
    pool = env.pool();
    await(pool.query("INSERT INTO merchants (id, name) VALUES ('" + MERCHANT + "', 'Ledger shop')").execute());
  }

  @AfterAll
  static void stop() {
    if (env != null) env.close();
  }

  @Test
  void shouldWriteEveryOtherChunkWhileOneIsStuckAndRecordTheStuckOnesNeighboursOneByOneWhenItFails() {
    List<VerdictMessage> round = submittedPayments(10).stream().map(VerdictWriterTest::confirmed).toList();
    // The first chunk (lowest payment ids) holds the poisoned checkout.
    UUID poisoned = round.get(0).payment().checkoutId();
    Poison poison = new Poison(poisoned);
    // 10 verdicts at 3 per chunk: 4 chunks (3, 3, 2, 2), two written at a time.
    VerdictWriter writer = writer(poison, new VerdictWriteSettings(3, 2));

    Future<Void> recorded = writer.recordAll(round);

    // While the first chunk's transaction is stuck, the other writer writes the three other chunks.
    Set<UUID> otherChunks = checkouts(round.subList(3, 10));
    awaitPaid(otherChunks);
    assertThat(poison.stuck.future().isComplete()).isFalse();
    assertThat(recorded.isComplete()).as("the round, while a chunk is stuck").isFalse();
    assertThat(paidCheckouts(checkouts(round.subList(0, 3)))).as("nothing of the stuck chunk is visible").isEmpty();

    // The stuck chunk fails as a whole (a deadlock, say): its verdicts are recorded one by one, and
    // only the poisoned one fails.
    poison.stuck.fail("deadlock detected (simulated)");
    assertThat(awaitFailure(recorded)).hasMessageContaining("poisoned");
    Set<UUID> written = checkouts(round.subList(1, 10));
    assertThat(paidCheckouts(checkouts(round))).containsExactlyInAnyOrderElementsOf(written);
    assertThat(state(poisoned)).isEqualTo("pending/submitted/0 paid rows/0 events");
    assertOneTransactionPerPayment(round.subList(1, 10));
    // Chunks 2-4 in a transaction each, the stuck chunk's two neighbours in one each.
    assertThat(paidTransactions(round.subList(1, 10))).hasSize(3 + 2);

    // The watcher reports the round again (the poisoned verdict was not recorded): now it pays the
    // poisoned checkout and changes nothing else.
    Map<UUID, String> before = states(round);
    poison.lifted = true;
    await(writer.recordAll(round));
    Map<UUID, String> after = states(round);
    assertThat(after.get(poisoned)).startsWith("paid/confirmed/1 paid rows/1 events");
    after.remove(poisoned);
    before.remove(poisoned);
    assertThat(after).isEqualTo(before);

    // And once more: a replay of a fully recorded round changes nothing at all.
    Map<UUID, String> settled = states(round);
    await(writer.recordAll(round));
    assertThat(states(round)).isEqualTo(settled);
  }

  /**
   * Several checkouts claiming one transaction (a payer bound to each, or binding optional) whose
   * verdicts all pay: one claim is credited, the others are rejected {@code tx_already_credited},
   * whether they share a chunk (the unique index fails it; recorded one by one) or are written by
   * chunks side by side; a replay changes nothing.
   */
  @Test
  void shouldCreditATransactionClaimedByThreeCheckoutsToExactlyOneOfThem() {
    for (VerdictWriteSettings settings : List.of(new VerdictWriteSettings(64, 4), new VerdictWriteSettings(1, 3))) {
      List<ActivePayment> own = submittedPayments(3);
      String shared = own.get(0).txHash();
      List<ActivePayment> claims = List.of(own.get(0), claim(own.get(1), shared), claim(own.get(2), shared));
      List<VerdictMessage> round = claims.stream().map(VerdictWriterTest::confirmed).toList();
      VerdictWriter writer = writer(new Poison(null), settings);

      // A losing claim may fail its round on the unique index; the watcher reports it again.
      await(writer.recordAll(round).otherwise((Void) null));
      await(writer.recordAll(round));

      assertThat(claimStates(shared)).as("claims of %s with %s", shared, settings)
          .containsExactlyInAnyOrder("confirmed/null", "rejected/tx_already_credited", "rejected/tx_already_credited");
      assertThat(paidCheckouts(checkouts(round))).hasSize(1);
      Map<String, String> settled = Map.of("claims", String.join(",", claimStates(shared)));
      await(writer.recordAll(round));
      assertThat(Map.of("claims", String.join(",", claimStates(shared)))).isEqualTo(settled);
      assertThat(paidCheckouts(checkouts(round))).hasSize(1);
    }
  }

  @Test
  void shouldWriteConfirmationsAndFirstReceiptsInSeparateChunks() {
    List<ActivePayment> payments = submittedPayments(6);
    List<VerdictMessage> round = new ArrayList<>();
    for (int i = 0; i < payments.size(); i++) {
      round.add(i % 2 == 0 ? confirmed(payments.get(i)) : mined(payments.get(i)));
    }
    VerdictWriter writer = writer(new Poison(null), new VerdictWriteSettings(64, 4));

    await(writer.recordAll(round));

    // One chunk of confirmations and one of first receipts: a chunk locks payments, then checkouts,
    // each in id order, never the confirmations' rows and then the receipts' rows.
    List<VerdictMessage> confirming = round.stream().filter(v -> ((Verdict.Paying) v.verdict()).confirmed()).toList();
    List<VerdictMessage> mining = round.stream().filter(v -> !((Verdict.Paying) v.verdict()).confirmed()).toList();
    Set<String> paid = paidTransactions(confirming);
    Set<String> mined = new HashSet<>();
    for (VerdictMessage v : mining) {
      RowSet<Row> rows = await(pool.preparedQuery("""
              SELECT e.xmin::text AS audit_tx, p.xmin::text AS payment_tx, p.status
              FROM checkout_events e JOIN payments p ON p.id = e.payment_id
              WHERE e.checkout_id = $1 AND e.reason = 'mined'""")
          .execute(Tuple.of(v.payment().checkoutId())));
      assertThat(rows.size()).isEqualTo(1);
      Row row = rows.iterator().next();
      assertThat(row.getString("status")).isEqualTo("mined");
      assertThat(row.getString("payment_tx")).isEqualTo(row.getString("audit_tx"));
      mined.add(row.getString("audit_tx"));
    }
    assertThat(paid).hasSize(1);
    assertThat(mined).hasSize(1).doesNotContainAnyElementsOf(paid);
    assertOneTransactionPerPayment(confirming);
  }

  /**
   * A watcher round's two batches (round 1's verdicts and round 2's) may be written at once. They
   * decide different payments but can share a checkout: each such checkout is paid exactly once,
   * by one of its payments, the other kept as a duplicate payment, and the two batches'
   * chunks never deadlock (they lock payments, then checkouts, each in id order).
   */
  @Test
  void shouldPayACheckoutOnceWhenTwoBatchesWrittenAtOnceConfirmTwoOfItsPayments() {
    VerdictWriter writer = writer(new Poison(null), new VerdictWriteSettings(3, 2));
    long deadlocksBefore = deadlocks();
    for (int attempt = 0; attempt < 5; attempt++) {
      List<ActivePayment> first = submittedPayments(8);
      List<ActivePayment> second = first.subList(0, 4).stream().map(VerdictWriterTest::anotherPayment).toList();
      List<VerdictMessage> roundOne = first.stream().map(VerdictWriterTest::confirmed).toList();
      List<VerdictMessage> roundTwo = second.stream().map(VerdictWriterTest::confirmed).toList();

      await(Future.join(writer.recordAll(roundOne), writer.recordAll(roundTwo)));

      for (ActivePayment p : first) {
        RowSet<Row> rows = await(pool.preparedQuery("""
                SELECT c.status,
                       (SELECT count(*) FROM payments x WHERE x.checkout_id = c.id AND x.status = 'confirmed'
                          AND x.id = c.paid_payment_id) AS paying,
                       (SELECT count(*) FROM payments x WHERE x.checkout_id = c.id AND x.status = 'confirmed'
                          AND x.duplicate AND x.reason = 'checkout_already_paid') AS flagged,
                       (SELECT count(*) FROM checkout_events e WHERE e.checkout_id = c.id AND e.to_status = 'paid') AS paid_rows,
                       (SELECT count(*) FROM webhook_events w WHERE w.checkout_id = c.id AND w.type = 'checkout.paid') AS paid_events
                FROM checkouts c WHERE c.id = $1""")
            .execute(Tuple.of(p.checkoutId())));
        Row row = rows.iterator().next();
        boolean paidTwice = first.indexOf(p) < 4;
        assertThat(List.of(row.getString("status"), row.getLong("paying"), row.getLong("flagged"), row.getLong("paid_rows"),
                row.getLong("paid_events")))
            .as("checkout %s, %s", p.checkoutId(), paidTwice ? "confirmed by both batches" : "by round 1 only")
            .containsExactly("paid", 1L, paidTwice ? 1L : 0L, 1L, 1L);
      }
    }
    assertThat(deadlocks()).as("deadlocks detected by PostgreSQL").isEqualTo(deadlocksBefore);
  }

  /**
   * A chunk's checkouts are paid by a statement sent together with the payments' compare-and-set,
   * so it cannot see which payments that moved: replayed confirmations in the chunk (one paid on
   * time, one paid after its checkout expired) must change nothing, and must not send the new
   * confirmations down the one-by-one path either.
   */
  @Test
  void shouldChangeNothingForReplayedConfirmationsAndWriteTheNewOnesInOneTransaction() {
    VerdictWriter writer = writer(new Poison(null), new VerdictWriteSettings(64, 4));
    List<VerdictMessage> earlier = submittedPayments(3).stream().map(VerdictWriterTest::confirmed).toList();
    await(writer.recordAll(earlier));
    ActivePayment late = submittedPayments(1).get(0);
    await(pool.preparedQuery("""
            UPDATE checkouts SET status = 'expired', status_reason = 'paid_late', version = version + 1 WHERE id = $1""")
        .execute(Tuple.of(late.checkoutId())));
    await(pool.preparedQuery("""
            UPDATE payments SET status = 'confirmed', late = true, block_number = 100, block_hash = $2,
                                block_time = now(), payer = $3, amount_base = 2000000 WHERE id = $1""")
        .execute(Tuple.of(late.paymentId(), "0x" + "ab".repeat(32), "0x" + "cd".repeat(20))));
    List<VerdictMessage> replayed = new ArrayList<>(earlier);
    replayed.add(confirmed(late));
    Map<UUID, String> before = states(replayed);
    List<VerdictMessage> fresh = submittedPayments(3).stream().map(VerdictWriterTest::confirmed).toList();
    List<VerdictMessage> round = new ArrayList<>(replayed);
    round.addAll(fresh);

    await(writer.recordAll(round));

    assertThat(states(replayed)).as("the replayed checkouts, untouched").isEqualTo(before);
    assertThat(before.get(late.checkoutId())).startsWith("expired/confirmed/0 paid rows/0 events");
    assertThat(paidTransactions(fresh)).as("the new confirmations, in one transaction (no one-by-one fallback)").hasSize(1);
    assertOneTransactionPerPayment(fresh);
  }

  /**
   * A round of finality marks (every payment of a drop becomes final a few blocks after it paid) is
   * written set-based, in one transaction per chunk, after the round's paying chunks: each confirmed
   * payment still in its block becomes final and its checkout's version moves (polls show
   * {@code final}); a mark for another block hash changes nothing; a replay changes nothing.
   */
  @Test
  void shouldWriteARoundsFinalityMarksTogetherAndOnlyForPaymentsStillInTheirBlock() {
    VerdictWriter writer = writer(new Poison(null), new VerdictWriteSettings(64, 4));
    List<ActivePayment> payments = submittedPayments(5);
    await(writer.recordAll(payments.stream().map(VerdictWriterTest::confirmed).toList()));
    Map<UUID, Long> versionsBefore = versions(payments);
    List<VerdictMessage> marks = new ArrayList<>();
    for (int i = 0; i < 4; i++) marks.add(new VerdictMessage(payments.get(i), new Verdict.Final("0x" + "ab".repeat(32)), 112));
    ActivePayment moved = payments.get(4); // its block is no longer the one confirmed: not final
    marks.add(new VerdictMessage(moved, new Verdict.Final("0x" + "ef".repeat(32)), 112));

    await(writer.recordAll(marks));

    RowSet<Row> rows = await(pool.preparedQuery("""
            SELECT id, final, xmin::text AS tx FROM payments WHERE id = ANY ($1) ORDER BY id""")
        .execute(Tuple.of(payments.stream().map(ActivePayment::paymentId).toArray(Long[]::new))));
    Set<String> transactions = new HashSet<>();
    for (Row row : rows) {
      boolean expectFinal = row.getLong("id") != moved.paymentId();
      assertThat(row.getBoolean("final")).as("payment %s final", row.getLong("id")).isEqualTo(expectFinal);
      if (expectFinal) transactions.add(row.getString("tx"));
    }
    assertThat(transactions).as("the four marks, in one transaction").hasSize(1);
    Map<UUID, Long> versionsAfter = versions(payments);
    for (ActivePayment p : payments) {
      long step = p == moved ? 0 : 1;
      assertThat(versionsAfter.get(p.checkoutId())).as("version of %s", p.checkoutId())
          .isEqualTo(versionsBefore.get(p.checkoutId()) + step);
    }

    await(writer.recordAll(marks));
    assertThat(versions(payments)).as("after a replay").isEqualTo(versionsAfter);
  }

  private static Map<UUID, Long> versions(List<ActivePayment> payments) {
    RowSet<Row> rows = await(pool.preparedQuery("SELECT id, version FROM checkouts WHERE id = ANY ($1)")
        .execute(Tuple.of(payments.stream().map(ActivePayment::checkoutId).toArray(UUID[]::new))));
    Map<UUID, Long> versions = new java.util.HashMap<>();
    for (Row row : rows) versions.put(row.getUUID("id"), row.getLong("version"));
    return versions;
  }

  // ---- the poisoned listener: a set-based write including the poisoned checkout is stuck until
  // the test fails it, and a single write of that checkout fails, until the poison is lifted ----

  private static final class Poison implements TransitionLog.Listener {
    final UUID checkout;
    final Promise<Void> stuck = Promise.promise();
    volatile boolean lifted;

    Poison(UUID checkout) {
      this.checkout = checkout;
    }

    @Override
    public Future<Void> onTransition(SqlConnection conn, CheckoutTransition t) {
      return !lifted && t.checkoutId().equals(checkout)
          ? Future.failedFuture(new IllegalStateException("poisoned checkout " + checkout)) : Future.succeededFuture();
    }

    @Override
    public Future<Void> onTransitions(SqlConnection conn, List<CheckoutTransition> transitions) {
      boolean poisoned = !lifted && transitions.stream().anyMatch(t -> t.checkoutId().equals(checkout));
      return poisoned ? stuck.future() : Future.succeededFuture();
    }
  }

  private static VerdictWriter writer(Poison poison, VerdictWriteSettings settings) {
    return new VerdictWriter(pool, new TransitionLog(List.of(new WebhookOutbox(Clock.systemUTC()), poison)), settings);
  }

  // ---- fixtures ----

  /** {@code n} pending checkouts, each with one submitted payment, in payment id order. */
  private static List<ActivePayment> submittedPayments(int n) {
    List<ActivePayment> payments = new ArrayList<>();
    Instant now = Instant.now();
    for (int i = 0; i < n; i++) {
      UUID checkout = UUID.randomUUID();
      await(pool.preparedQuery("""
              INSERT INTO checkouts (id, merchant_id, order_reference, amount, currency, status, expires_at, created_at, updated_at)
              VALUES ($1, $2, 'ORDER', 2.00, 'USD', 'pending', now() + interval '10 minutes', now(), now())""")
          .execute(Tuple.of(checkout, MERCHANT)));
      await(pool.preparedQuery("INSERT INTO payment_options VALUES ($1, 31337, 'USDC', $2, 6, 2000000, $3)")
          .execute(Tuple.of(checkout, TOKEN, RECIPIENT)));
      String txHash = "0x" + (checkout.toString().replace("-", "") + checkout.toString().replace("-", ""));
      long id = await(pool.preparedQuery("""
              INSERT INTO payments (checkout_id, chain_id, token, tx_hash, status, submitted_at, updated_at)
              VALUES ($1, 31337, 'USDC', $2, 'submitted', now(), now()) RETURNING id""")
          .execute(Tuple.of(checkout, txHash))).iterator().next().getLong("id");
      PaymentExpectation expectation = new PaymentExpectation(31337, AssetKind.ERC20, TOKEN, RECIPIENT,
          BigInteger.valueOf(2_000_000), null, now.minusSeconds(60), now.plusSeconds(600), 1);
      payments.add(ActivePayment.unmined(id, checkout, txHash, expectation));
    }
    return payments;
  }

  /** {@code p}'s checkout claiming transaction {@code txHash} too. */
  private static ActivePayment claim(ActivePayment p, String txHash) {
    long id = await(pool.preparedQuery("""
            INSERT INTO payments (checkout_id, chain_id, token, tx_hash, status, submitted_at, updated_at)
            VALUES ($1, 31337, 'USDC', $2, 'submitted', now(), now()) RETURNING id""")
        .execute(Tuple.of(p.checkoutId(), txHash))).iterator().next().getLong("id");
    return ActivePayment.unmined(id, p.checkoutId(), txHash, p.expectation());
  }

  /** status/reason of every claim on {@code txHash}, in claim order. */
  private static List<String> claimStates(String txHash) {
    List<String> states = new ArrayList<>();
    await(pool.preparedQuery("SELECT status, reason FROM payments WHERE tx_hash = $1 ORDER BY id").execute(Tuple.of(txHash)))
        .forEach(r -> states.add(r.getString("status") + "/" + r.getString("reason")));
    return states;
  }

  /** A second submitted payment (another transaction) for {@code p}'s checkout. */
  private static ActivePayment anotherPayment(ActivePayment p) {
    String txHash = "0x" + "ee".repeat(8) + p.txHash().substring(18);
    long id = await(pool.preparedQuery("""
            INSERT INTO payments (checkout_id, chain_id, token, tx_hash, status, submitted_at, updated_at)
            VALUES ($1, 31337, 'USDC', $2, 'submitted', now(), now()) RETURNING id""")
        .execute(Tuple.of(p.checkoutId(), txHash))).iterator().next().getLong("id");
    return ActivePayment.unmined(id, p.checkoutId(), txHash, p.expectation());
  }

  private static long deadlocks() {
    return await(pool.query("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()").execute())
        .iterator().next().getLong("deadlocks");
  }

  private static VerdictMessage confirmed(ActivePayment p) {
    return new VerdictMessage(p, paying(p, true), 100);
  }

  private static VerdictMessage mined(ActivePayment p) {
    return new VerdictMessage(p, paying(p, false), 100);
  }

  private static Verdict.Paying paying(ActivePayment p, boolean confirmed) {
    return new Verdict.Paying(100, "0x" + "ab".repeat(32), Instant.now().minusSeconds(2), "0x" + "cd".repeat(20),
        BigInteger.valueOf(2_000_000), 1, confirmed);
  }

  // ---- what the store says ----

  private static Set<UUID> checkouts(List<VerdictMessage> verdicts) {
    Set<UUID> ids = new HashSet<>();
    verdicts.forEach(v -> ids.add(v.payment().checkoutId()));
    return ids;
  }

  private static Set<UUID> paidCheckouts(Set<UUID> among) {
    RowSet<Row> rows = await(pool.preparedQuery("SELECT id FROM checkouts WHERE id = ANY ($1) AND status = 'paid'")
        .execute(Tuple.of(among.toArray(UUID[]::new))));
    Set<UUID> paid = new HashSet<>();
    rows.forEach(r -> paid.add(r.getUUID("id")));
    return paid;
  }

  private static void awaitPaid(Set<UUID> checkouts) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (paidCheckouts(checkouts).size() < checkouts.size()) {
      assertThat(System.nanoTime()).as("the other chunks are written within 10 s").isLessThan(deadline);
      sleep(20);
    }
  }

  /**
   * Each payment's checkout row, payment row, {@code paid} audit row and {@code checkout.paid}
   * outbox event were written by one transaction (same {@code xmin}), and there is one of each.
   */
  private static void assertOneTransactionPerPayment(List<VerdictMessage> verdicts) {
    for (VerdictMessage v : verdicts) {
      RowSet<Row> rows = await(pool.preparedQuery("""
              SELECT c.xmin::text AS checkout_tx, p.xmin::text AS payment_tx, e.xmin::text AS audit_tx,
                     w.xmin::text AS outbox_tx, c.paid_payment_id = p.id AS paid_by_it
              FROM checkouts c
              JOIN payments p ON p.checkout_id = c.id
              JOIN checkout_events e ON e.checkout_id = c.id AND e.to_status = 'paid'
              JOIN webhook_events w ON w.checkout_id = c.id AND w.type = 'checkout.paid'
              WHERE c.id = $1""")
          .execute(Tuple.of(v.payment().checkoutId())));
      assertThat(rows.size()).as("one payment, paid row and event for %s", v.payment().checkoutId()).isEqualTo(1);
      Row row = rows.iterator().next();
      assertThat(row.getBoolean("paid_by_it")).isTrue();
      assertThat(List.of(row.getString("payment_tx"), row.getString("audit_tx"), row.getString("outbox_tx")))
          .as("payment, audit row and outbox event of %s in the checkout's transaction", v.payment().checkoutId())
          .containsOnly(row.getString("checkout_tx"));
    }
  }

  /** The distinct transactions that wrote the checkouts' {@code paid} audit rows. */
  private static Set<String> paidTransactions(List<VerdictMessage> verdicts) {
    RowSet<Row> rows = await(pool.preparedQuery(
            "SELECT DISTINCT xmin::text AS tx FROM checkout_events WHERE checkout_id = ANY ($1) AND to_status = 'paid'")
        .execute(Tuple.of(checkouts(verdicts).toArray(UUID[]::new))));
    Set<String> txs = new HashSet<>();
    rows.forEach(r -> txs.add(r.getString("tx")));
    return txs;
  }

  /** Status, payment status, paid audit rows, outbox events, version and every row's writing transaction. */
  private static String state(UUID checkout) {
    Row row = await(pool.preparedQuery("""
            SELECT c.status, p.status AS payment_status, c.version, c.xmin::text AS tx, p.xmin::text AS payment_tx,
                   (SELECT count(*) FROM checkout_events e WHERE e.checkout_id = c.id AND e.to_status = 'paid') AS paid_rows,
                   (SELECT count(*) FROM checkout_events e WHERE e.checkout_id = c.id) AS audit_rows,
                   (SELECT count(*) FROM webhook_events w WHERE w.checkout_id = c.id) AS events
            FROM checkouts c JOIN payments p ON p.checkout_id = c.id WHERE c.id = $1""")
        .execute(Tuple.of(checkout))).iterator().next();
    String state = row.getString("status") + "/" + row.getString("payment_status") + "/" + row.getLong("paid_rows")
        + " paid rows/" + row.getLong("events") + " events";
    return "pending".equals(row.getString("status")) ? state
        : state + "/" + row.getLong("audit_rows") + " audit rows/v" + row.getInteger("version") + "/tx "
            + row.getString("tx") + "," + row.getString("payment_tx");
  }

  private static Map<UUID, String> states(List<VerdictMessage> verdicts) {
    Map<UUID, String> states = new HashMap<>();
    verdicts.forEach(v -> states.put(v.payment().checkoutId(), state(v.payment().checkoutId())));
    return states;
  }

  // ---- polling: the test thread only, never an event loop ----

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
