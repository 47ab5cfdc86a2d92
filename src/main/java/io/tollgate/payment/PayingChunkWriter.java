package io.tollgate.payment;

import static io.tollgate.payment.LedgerSql.actor;
import static io.tollgate.payment.LedgerSql.utc;

import io.tollgate.checkout.CheckoutTransition;
import io.tollgate.checkout.StatusNotifications;
import io.tollgate.checkout.TransitionLog;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * One chunk of paying verdicts (of distinct checkouts, all confirmations or all first receipts)
 * written set-based on the chunk's connection, inside the transaction {@link VerdictWriter} opened:
 * the statements of {@link VerdictRecorder}'s {@code confirm} and {@code mined}, over {@code unnest}
 * arrays, a few round trips for the whole chunk.
 */
final class PayingChunkWriter {
  private final TransitionLog transitions;

  PayingChunkWriter(TransitionLog transitions) {
    this.transitions = transitions;
  }

  /**
   * {@link VerdictRecorder}'s {@code confirm} for many payments of distinct checkouts in one
   * transaction: the payments' compare-and-set and the checkouts' (each paid by its payment, or the
   * payment flagged a duplicate payment), sent together; then the flags, the audit rows,
   * the outbox and one notification per checkout, sent together. Rows are locked in id order, payments before
   * checkouts, as everywhere else: PostgreSQL runs one connection's statements one after another.
   */
  Future<Void> confirmAll(SqlConnection conn, List<VerdictMessage> verdicts) {
    if (verdicts.isEmpty()) return Future.succeededFuture();
    Long[] payments = verdicts.stream().map(v -> v.payment().paymentId()).toArray(Long[]::new);
    Future<List<VerdictMessage>> stored = storePaying(conn, verdicts, "confirmed", false);
    // Sent without waiting for the payments' answer, so it cannot take the payments that moved
    // from it: it takes the batch's payments that are confirmed (on time) now. One confirmed
    // before (a replay) already paid its checkout or was flagged rejected, so it changes nothing
    // here; the check below fails the chunk (recorded one by one instead) if that ever stops being
    // true. Checkouts are locked once, in id order, by a MATERIALIZED CTE (see storePaying).
    Future<RowSet<Row>> paying = conn.preparedQuery(LedgerSql.SETTLE).execute(Tuple.of(payments));
    // join, not all: on a failure, both statements have answered before the transaction is rolled back.
    return Future.join(stored, paying).compose(ignored -> {
      List<VerdictMessage> moved = stored.result();
      Set<Long> movedPayments = new HashSet<>();
      moved.forEach(v -> movedPayments.add(v.payment().paymentId()));
      Map<UUID, Row> settled = new HashMap<>();
      for (Row row : paying.result()) {
        if (!movedPayments.contains(row.getLong("payment_id"))) {
          return Future.failedFuture(new IllegalStateException("checkout " + row.getUUID("id")
              + " settled by payment " + row.getLong("payment_id") + ", which was confirmed before this transaction"));
        }
        settled.put(row.getUUID("id"), row);
      }
      if (moved.isEmpty()) return Future.succeededFuture();
      UUID[] checkouts = moved.stream().map(v -> v.payment().checkoutId()).toArray(UUID[]::new);
      List<CheckoutTransition> changes = new ArrayList<>(moved.size());
      List<Long> alreadyPaid = new ArrayList<>();
      for (VerdictMessage v : moved) {
        UUID checkout = v.payment().checkoutId();
        long payment = v.payment().paymentId();
        if (settled.containsKey(checkout)) {
          changes.add(VerdictRecorder.settledTransition(checkout, payment, settled.get(checkout), actor(v),
              (Verdict.Paying) v.verdict()));
        } else {
          // Money arrived for a checkout something else already settled: a duplicate payment.
          alreadyPaid.add(payment);
          changes.add(LedgerSql.duplicateTransition(checkout, payment, actor(v), (Verdict.Paying) v.verdict()));
        }
      }
      // Sent together; PostgreSQL runs them in this order, so the notified snapshots show the
      // flagged payments and no statement waits for the previous one's answer.
      Future<?> flagged = alreadyPaid.isEmpty() ? Future.succeededFuture()
          : conn.preparedQuery(LedgerSql.MARK_DUPLICATE).execute(Tuple.of(alreadyPaid.toArray(Long[]::new)));
      Future<Void> recorded = transitions.recordAll(conn, changes);
      Future<Void> notified = StatusNotifications.checkoutsChanged(conn, checkouts);
      return Future.join(flagged, recorded, notified).<Void>mapEmpty();
    });
  }

