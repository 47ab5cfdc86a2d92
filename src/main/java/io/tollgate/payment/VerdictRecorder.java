package io.tollgate.payment;

import static io.tollgate.payment.LedgerSql.actor;
import static io.tollgate.payment.LedgerSql.paymentFacts;
import static io.tollgate.payment.LedgerSql.utc;

import io.tollgate.checkout.CheckoutTransition;
import io.tollgate.checkout.StatusNotifications;
import io.tollgate.checkout.TransitionLog;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.UUID;

/**
 * One verdict, in its own transaction: the compare-and-set transitions of its payment and checkout
 * (reorged, mined, confirmed and paid, paid late, rejected; finality checks through
 * {@link FinalityRecorder}), with audit row and notification. A
 * verdict already recorded changes nothing.
 */
final class VerdictRecorder {
  /** How long a hash submitted after expiry may take to be mined before it is rejected. */
  static final Duration LATE_SUBMISSION_GRACE = Duration.ofMinutes(15);
  /**
   * How long after its checkout's expiry a hash submitted in time, but not found mined, is still
   * watched (issue 22): a node that lags or lies answers {@code null} for a transaction that was
   * mined in time. The checkout expires at once (the shop and buyer hear so), but the claim stays
   * open, and a receipt found meanwhile pays it after all.
   */
  static final Duration NOT_MINED_RECHECK = Duration.ofHours(1);

  private final Pool pool;
  private final TransitionLog transitions;
  private final FinalityRecorder finality;

  VerdictRecorder(Pool pool, TransitionLog transitions) {
    this.pool = pool;
    this.transitions = transitions;
    this.finality = new FinalityRecorder(transitions);
  }

  /** {@link #record(long, UUID, Verdict, String)} for a chain watcher's verdict. */
  Future<Void> record(VerdictMessage v) {
    return record(v.payment().paymentId(), v.payment().checkoutId(), v.verdict(), actor(v));
  }

  /** Records what the chain said about a payment. Idempotent: a verdict already recorded changes nothing. */
  Future<Void> record(long paymentId, UUID checkoutId, Verdict verdict, String actor) {
    return pool.withTransaction(conn -> {
      Future<Boolean> changed;
      if (FinalityRecorder.handles(verdict)) {
        changed = finality.record(conn, paymentId, checkoutId, verdict, actor);
      } else if (verdict instanceof Verdict.Unverifiable u) {
        changed = unverifiable(conn, paymentId, checkoutId, u, actor);
      } else if (verdict instanceof Verdict.NotMined) {
        changed = reorged(conn, paymentId, checkoutId, actor);
      } else if (verdict instanceof Verdict.PaidLate late) {
        // Unconfirmed late payments wait for their confirmations like any other; nothing to store yet.
        changed = late.paying().confirmed() ? paidLate(conn, paymentId, checkoutId, late.paying(), actor)
            : Future.succeededFuture(false);
      } else if (verdict instanceof Verdict.Paying paying) {
        changed = paying.confirmed()
            ? confirm(conn, paymentId, checkoutId, paying, actor)
            : mined(conn, paymentId, checkoutId, paying, actor);
      } else {
        changed = reject(conn, paymentId, checkoutId, (Verdict.Rejected) verdict, actor);
      }
      return changed.compose(c -> c ? StatusNotifications.checkoutChanged(conn, checkoutId) : Future.<Void>succeededFuture());
    });
  }

  /**
   * The watcher reports NotMined only for a recorded receipt that is no longer on the canonical
   * chain: forget the block so the receipt is looked up again.
   */
  private Future<Boolean> reorged(SqlConnection conn, long paymentId, UUID checkoutId, String actor) {
    return conn.preparedQuery("""
            UPDATE payments SET status = 'submitted', block_number = NULL, block_hash = NULL, block_time = NULL,
                                payer = NULL, amount_base = NULL, updated_at = now()
            WHERE id = $1 AND status = 'mined'""")
        .execute(Tuple.of(paymentId))
        .compose(updated -> updated.rowCount() == 0 ? Future.succeededFuture(false)
            : bumpVersion(conn, checkoutId)
                .compose(ignored -> transitions.record(conn, new CheckoutTransition(checkoutId, paymentId, "pending", "pending",
                    "reorged", actor, null)))
                .map(true));
  }

