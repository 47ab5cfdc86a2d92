package io.tollgate.payment;

import io.tollgate.checkout.CheckoutTransition;
import io.tollgate.checkout.RefundView;
import io.tollgate.checkout.TransitionLog;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What a reversed payment (its transaction left the chain) takes back with it, inside the
 * reversal's transaction: money that never arrived must not be refundable. Refunds still waiting
 * for their transfer that draw on it are canceled ({@code payment_reversed}; nothing was sent, so
 * nothing is lost) with their reservations released, each told to the shop as {@code refund.canceled};
 * then the payment's amount leaves its checkout's received money (a payment credited to its
 * checkout) or stops being refundable (a duplicate payment, whose balance is its own). A refund
 * already sent or verifying is left as it is: that money is on its way back, and the audit shows both.
 */
final class ReversedMoney {
  static final String REASON = "payment_reversed";

  private ReversedMoney() {}

  static Future<Void> withdraw(SqlConnection conn, TransitionLog transitions, long paymentId, UUID checkoutId, String actor) {
    return conn.preparedQuery("""
            WITH p AS (SELECT id, duplicate FROM payments WHERE id = $2 AND kind = 'payment'),
                 open AS MATERIALIZED (SELECT r.id FROM refunds r, p
                                       WHERE r.checkout_id = $1 AND r.status = 'awaiting_transfer'
                                         AND (r.payment_id = p.id OR (r.payment_id IS NULL AND NOT p.duplicate))
                                       ORDER BY r.id FOR UPDATE OF r)
            UPDATE refunds r SET status = 'canceled', failure_reason = 'payment_reversed',
                                 failure_detail = 'the payment it gives back left the chain (reorg); nothing was sent',
                                 updated_at = now()
            FROM open WHERE r.id = open.id
            RETURNING r.*""")
        .execute(Tuple.of(checkoutId, paymentId))
        .compose(canceled -> {
          BigDecimal fromPayment = BigDecimal.ZERO;
          BigDecimal fromCheckout = BigDecimal.ZERO;
          boolean excess = false;
          List<CheckoutTransition> told = new ArrayList<>();
          for (Row r : canceled) {
            if (r.getLong("payment_id") != null) fromPayment = fromPayment.add(r.getBigDecimal("amount_base"));
            else fromCheckout = fromCheckout.add(r.getBigDecimal("amount_base"));
            excess |= r.getBoolean("excess");
            told.add(new CheckoutTransition(checkoutId, paymentId, null, "refund_canceled", REASON, actor,
                new JsonObject().put("refund", RefundView.json(r))));
          }
          // A duplicate's own balance: amount_base - refunded_base, refundable only while confirmed (it is not now).
          Future<?> payment = fromPayment.signum() == 0 ? Future.succeededFuture()
              : conn.preparedQuery("UPDATE payments SET refunded_base = refunded_base - $2, updated_at = now() WHERE id = $1")
                  .execute(Tuple.of(paymentId, fromPayment));
          // Money credited to the checkout leaves received_base; never below what was already sent back.
          Tuple released = Tuple.of(checkoutId, fromCheckout, excess, paymentId);
          Future<?> checkout = payment.compose(ignored -> conn.preparedQuery("""
                  UPDATE checkouts c SET refunded_base = c.refunded_base - $2,
                                         excess_refunded = c.excess_refunded AND NOT $3,
                                         received_base = CASE WHEN p.duplicate THEN c.received_base
                                                              ELSE greatest(c.received_base - coalesce(p.amount_base, 0),
                                                                            c.refunded_base - $2) END,
                                         excess_base = CASE WHEN p.duplicate THEN c.excess_base ELSE 0 END,
                                         version = c.version + 1, updated_at = now()
                  FROM payments p WHERE c.id = $1 AND p.id = $4 AND p.kind = 'payment'""")
              .execute(released));
          return checkout.compose(ignored -> transitions.recordAll(conn, told));
        });
  }
}