  /**
   * {@link VerdictRecorder}'s {@code mined} for many payments of distinct checkouts in one
   * transaction: a paying receipt seen, still short of its confirmations (the browser shows the
   * count from the head).
   */
  Future<Void> minedAll(SqlConnection conn, List<VerdictMessage> verdicts) {
    if (verdicts.isEmpty()) return Future.succeededFuture();
    return storePaying(conn, verdicts, "mined", true)
        .compose(moved -> {
          if (moved.isEmpty()) return Future.succeededFuture();
          UUID[] checkouts = moved.stream().map(v -> v.payment().checkoutId()).toArray(UUID[]::new);
          List<CheckoutTransition> changes = moved.stream().map(v -> {
            Verdict.Paying p = (Verdict.Paying) v.verdict();
            return new CheckoutTransition(v.payment().checkoutId(), v.payment().paymentId(), "pending", "pending", "mined",
                actor(v), new JsonObject().put("blockNumber", p.blockNumber()).put("blockHash", p.blockHash()));
          }).toList();
          // Sent together and run in this order: the notified snapshots carry the new version.
          Future<?> bumped = conn.preparedQuery("""
                  WITH locked AS MATERIALIZED (SELECT id FROM checkouts WHERE id = ANY ($1) ORDER BY id FOR UPDATE)
                  UPDATE checkouts c SET version = c.version + 1, updated_at = now() FROM locked WHERE c.id = locked.id""")
              .execute(Tuple.of(checkouts));
          Future<Void> recorded = transitions.recordAll(conn, changes);
          Future<Void> notified = StatusNotifications.checkoutsChanged(conn, checkouts);
          return Future.join(bumped, recorded, notified).<Void>mapEmpty();
        });
  }

  /**
   * Stores the paying verdicts' block facts on their payments with {@code status} (a compare-and-set
   * from submitted or mined, locking in id order) and answers the verdicts whose payment moved; the
   * others were recorded before (a replay). {@code onlyNewBlock} skips a payment already recorded
   * in the same block.
   */
  private static Future<List<VerdictMessage>> storePaying(SqlConnection conn, List<VerdictMessage> verdicts, String status,
      boolean onlyNewBlock) {
    int n = verdicts.size();
    Long[] ids = new Long[n];
    Long[] blocks = new Long[n];
    String[] hashes = new String[n];
    OffsetDateTime[] times = new OffsetDateTime[n];
    String[] payers = new String[n];
    String[] amounts = new String[n];
    Map<Long, VerdictMessage> byPayment = new HashMap<>();
    for (int i = 0; i < n; i++) {
      VerdictMessage v = verdicts.get(i);
      Verdict.Paying p = (Verdict.Paying) v.verdict();
      ids[i] = v.payment().paymentId();
      blocks[i] = p.blockNumber();
      hashes[i] = p.blockHash();
      times[i] = utc(p);
      payers[i] = p.payer();
      amounts[i] = p.amount().toString();
      byPayment.put(ids[i], v);
    }
    // The locking subquery is a MATERIALIZED CTE so that it runs once: as a plain IN (subquery),
    // statistics that see few active payments (just submitted, not yet analyzed: a drop) made the
    // planner re-run it for every row, O(n²) (29 ms instead of 5 ms for 170 payments).
    return conn.preparedQuery("""
            WITH locked AS MATERIALIZED (SELECT id FROM payments WHERE id = ANY ($1) ORDER BY id FOR UPDATE)
            UPDATE payments p SET status = $7, block_number = v.block_number, block_hash = v.block_hash,
                                  block_time = v.block_time, payer = v.payer, amount_base = v.amount_base::numeric,
                                  updated_at = now()
            FROM locked JOIN unnest($1::bigint[], $2::bigint[], $3::text[], $4::timestamptz[], $5::text[], $6::text[])
                 AS v(id, block_number, block_hash, block_time, payer, amount_base) ON v.id = locked.id
            WHERE p.id = locked.id AND p.status IN ('submitted', 'mined')
              AND (NOT $8 OR p.block_hash IS DISTINCT FROM v.block_hash)
            RETURNING p.id""")
        .execute(Tuple.of(ids, blocks, hashes, times, payers, amounts, status, onlyNewBlock))
        .map(updated -> {
          List<VerdictMessage> moved = new ArrayList<>();
          updated.forEach(row -> moved.add(byPayment.get(row.getLong("id"))));
          return moved;
        });
  }
}