  /**
   * A payment that cannot be judged now (no provider serves its trace): its pending checkout shows
   * why, once (compare-and-set on the reason), and the audit says so. The payment stays as it is.
   */
  private Future<Boolean> unverifiable(SqlConnection conn, long paymentId, UUID checkoutId, Verdict.Unverifiable u,
      String actor) {
    return conn.preparedQuery("""
            UPDATE checkouts c SET status_reason = $2, version = c.version + 1, updated_at = now()
            WHERE c.id = $1 AND c.status = 'pending' AND c.status_reason IS DISTINCT FROM $2
              AND EXISTS (SELECT 1 FROM payments p WHERE p.id = $3 AND p.status IN ('submitted', 'mined'))""")
        .execute(Tuple.of(checkoutId, u.reason(), paymentId))
        .compose(updated -> updated.rowCount() == 0 ? Future.succeededFuture(false)
            : transitions.record(conn, new CheckoutTransition(checkoutId, paymentId, "pending", "pending", u.reason(),
                actor, new JsonObject().put("detail", u.detail()))).map(true));
  }

  private Future<Boolean> mined(SqlConnection conn, long paymentId, UUID checkoutId, Verdict.Paying p, String actor) {
    return conn.preparedQuery("""
            UPDATE payments SET status = 'mined', block_number = $2, block_hash = $3, block_time = $4, payer = $5,
                                amount_base = $6, updated_at = now()
            WHERE id = $1 AND status IN ('submitted', 'mined') AND block_hash IS DISTINCT FROM $3""")
        .execute(Tuple.of(paymentId, p.blockNumber(), p.blockHash(), utc(p), p.payer(), new BigDecimal(p.amount())))
        .compose(updated -> updated.rowCount() == 0 ? Future.succeededFuture(false)
            : bumpVersion(conn, checkoutId)
                .compose(ignored -> transitions.record(conn, new CheckoutTransition(checkoutId, paymentId, "pending", "pending",
                    "mined", actor, new JsonObject().put("blockNumber", p.blockNumber()).put("blockHash", p.blockHash()))))
                .map(true));
  }

  private Future<Boolean> confirm(SqlConnection conn, long paymentId, UUID checkoutId, Verdict.Paying p, String actor) {
    return conn.preparedQuery("""
            UPDATE payments SET status = 'confirmed', block_number = $2, block_hash = $3, block_time = $4, payer = $5,
                                amount_base = $6, updated_at = now()
            WHERE id = $1 AND status IN ('submitted', 'mined') AND """ + NOT_CREDITED_ELSEWHERE)
        .execute(Tuple.of(paymentId, p.blockNumber(), p.blockHash(), utc(p), p.payer(), new BigDecimal(p.amount())))
        .compose(updated -> updated.rowCount() == 0 ? creditedElsewhere(conn, paymentId, checkoutId, p, actor)
            : conn.preparedQuery(LedgerSql.SETTLE)
                .execute(Tuple.of(new Long[] {paymentId}))
                .compose(settled -> settled.rowCount() == 1
                    ? transitions.record(conn, settledTransition(checkoutId, paymentId, settled.iterator().next(), actor, p))
                    // Money arrived for a checkout something else already settled: a duplicate payment.
                    : duplicate(conn, paymentId, checkoutId, p, actor))
                .map(true));
  }

  /**
   * A confirmed payment its checkout could not take (already paid, or received in another option):
   * it stays credited (its transaction can pay nothing else), flagged {@code duplicate} with its
   * own refundable balance, and the shop hears of it ({@code checkout.duplicate_payment}).
   */
  private Future<Void> duplicate(SqlConnection conn, long paymentId, UUID checkoutId, Verdict.Paying p, String actor) {
    return conn.preparedQuery(LedgerSql.MARK_DUPLICATE).execute(Tuple.of(new Long[] {paymentId}))
        .compose(ignored -> transitions.record(conn, LedgerSql.duplicateTransition(checkoutId, paymentId, actor, p)));
  }

