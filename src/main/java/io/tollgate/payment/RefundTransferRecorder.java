package io.tollgate.payment;

import static io.tollgate.payment.LedgerSql.actor;
import static io.tollgate.payment.LedgerSql.utc;

import io.tollgate.checkout.CheckoutTransition;
import io.tollgate.checkout.RefundView;
import io.tollgate.checkout.TransitionLog;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;

/**
 * The chain watcher's verdicts on refund transfers (claims of kind {@code refund}), each in its
 * own transaction: a transfer that does what the refund asks (from the recipient to the payer, the
 * token, exactly the amount, mined after the refund was created) with its confirmations makes the
 * refund {@code succeeded}; one that does not is rejected with its reason and the refund is open
 * again for another transfer ({@code refund.failed} tells the shop why). Compare-and-set on the
 * claim and the refund: a replayed verdict changes nothing.
 */
final class RefundTransferRecorder {
  private final Pool pool;
  private final TransitionLog transitions;

  RefundTransferRecorder(Pool pool, TransitionLog transitions) {
    this.pool = pool;
    this.transitions = transitions;
  }

  /**
   * Records one verdict on a refund claim. The transitions name no payment (the webhook's
   * {@code payment} stays the checkout's own); the claim's id is in their details.
   */
  Future<Void> record(VerdictMessage v) {
    ActivePayment claim = v.payment();
    Verdict verdict = v.verdict() instanceof Verdict.PaidLate late ? late.paying() : v.verdict();
    return pool.withTransaction(conn -> {
      if (verdict instanceof Verdict.NotMined) {
        return conn.preparedQuery("""
                UPDATE payments SET status = 'submitted', block_number = NULL, block_hash = NULL, block_time = NULL,
                                    payer = NULL, amount_base = NULL, updated_at = now()
                WHERE id = $1 AND status = 'mined'""").execute(Tuple.of(claim.paymentId())).mapEmpty();
      }
      if (verdict instanceof Verdict.Paying p && !p.confirmed()) {
        return conn.preparedQuery("""
                UPDATE payments SET status = 'mined', block_number = $2, block_hash = $3, block_time = $4, payer = $5,
                                    amount_base = $6, updated_at = now()
                WHERE id = $1 AND status IN ('submitted', 'mined')""")
            .execute(Tuple.of(claim.paymentId(), p.blockNumber(), p.blockHash(), utc(p), p.payer(), new BigDecimal(p.amount())))
            .mapEmpty();
      }
      if (verdict instanceof Verdict.Paying p) return succeeded(conn, v, p);
      return failed(conn, v, (Verdict.Rejected) verdict);
    });
  }

  private Future<Void> succeeded(SqlConnection conn, VerdictMessage v, Verdict.Paying p) {
    ActivePayment claim = v.payment();
    return conn.preparedQuery("""
            UPDATE payments SET status = 'confirmed', block_number = $2, block_hash = $3, block_time = $4, payer = $5,
                                amount_base = $6, updated_at = now()
            WHERE id = $1 AND status IN ('submitted', 'mined')
              AND NOT EXISTS (SELECT 1 FROM payments o WHERE o.tx_hash = payments.tx_hash AND o.status = 'confirmed')
            RETURNING id""")
        .execute(Tuple.of(claim.paymentId(), p.blockNumber(), p.blockHash(), utc(p), p.payer(), new BigDecimal(p.amount())))
        .compose(confirmed -> confirmed.rowCount() == 0
            ? failed(conn, v, new Verdict.Rejected(RejectionReason.TX_ALREADY_CREDITED,
                "the transaction was already credited to another claim", p.blockNumber()))
            : conn.preparedQuery("""
                    UPDATE refunds SET status = 'succeeded', failure_reason = NULL, failure_detail = NULL, updated_at = now()
                    WHERE id = $1 AND status = 'verifying' RETURNING *""")
                .execute(Tuple.of(claim.refundId()))
                .compose(rows -> rows.rowCount() == 0 ? Future.<Void>succeededFuture()
                    : transitions.record(conn, new CheckoutTransition(claim.checkoutId(), null, null,
                        "refund_succeeded", null, actor(v), new JsonObject()
                            .put("refund", RefundView.json(rows.iterator().next())).put("claimId", claim.paymentId())
                            .put("blockNumber", p.blockNumber()).put("blockHash", p.blockHash())))));
  }

  private Future<Void> failed(SqlConnection conn, VerdictMessage v, Verdict.Rejected r) {
    ActivePayment claim = v.payment();
    String reason = r.reason().code();
    return conn.preparedQuery("""
            UPDATE payments SET status = 'rejected', reason = $2, block_number = coalesce($3, block_number), updated_at = now()
            WHERE id = $1 AND status IN ('submitted', 'mined') RETURNING id""")
        .execute(Tuple.of(claim.paymentId(), reason, r.blockNumber()))
        .compose(rejected -> rejected.rowCount() == 0 ? Future.succeededFuture()
            // The refund is open again: the shop sends a correct transfer, or cancels.
            : conn.preparedQuery("""
                    UPDATE refunds SET status = 'awaiting_transfer', tx_hash = NULL, failure_reason = $2,
                                       failure_detail = $3, updated_at = now()
                    WHERE id = $1 AND status = 'verifying' RETURNING *""")
                .execute(Tuple.of(claim.refundId(), reason, r.detail()))
                .compose(rows -> rows.rowCount() == 0 ? Future.<Void>succeededFuture()
                    : transitions.record(conn, new CheckoutTransition(claim.checkoutId(), null, null,
                        "refund_failed", reason, actor(v), new JsonObject().put("claimId", claim.paymentId())
                            .put("refund", RefundView.json(rows.iterator().next())).put("detail", r.detail())))));
  }
}
