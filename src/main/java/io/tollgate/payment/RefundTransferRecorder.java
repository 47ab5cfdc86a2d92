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
                    UPDATE refunds SET status = 'succeeded', tx_hash = $2, failure_reason = NULL, failure_detail = NULL,
                                       updated_at = now()
                    WHERE id = $1 AND status IN ('verifying', 'awaiting_transfer') RETURNING *""")
                .execute(Tuple.of(claim.refundId(), claim.txHash()))
                .compose(rows -> rows.rowCount() == 1
                    ? transitions.record(conn, new CheckoutTransition(claim.checkoutId(), null, null,
                        "refund_succeeded", null, actor(v), new JsonObject()
                            .put("refund", RefundView.json(rows.iterator().next())).put("claimId", claim.paymentId())
                            .put("blockNumber", p.blockNumber()).put("blockHash", p.blockHash())))
                    : extraTransfer(conn, v, p)));
  }

  /**
   * A second transfer for a refund that another transfer already completed (or that was canceled
   * meanwhile): the refund is not counted again; the transfer stays confirmed, flagged extra, and
   * the shop hears of the money it sent twice.
   */
  private Future<Void> extraTransfer(SqlConnection conn, VerdictMessage v, Verdict.Paying p) {
    ActivePayment claim = v.payment();
    return conn.preparedQuery("UPDATE payments SET extra_transfer = true WHERE id = $1").execute(Tuple.of(claim.paymentId()))
        .compose(ignored -> conn.preparedQuery("SELECT * FROM refunds WHERE id = $1").execute(Tuple.of(claim.refundId())))
        .compose(rows -> transitions.record(conn, new CheckoutTransition(claim.checkoutId(), null, null,
            "refund_extra_transfer", null, actor(v), new JsonObject()
                .put("refund", RefundView.json(rows.iterator().next())).put("claimId", claim.paymentId())
                .put("txHash", claim.txHash()).put("amountBase", p.amount().toString())
                .put("blockNumber", p.blockNumber()).put("blockHash", p.blockHash()))));
  }

  private Future<Void> failed(SqlConnection conn, VerdictMessage v, Verdict.Rejected r) {
    ActivePayment claim = v.payment();
    String reason = r.reason().code();
    return conn.preparedQuery("""
            UPDATE payments SET status = 'rejected', reason = $2, block_number = coalesce($3, block_number), updated_at = now()
            WHERE id = $1 AND status IN ('submitted', 'mined') RETURNING id""")
        .execute(Tuple.of(claim.paymentId(), reason, r.blockNumber()))
        .compose(rejected -> rejected.rowCount() == 0 ? Future.succeededFuture()
            // Locked first, so the next statement sees a transfer posted meanwhile (a statement's
            // snapshot is taken when it starts, the lock wait is before it).
            : conn.preparedQuery("SELECT id FROM refunds WHERE id = $1 FOR UPDATE").execute(Tuple.of(claim.refundId()))
                .compose(locked -> reopen(conn, v, reason, r.detail())));
  }

  /**
   * After a refused transfer: the refund is open again (the shop sends a correct transfer, or
   * cancels; {@code refund.failed}) unless another posted transfer is still on its way, in which
   * case it keeps verifying with the refusal noted.
   */
  private Future<Void> reopen(SqlConnection conn, VerdictMessage v, String reason, String detail) {
    ActivePayment claim = v.payment();
    return conn.preparedQuery("""
            UPDATE refunds r SET status = CASE WHEN in_flight.any THEN 'verifying' ELSE 'awaiting_transfer' END,
                                 tx_hash = CASE WHEN in_flight.any THEN (SELECT tx_hash FROM payments WHERE refund_id = $1
                                                 AND status IN ('submitted', 'mined') ORDER BY id DESC LIMIT 1) END,
                                 failure_reason = $2, failure_detail = $3, updated_at = now()
            FROM (SELECT EXISTS (SELECT 1 FROM payments WHERE refund_id = $1 AND status IN ('submitted', 'mined')) AS any) in_flight
            WHERE r.id = $1 AND r.status = 'verifying'
            RETURNING r.*, in_flight.any AS still_verifying""")
        .execute(Tuple.of(claim.refundId(), reason, detail))
        .compose(rows -> {
          if (rows.rowCount() == 0) return Future.<Void>succeededFuture();
          io.vertx.sqlclient.Row refund = rows.iterator().next();
          return transitions.record(conn, new CheckoutTransition(claim.checkoutId(), null, null,
              refund.getBoolean("still_verifying") ? "refund_transfer_rejected" : "refund_failed", reason, actor(v),
              new JsonObject().put("claimId", claim.paymentId()).put("txHash", claim.txHash())
                  .put("refund", RefundView.json(refund)).put("detail", detail)));
        });
  }
}
