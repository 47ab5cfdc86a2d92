package io.tollgate.inbound;

import io.tollgate.checkout.CheckoutTransition;
import io.tollgate.checkout.RefundView;
import io.tollgate.checkout.TransitionLog;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A processor's refund webhook completes the refunds Tollgate recorded for a processor-paid
 * checkout: those awaiting the processor, oldest first, as far as the processor's cumulative
 * refunded amount covers them. A refund the shop made in the processor's dashboard without asking
 * Tollgate is recorded as a succeeded refund of the difference, so the refundable balance stays
 * true. Replays change nothing (compare-and-set on the refunds' status, sums recomputed).
 * Processor money is kept in millionths of the currency (see the V8 migration).
 */
final class ProcessorRefunds {
  private final TransitionLog transitions;

  ProcessorRefunds(TransitionLog transitions) {
    this.transitions = transitions;
  }

  static BigDecimal micros(BigDecimal amount) {
    return amount.movePointRight(6).setScale(0, java.math.RoundingMode.DOWN);
  }

  /**
   * @param refunded the processor's cumulative refunded amount, or null when it does not say
   * @param full whether the processor says the payment is refunded in full
   */
  Future<Void> completed(SqlConnection conn, UUID checkoutId, BigDecimal refunded, boolean full, String actor) {
    return conn.preparedQuery("""
            SELECT received_base, paid_processor_payment_id IS NOT NULL AND received_token IS NULL AS processor_paid
            FROM checkouts WHERE id = $1 FOR UPDATE""")
        .execute(Tuple.of(checkoutId))
        .compose(rows -> {
          Row c = rows.iterator().next();
          BigDecimal received = c.getBigDecimal("received_base");
          // not paid through the processor (or not yet): no refund of ours to complete
          if (received.signum() == 0 || !c.getBoolean("processor_paid")) return Future.succeededFuture();
          BigDecimal total = refunded != null ? micros(refunded).min(received) : full ? received : null;
          if (total == null) return Future.succeededFuture();
          return conn.preparedQuery("""
                  WITH done AS (SELECT coalesce(sum(amount_base), 0) AS s FROM refunds
                                WHERE checkout_id = $1 AND method = 'processor' AND status = 'succeeded'),
                       awaiting AS (SELECT id, sum(amount_base) OVER (ORDER BY created_at, id) AS running FROM refunds
                                    WHERE checkout_id = $1 AND status = 'awaiting_processor')
                  UPDATE refunds r SET status = 'succeeded', updated_at = now()
                  FROM awaiting a, done
                  WHERE r.id = a.id AND done.s + a.running <= $2
                  RETURNING r.*""")
              .execute(Tuple.of(checkoutId, total))
              .compose(done -> {
                List<CheckoutTransition> changes = new ArrayList<>();
                for (Row r : done) {
                  changes.add(new CheckoutTransition(checkoutId, null, null, "refund_succeeded", null, actor,
                      new JsonObject().put("refund", RefundView.json(r))));
                }
                return transitions.recordAll(conn, changes);
              })
              .compose(ignored -> refundedElsewhere(conn, checkoutId, total, actor));
        });
  }

  /** The processor refunded more than the refunds Tollgate knows of: the rest was refunded at the processor. */
  private Future<Void> refundedElsewhere(SqlConnection conn, UUID checkoutId, BigDecimal total, String actor) {
    return conn.preparedQuery("""
            SELECT coalesce(sum(amount_base) FILTER (WHERE status IN ('succeeded', 'awaiting_processor')), 0) AS known
            FROM refunds WHERE checkout_id = $1 AND method = 'processor'""")
        .execute(Tuple.of(checkoutId))
        .compose(rows -> {
          BigInteger rest = total.toBigInteger().subtract(rows.iterator().next().getBigDecimal("known").toBigInteger());
          if (rest.signum() <= 0) return Future.succeededFuture();
          BigDecimal restBase = new BigDecimal(rest);
          return conn.preparedQuery("""
                  UPDATE checkouts SET refunded_base = least(received_base, refunded_base + $2), version = version + 1,
                                       updated_at = now()
                  WHERE id = $1""")
              .execute(Tuple.of(checkoutId, restBase))
              .compose(ignored -> conn.preparedQuery("""
                      INSERT INTO refunds (id, checkout_id, merchant_id, method, status, reason, amount, amount_base,
                                           provider, actor)
                      SELECT $1, c.id, c.merchant_id, 'processor', 'succeeded', 'refunded at the processor', $3, $2,
                             pp.provider, $4
                      FROM checkouts c LEFT JOIN processor_payments pp ON pp.id = c.paid_processor_payment_id
                      WHERE c.id = $5
                      RETURNING *""")
                  .execute(Tuple.of(UUID.randomUUID(), restBase, restBase.movePointLeft(6), actor, checkoutId)))
              .compose(inserted -> transitions.record(conn, new CheckoutTransition(checkoutId, null, null,
                  "refund_succeeded", "refunded_at_processor", actor,
                  new JsonObject().put("refund", RefundView.json(inserted.iterator().next())))));
        });
  }
}
