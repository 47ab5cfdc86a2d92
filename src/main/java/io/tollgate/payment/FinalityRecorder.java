package io.tollgate.payment;

import static io.tollgate.payment.LedgerSql.paymentFacts;
import static io.tollgate.payment.LedgerSql.utc;

import io.tollgate.checkout.CheckoutTransition;
import io.tollgate.checkout.TransitionLog;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.util.UUID;

/**
 * The finality re-check's verdicts on a confirmed payment, written inside the caller's transaction
 * as compare-and-sets on {@code status = 'confirmed' AND NOT final}: a replay, or a verdict of a
 * round that raced another, changes nothing twice.
 *
 * <p>A reversal moves the payment to {@code reversed} (which frees its transaction hash) and, when
 * it is what paid its checkout or what is left no longer pays it (the first part of a top-up), the
 * checkout from {@code paid} to {@code reversed} with the same reason; a late payment's checkout stays as it is and the transition is {@code payment_reversed}.
 * Either way the shop is told ({@code checkout.payment_reversed}) and the audit row says why, and
 * the money that never arrived stops being refundable ({@link ReversedMoney}).
 */
final class FinalityRecorder {
  /** Consecutive checks without a receipt that reverse a payment: one flaky provider cannot. */
  static final int MISSES_TO_REVERSE = 2;
  /** The reason a payment whose transaction left the chain is reversed with. */
  static final String ORPHANED = "orphaned";

  private final TransitionLog transitions;

  FinalityRecorder(TransitionLog transitions) {
    this.transitions = transitions;
  }

  static boolean handles(Verdict verdict) {
    return verdict instanceof Verdict.Final || verdict instanceof Verdict.Vanished
        || verdict instanceof Verdict.Remined || verdict instanceof Verdict.Reversed;
  }

  /** @return whether the checkout's snapshot changed (so its status is notified) */
  Future<Boolean> record(SqlConnection conn, long paymentId, UUID checkoutId, Verdict verdict, String actor) {
    if (verdict instanceof Verdict.Final f) return finalised(conn, paymentId, f);
    if (verdict instanceof Verdict.Remined r) return remined(conn, paymentId, checkoutId, r.paying(), actor);
    if (verdict instanceof Verdict.Reversed r) {
      return reverse(conn, paymentId, checkoutId, r.reason().code(), r.detail(), actor);
    }
    return vanished(conn, paymentId, checkoutId, (Verdict.Vanished) verdict, actor);
  }

  private Future<Boolean> finalised(SqlConnection conn, long paymentId, Verdict.Final f) {
    return conn.preparedQuery("""
            UPDATE payments SET final = true, final_at = now(), finality_misses = 0, updated_at = now()
            WHERE id = $1 AND status = 'confirmed' AND NOT final AND block_hash = $2
            RETURNING checkout_id""")
        .execute(Tuple.of(paymentId, f.blockHash()))
        .compose(rows -> rows.rowCount() == 0 ? Future.succeededFuture(false)
            // The poll shows `final`: the checkout's version moves so caches and ETags follow.
            : conn.preparedQuery("UPDATE checkouts SET version = version + 1, updated_at = now() WHERE id = $1")
                .execute(Tuple.of(rows.iterator().next().getUUID("checkout_id"))).map(true));
  }

  private Future<Boolean> remined(SqlConnection conn, long paymentId, UUID checkoutId, Verdict.Paying p, String actor) {
    return conn.preparedQuery("""
            UPDATE payments p SET block_number = $2, block_hash = $3, block_time = $4, payer = $5, amount_base = $6,
                                  finality_misses = 0, updated_at = now()
            FROM (SELECT id, block_number, block_hash FROM payments WHERE id = $1 FOR UPDATE) old
            WHERE p.id = old.id AND p.status = 'confirmed' AND NOT p.final AND p.block_hash IS DISTINCT FROM $3
            RETURNING old.block_number AS old_number, old.block_hash AS old_hash""")
        .execute(Tuple.of(paymentId, p.blockNumber(), p.blockHash(), utc(p), p.payer(), new BigDecimal(p.amount())))
        .compose(rows -> {
          if (rows.rowCount() == 0) return Future.succeededFuture(false);
          var old = rows.iterator().next();
          JsonObject details = paymentFacts(p).put("previousBlockNumber", old.getLong("old_number"))
              .put("previousBlockHash", old.getString("old_hash"));
          return conn.preparedQuery("UPDATE checkouts SET version = version + 1, updated_at = now() WHERE id = $1")
              .execute(Tuple.of(checkoutId))
              .compose(ignored -> transitions.record(conn, new CheckoutTransition(checkoutId, paymentId, null,
                  "payment_remined", null, actor, details)))
              .map(true);
        });
  }