  /** The transition a settled checkout made (a row of {@link LedgerSql#SETTLE}): paid, underpaid or failed overpaid. */
  static CheckoutTransition settledTransition(UUID checkoutId, long paymentId, Row settled, String actor, Verdict.Paying p) {
    return new CheckoutTransition(checkoutId, paymentId, settled.getString("old_status"), settled.getString("status"),
        settled.getString("status_reason"), actor, paymentFacts(p).put("amounts", LedgerSql.amounts(settled)));
  }

  /**
   * Records a payment mined after the checkout's expiry: the payment is kept (confirmed, flagged
   * late), the checkout stays or becomes expired with reason {@code paid_late}, and the transition
   * {@code paid_late} tells the shop. A checkout something else already paid keeps its state and the
   * payment is a duplicate payment, as in {@link #confirm}.
   */
  private Future<Boolean> paidLate(SqlConnection conn, long paymentId, UUID checkoutId, Verdict.Paying p, String actor) {
    return conn.preparedQuery("""
            UPDATE payments SET status = 'confirmed', late = true, block_number = $2, block_hash = $3, block_time = $4,
                                payer = $5, amount_base = $6, updated_at = now()
            WHERE id = $1 AND status IN ('submitted', 'mined') AND """ + NOT_CREDITED_ELSEWHERE)
        .execute(Tuple.of(paymentId, p.blockNumber(), p.blockHash(), utc(p), p.payer(), new BigDecimal(p.amount())))
        .compose(updated -> updated.rowCount() == 0 ? creditedElsewhere(conn, paymentId, checkoutId, p, actor)
            : conn.preparedQuery("""
                    UPDATE checkouts c SET status = CASE WHEN c.status = 'canceled' THEN 'canceled' ELSE 'expired' END,
                                           status_reason = 'paid_late', version = c.version + 1,
                                           received_base = c.received_base + p.amount_base,
                                           received_chain_id = p.chain_id, received_token = p.token, updated_at = now()
                    FROM (SELECT id, status FROM checkouts WHERE id = $1 FOR UPDATE) old, payments p
                    WHERE c.id = old.id AND c.status IN ('open', 'pending', 'underpaid', 'failed', 'expired', 'canceled')
                      AND p.id = $2
                      AND (c.received_token IS NULL OR (c.received_chain_id = p.chain_id AND c.received_token = p.token))
                    RETURNING old.status AS old_status""")
                .execute(Tuple.of(checkoutId, paymentId))
                .compose(moved -> moved.rowCount() == 1
                    ? transitions.record(conn, new CheckoutTransition(checkoutId, paymentId, oldStatus(moved), "paid_late",
                        null, actor, paymentFacts(p)))
                    : duplicate(conn, paymentId, checkoutId, p, actor))
                .map(true));
  }

  /**
   * On payments (the claim being credited): no other claim of its transaction is credited. The
   * unique index on credited claims is the guard against races; this condition turns the loser of
   * a race decided before into a rejection instead of a unique violation on every later head.
   */
  private static final String NOT_CREDITED_ELSEWHERE = """
      (NOT EXISTS (SELECT 1 FROM payments o WHERE o.tx_hash = payments.tx_hash AND o.status = 'confirmed' AND o.id <> payments.id))""";

  /**
   * A paying claim that was not credited: a replay (already recorded, nothing changes) or a claim
   * whose transaction another checkout's claim was credited with first, which is rejected
   * {@code tx_already_credited} so that its checkout can be paid otherwise.
   */
  private Future<Boolean> creditedElsewhere(SqlConnection conn, long paymentId, UUID checkoutId, Verdict.Paying p,
      String actor) {
    return reject(conn, paymentId, checkoutId, new Verdict.Rejected(RejectionReason.TX_ALREADY_CREDITED,
        "the transaction was credited to another checkout's claim", p.blockNumber()), actor);
  }

