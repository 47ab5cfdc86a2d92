package io.tollgate.shop;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.UUID;

/**
 * Where a refund's money comes from, read locked inside the refund's transaction: the checkout's
 * received money ({@code checkouts.received_base - refunded_base}), or one duplicate payment's
 * ({@code payments.amount_base - refunded_base}, its own token, back to its own sender). Each has
 * its compare-and-set: the guard against refunding more than that balance, however many requests
 * race; cancel gives the amount back to the same balance.
 *
 * @param paymentId the duplicate payment refunded, or null for the checkout's money
 * @param onchain   false: a processor paid, the amounts are millionths of the currency
 * @param quoteBase the option's quote in base units (with {@code checkoutAmount}: the conversion), null off-chain
 */
record RefundSource(UUID checkoutId, Long paymentId, String status, boolean onchain, BigInteger balance,
    BigInteger excess, boolean excessRefunded, BigDecimal checkoutAmount, BigDecimal quoteBase, Long chainId, String token,
    String tokenAddress, String from, String to, String provider) {

  /** The checkout's received money, or nothing to refund (with why). */
  static Future<RefundSource> checkout(SqlConnection conn, UUID merchantId, UUID checkoutId) {
    return conn.preparedQuery("""
            SELECT c.id, c.status, c.amount, c.payer, c.received_base, c.refunded_base, c.excess_base, c.excess_refunded,
                   c.received_chain_id, c.received_token, c.paid_processor_payment_id, pp.provider,
                   o.token_address, o.recipient, o.amount_base AS quote_base,
                   (SELECT p.payer FROM payments p WHERE p.checkout_id = c.id AND p.kind = 'payment' AND NOT p.duplicate
                      AND p.status = 'confirmed' AND p.payer IS NOT NULL ORDER BY p.id DESC LIMIT 1) AS paid_by
            FROM checkouts c
            LEFT JOIN processor_payments pp ON pp.id = c.paid_processor_payment_id
            LEFT JOIN payment_options o ON o.checkout_id = c.id AND o.chain_id = c.received_chain_id
                                       AND o.token = c.received_token
            WHERE c.id = $1 AND c.merchant_id = $2
            FOR UPDATE OF c""")
        .execute(Tuple.of(checkoutId, merchantId))
        .compose(rows -> {
          if (rows.size() == 0) return Future.failedFuture(new ApiException(ErrorCode.CHECKOUT_NOT_FOUND));
          Row c = rows.iterator().next();
          if (List.of("pending", "underpaid").contains(c.getString("status"))) {
            // Still being paid: a refund now would be counted as received by the next top-up.
            return Future.failedFuture(new ApiException(ErrorCode.NOTHING_TO_REFUND, "the checkout is "
                + c.getString("status") + "; refund it once it is paid, expired or canceled"));
          }
          boolean onchain = c.getString("received_token") != null;
          if (!onchain && c.getValue("paid_processor_payment_id") == null) {
            return Future.failedFuture(new ApiException(ErrorCode.NOTHING_TO_REFUND));
          }
          String destination = c.getString("payer") != null ? c.getString("payer") : c.getString("paid_by");
          return Future.succeededFuture(new RefundSource(checkoutId, null, c.getString("status"), onchain,
              base(c, "received_base").subtract(base(c, "refunded_base")), base(c, "excess_base"),
              c.getBoolean("excess_refunded"), c.getBigDecimal("amount"), c.getBigDecimal("quote_base"),
              onchain ? c.getLong("received_chain_id") : null, onchain ? c.getString("received_token") : null,
              onchain ? c.getString("token_address") : null, onchain ? c.getString("recipient") : null,
              onchain ? destination : null, onchain ? null : c.getString("provider")));
        });
  }

  /** One duplicate payment of the checkout, or {@code duplicate_payment_not_found}. */
  static Future<RefundSource> duplicatePayment(SqlConnection conn, UUID merchantId, UUID checkoutId, long paymentId) {
    return conn.preparedQuery("""
            SELECT p.status, p.amount_base, p.refunded_base, p.chain_id, p.token, p.payer, c.amount,
                   o.token_address, o.recipient, o.amount_base AS quote_base
            FROM payments p
            JOIN checkouts c ON c.id = p.checkout_id
            JOIN payment_options o ON o.checkout_id = p.checkout_id AND o.chain_id = p.chain_id AND o.token = p.token
            WHERE p.id = $1 AND p.checkout_id = $2 AND c.merchant_id = $3 AND p.duplicate AND p.kind = 'payment'
            FOR UPDATE OF p""")
        .execute(Tuple.of(paymentId, checkoutId, merchantId))
        .compose(rows -> {
          if (rows.size() == 0) return Future.failedFuture(new ApiException(ErrorCode.DUPLICATE_PAYMENT_NOT_FOUND));
          Row p = rows.iterator().next();
          if (!"confirmed".equals(p.getString("status"))) {
            return Future.failedFuture(new ApiException(ErrorCode.NOTHING_TO_REFUND,
                "the duplicate payment is " + p.getString("status")));
          }
          return Future.succeededFuture(new RefundSource(checkoutId, paymentId, "confirmed", true,
              base(p, "amount_base").subtract(base(p, "refunded_base")), BigInteger.ZERO, false, p.getBigDecimal("amount"),
              p.getBigDecimal("quote_base"), p.getLong("chain_id"), p.getString("token"), p.getString("token_address"),
              p.getString("recipient"), p.getString("payer"), null));
        });
  }

  /** The compare-and-set on this source's balance: the guard against refunding more than received. */
  Future<Void> reserve(SqlConnection conn, BigInteger amountBase, boolean excess) {
    Future<io.vertx.sqlclient.RowSet<Row>> updated = paymentId != null
        ? conn.preparedQuery("""
                UPDATE payments SET refunded_base = refunded_base + $2, updated_at = now()
                WHERE id = $1 AND duplicate AND status = 'confirmed' AND amount_base - refunded_base >= $2""")
            .execute(Tuple.of(paymentId, new BigDecimal(amountBase)))
        : conn.preparedQuery("""
                UPDATE checkouts SET refunded_base = refunded_base + $2, excess_refunded = excess_refunded OR $3,
                                     version = version + 1, updated_at = now()
                WHERE id = $1 AND received_base - refunded_base >= $2 AND NOT ($3 AND excess_refunded)""")
            .execute(Tuple.of(checkoutId, new BigDecimal(amountBase), excess));
    return updated.compose(rows -> rows.rowCount() == 1 ? Future.<Void>succeededFuture()
        : Future.failedFuture(new ApiException(ErrorCode.REFUND_EXCEEDS_BALANCE)));
  }

  /** Gives a canceled refund's amount back to the balance it was reserved from (a row of {@code refunds}). */
  static Future<Void> release(SqlConnection conn, Row refund) {
    Long paymentId = refund.getLong("payment_id");
    return (paymentId != null
        ? conn.preparedQuery("UPDATE payments SET refunded_base = refunded_base - $2, updated_at = now() WHERE id = $1")
            .execute(Tuple.of(paymentId, refund.getBigDecimal("amount_base")))
        : conn.preparedQuery("""
                UPDATE checkouts SET refunded_base = refunded_base - $2, excess_refunded = excess_refunded AND NOT $3,
                                     version = version + 1, updated_at = now()
                WHERE id = $1""")
            .execute(Tuple.of(refund.getUUID("checkout_id"), refund.getBigDecimal("amount_base"), refund.getBoolean("excess"))))
        .mapEmpty();
  }

  private static BigInteger base(Row r, String column) {
    return r.getBigDecimal(column).toBigInteger();
  }
}