  private Future<Boolean> vanished(SqlConnection conn, long paymentId, UUID checkoutId, Verdict.Vanished v, String actor) {
    return conn.preparedQuery("""
            UPDATE payments SET finality_misses = finality_misses + 1, updated_at = now()
            WHERE id = $1 AND status = 'confirmed' AND NOT final
            RETURNING finality_misses""")
        .execute(Tuple.of(paymentId))
        .compose(rows -> {
          if (rows.rowCount() == 0) return Future.succeededFuture(false);
          int misses = rows.iterator().next().getInteger("finality_misses");
          if (misses < MISSES_TO_REVERSE) return Future.succeededFuture(false);
          return reverse(conn, paymentId, checkoutId, ORPHANED,
              v.detail() + " (" + misses + " consecutive checks)", actor);
        });
  }

  private Future<Boolean> reverse(SqlConnection conn, long paymentId, UUID checkoutId, String reason, String detail,
      String actor) {
    return conn.preparedQuery("""
            UPDATE payments SET status = 'reversed', reason = $2, updated_at = now()
            WHERE id = $1 AND status = 'confirmed' AND NOT final
            RETURNING block_number, block_hash""")
        .execute(Tuple.of(paymentId, reason))
        .compose(reversed -> {
          if (reversed.rowCount() == 0) return Future.succeededFuture(false);
          var row = reversed.iterator().next();
          JsonObject details = new JsonObject().put("detail", detail).put("blockNumber", row.getLong("block_number"))
              .put("blockHash", row.getString("block_hash"));
          return ReversedMoney.withdraw(conn, transitions, paymentId, checkoutId, actor).compose(withdrawn -> conn.preparedQuery("""
                  WITH old AS MATERIALIZED (SELECT id, status FROM checkouts WHERE id = $1 FOR UPDATE),
                       rules AS (SELECT o.amount_base AS due,
                                        CASE WHEN o.token_address IS NULL
                                             THEN coalesce(c0.tolerance_bps_native, m.underpayment_tolerance_bps_native)
                                             ELSE coalesce(c0.tolerance_bps_stable, m.underpayment_tolerance_bps_stable) END AS tolerance,
                                        coalesce(c0.overpayments, m.overpayments) AS overpayments
                                 FROM checkouts c0 JOIN merchants m ON m.id = c0.merchant_id
                                 JOIN payment_options o ON o.checkout_id = c0.id AND o.chain_id = c0.received_chain_id
                                                       AND o.token = c0.received_token
                                 WHERE c0.id = $1)
                  UPDATE checkouts c SET status = 'reversed', status_reason = $3, version = c.version + 1, updated_at = now()
                  FROM old
                  WHERE c.id = old.id AND c.status = 'paid'
                    -- the payment that paid it, or one whose loss leaves too little (an earlier part of a top-up)
                    AND (c.paid_payment_id = $2 OR NOT EXISTS (SELECT 1 FROM rules
                         WHERE tollgate_settlement(c.received_base, rules.due, rules.tolerance, rules.overpayments) = 'paid'))
                  RETURNING old.status AS old_status""")
              .execute(Tuple.of(checkoutId, paymentId, reason))
              .compose(moved -> moved.rowCount() == 1
                  ? transitions.record(conn, new CheckoutTransition(checkoutId, paymentId, "paid", "reversed", reason,
                      actor, details))
                  // A late payment (its checkout expired) or one that did not pay the checkout: told all the same.
                  : conn.preparedQuery("UPDATE checkouts SET version = version + 1, updated_at = now() WHERE id = $1")
                      .execute(Tuple.of(checkoutId))
                      .compose(ignored -> transitions.record(conn, new CheckoutTransition(checkoutId, paymentId, null,
                          "payment_reversed", reason, actor, details)))))
              .map(true);
        });
  }
}