  private Future<Boolean> reject(SqlConnection conn, long paymentId, UUID checkoutId, Verdict.Rejected r, String actor) {
    String reason = r.reason().code();
    // A hash submitted after the checkout expired is "not mined before expiry" from the first
    // round on; it gets LATE_SUBMISSION_GRACE to be mined (a buyer submits right after sending).
    return conn.preparedQuery("""
            UPDATE payments SET status = 'rejected', reason = $2, block_number = coalesce($3, block_number), updated_at = now()
            WHERE id = $1 AND status IN ('submitted', 'mined')
              AND NOT ($2 = 'not_mined_before_expiry' AND submitted_at > now() - make_interval(secs => $4)
                       AND submitted_at >= (SELECT expires_at FROM checkouts c WHERE c.id = payments.checkout_id))
              AND NOT ($2 = 'not_mined_before_expiry' AND status = 'submitted'
                       AND submitted_at < (SELECT expires_at FROM checkouts c WHERE c.id = payments.checkout_id)
                       AND (SELECT expires_at FROM checkouts c WHERE c.id = payments.checkout_id) > now() - make_interval(secs => $5))
              AND ($2 <> 'tx_already_credited' OR NOT (""" + NOT_CREDITED_ELSEWHERE + "))")
        .execute(Tuple.of(paymentId, reason, r.blockNumber(), (double) LATE_SUBMISSION_GRACE.toSeconds(),
            (double) NOT_MINED_RECHECK.toSeconds()))
        .compose(updated -> updated.rowCount() == 0
            ? (r.reason() == RejectionReason.NOT_MINED_BEFORE_EXPIRY ? expireWhileRechecking(conn, paymentId, checkoutId, r, actor)
                : Future.succeededFuture(false))
            // The checkout fails (or expires) only when no other payment of it is still in flight.
            : conn.preparedQuery("""
                    UPDATE checkouts c SET status = CASE WHEN $3 = 'failed' AND c.received_base > 0 THEN 'underpaid' ELSE $3 END,
                                           status_reason = $2, version = c.version + 1, updated_at = now()
                    FROM (SELECT id, status FROM checkouts WHERE id = $1 FOR UPDATE) old
                    WHERE c.id = old.id AND c.status = 'pending'
                      AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.checkout_id = $1 AND p.status IN ('submitted', 'mined')
                                                                  AND p.kind = 'payment')
                    RETURNING old.status AS old_status, c.status AS new_status""")
                .execute(Tuple.of(checkoutId, reason,
                    r.reason() == RejectionReason.NOT_MINED_BEFORE_EXPIRY ? "expired" : "failed"))
                .compose(moved -> transitions.record(conn, new CheckoutTransition(checkoutId, paymentId,
                    moved.rowCount() == 1 ? oldStatus(moved) : null,
                    moved.rowCount() == 1 ? moved.iterator().next().getString("new_status") : "payment_rejected",
                    reason, actor, new JsonObject().put("detail", r.detail()).put("blockNumber", r.blockNumber()))))
                .compose(ignored -> bumpVersion(conn, checkoutId))
                .map(true));
  }

  /**
   * A claim not found mined at a head past the expiry, still inside {@link #NOT_MINED_RECHECK}: the
   * claim stays watched, but its checkout expires now (unless another claim of it is mined), as it
   * would have; a receipt found later still pays it (the ledger pays expired, unpaid checkouts).
   */
  private Future<Boolean> expireWhileRechecking(SqlConnection conn, long paymentId, UUID checkoutId, Verdict.Rejected r,
      String actor) {
    return conn.preparedQuery("""
            UPDATE checkouts c SET status = 'expired', status_reason = 'not_mined_before_expiry',
                                   version = c.version + 1, updated_at = now()
            FROM (SELECT id, status FROM checkouts WHERE id = $1 FOR UPDATE) old
            WHERE c.id = old.id AND c.status = 'pending'
              AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.checkout_id = $1 AND p.status = 'mined')
            RETURNING old.status AS old_status""")
        .execute(Tuple.of(checkoutId))
        .compose(moved -> moved.rowCount() == 0 ? Future.succeededFuture(false)
            : transitions.record(conn, new CheckoutTransition(checkoutId, paymentId, oldStatus(moved), "expired",
                    r.reason().code(), actor, new JsonObject().put("detail", r.detail())
                        .put("recheckedForSeconds", NOT_MINED_RECHECK.toSeconds())))
                .map(true));
  }

  private static Future<Void> bumpVersion(SqlConnection conn, UUID checkoutId) {
    return conn.preparedQuery("UPDATE checkouts SET version = version + 1, updated_at = now() WHERE id = $1")
        .execute(Tuple.of(checkoutId)).mapEmpty();
  }

  private static String oldStatus(RowSet<Row> rows) {
    return rows.iterator().next().getString("old_status");
  }
}
