package io.tollgate.shop;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.tollgate.checkout.CheckoutTransition;
import io.tollgate.checkout.Idempotent;
import io.tollgate.checkout.RefundView;
import io.tollgate.checkout.StoredResponse;
import io.tollgate.checkout.TransitionLog;
import io.tollgate.merchant.Merchant;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Refunds: created, given their transfer, canceled, read. The refundable balance is the checkout's
 * {@code received_base - refunded_base}; a refund reserves its amount by a compare-and-set on it
 * ({@code UPDATE ... WHERE received_base - refunded_base >= amount}), in the transaction that
 * inserts it, so concurrent requests for the whole balance create exactly one refund, and a
 * cancellation gives the amount back. Which way the money goes back depends on what paid the
 * checkout: on-chain (the shop sends the transfer and posts its hash, the watcher verifies it) or
 * a processor (awaiting its refund webhook).
 */
public final class Refunds {
  private static final BigDecimal MICROS = BigDecimal.valueOf(1_000_000);

  private final Pool pool;
  private final TransitionLog transitions;

  public Refunds(Pool pool, TransitionLog transitions) {
    this.pool = pool;
    this.transitions = transitions;
  }

  /** {@code POST /v1/checkouts/{id}/refunds {amount?, excess?, reason?}}: 201 with the refund. */
  public Future<StoredResponse> create(Merchant merchant, UUID checkoutId, String idempotencyKey, JsonObject body) {
    Request request;
    try {
      request = Request.of(body);
    } catch (ApiException e) {
      return Future.failedFuture(e);
    }
    return Idempotent.run(pool, merchant.id(), idempotencyKey, "refund:" + checkoutId, body,
        conn -> create(conn, merchant, checkoutId, request));
  }

  /** A refund request: {@code amount} null for the whole balance; {@code excess} for the over-payment. */
  private record Request(BigDecimal amount, boolean excess, String reason) {
    static Request of(JsonObject body) {
      Object amount = body.getValue("amount");
      boolean excess = Boolean.TRUE.equals(body.getValue("excess"));
      BigDecimal value = null;
      if (amount != null) {
        if (excess || !(amount instanceof String text) || !text.matches("\\d{1,30}(\\.\\d{1,6})?")) {
          throw new ApiException(ErrorCode.INVALID_REFUND_AMOUNT);
        }
        value = new BigDecimal(text);
        if (value.signum() <= 0) throw new ApiException(ErrorCode.INVALID_REFUND_AMOUNT);
      }
      return new Request(value, excess, body.getString("reason"));
    }
  }

  private Future<StoredResponse> create(SqlConnection conn, Merchant merchant, UUID checkoutId, Request request) {
    return conn.preparedQuery("""
            SELECT c.id, c.status, c.amount, c.payer, c.received_base, c.refunded_base, c.excess_base, c.excess_refunded,
                   c.received_chain_id, c.received_token, c.paid_processor_payment_id, pp.provider,
                   o.token_address, o.recipient, o.amount_base AS quote_base,
                   (SELECT p.payer FROM payments p WHERE p.checkout_id = c.id AND p.kind = 'payment'
                      AND p.status = 'confirmed' AND p.payer IS NOT NULL ORDER BY p.id DESC LIMIT 1) AS paid_by
            FROM checkouts c
            LEFT JOIN processor_payments pp ON pp.id = c.paid_processor_payment_id
            LEFT JOIN payment_options o ON o.checkout_id = c.id AND o.chain_id = c.received_chain_id
                                       AND o.token = c.received_token
            WHERE c.id = $1 AND c.merchant_id = $2
            FOR UPDATE OF c""")
        .execute(Tuple.of(checkoutId, merchant.id()))
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
          BigInteger balance = base(c, "received_base").subtract(base(c, "refunded_base"));
          if (balance.signum() <= 0) return Future.failedFuture(new ApiException(ErrorCode.NOTHING_TO_REFUND));
          BigInteger amountBase;
          if (request.excess()) {
            if (base(c, "excess_base").signum() == 0 || c.getBoolean("excess_refunded")) {
              return Future.failedFuture(new ApiException(ErrorCode.NO_EXCESS_TO_REFUND));
            }
            amountBase = base(c, "excess_base").min(balance);
          } else if (request.amount() == null) {
            amountBase = balance;
          } else {
            amountBase = onchain
                ? request.amount().multiply(c.getBigDecimal("quote_base")).divideToIntegralValue(c.getBigDecimal("amount"))
                    .toBigInteger()
                : request.amount().multiply(MICROS).toBigInteger();
            if (amountBase.signum() == 0) {
              return Future.failedFuture(new ApiException(ErrorCode.INVALID_REFUND_AMOUNT, "less than one base unit"));
            }
            if (amountBase.compareTo(balance) > 0) {
              return Future.failedFuture(new ApiException(ErrorCode.REFUND_EXCEEDS_BALANCE,
                  "refundable: " + balance + " base units"));
            }
          }
          BigDecimal amount = onchain
              ? new BigDecimal(amountBase).multiply(c.getBigDecimal("amount"))
                  .divide(c.getBigDecimal("quote_base"), 6, java.math.RoundingMode.HALF_EVEN)
              : new BigDecimal(amountBase).divide(MICROS, 6, java.math.RoundingMode.UNNECESSARY);
          return reserve(conn, checkoutId, amountBase, request.excess())
              .compose(ignored -> insert(conn, merchant, c, onchain, amount, amountBase, request))
              .compose(refund -> transitions.record(conn, new CheckoutTransition(checkoutId, null, null, "refund_created",
                      request.reason(), "merchant:" + merchant.id(), new JsonObject().put("refund", refund)))
                  .map(new StoredResponse(201, refund)));
        });
  }

  /** The compare-and-set on the refundable balance: the guard against refunding more than received. */
  private static Future<Void> reserve(SqlConnection conn, UUID checkoutId, BigInteger amountBase, boolean excess) {
    return conn.preparedQuery("""
            UPDATE checkouts SET refunded_base = refunded_base + $2, excess_refunded = excess_refunded OR $3,
                                 version = version + 1, updated_at = now()
            WHERE id = $1 AND received_base - refunded_base >= $2 AND NOT ($3 AND excess_refunded)""")
        .execute(Tuple.of(checkoutId, new BigDecimal(amountBase), excess))
        .compose(updated -> updated.rowCount() == 1 ? Future.<Void>succeededFuture()
            : Future.failedFuture(new ApiException(ErrorCode.REFUND_EXCEEDS_BALANCE)));
  }

  private static Future<JsonObject> insert(SqlConnection conn, Merchant merchant, Row c, boolean onchain,
      BigDecimal amount, BigInteger amountBase, Request request) {
    String destination = c.getString("payer") != null ? c.getString("payer") : c.getString("paid_by");
    return conn.preparedQuery("""
            INSERT INTO refunds (id, checkout_id, merchant_id, method, status, reason, excess, amount, amount_base,
                                 chain_id, token, token_address, source_address, destination, provider, actor)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
            RETURNING *""")
        .execute(Tuple.tuple().addValue(UUID.randomUUID()).addValue(c.getUUID("id")).addValue(merchant.id())
            .addValue(onchain ? "onchain" : "processor").addValue(onchain ? "awaiting_transfer" : "awaiting_processor")
            .addValue(request.reason()).addValue(request.excess()).addValue(amount).addValue(new BigDecimal(amountBase))
            .addValue(onchain ? c.getLong("received_chain_id") : null).addValue(onchain ? c.getString("received_token") : null)
            .addValue(onchain ? c.getString("token_address") : null).addValue(onchain ? c.getString("recipient") : null)
            .addValue(onchain ? destination : null).addValue(onchain ? null : c.getString("provider"))
            .addValue("merchant:" + merchant.id()))
        .map(rows -> RefundView.json(rows.iterator().next()));
  }

  /**
   * {@code POST .../refunds/{rid}/transactions {txHash}}: the shop sent the refund's transfer. The
   * hash becomes a refund claim the chain watcher verifies; 202 with the refund, now verifying.
   */
  public Future<StoredResponse> postTransaction(Merchant merchant, UUID checkoutId, UUID refundId, String idempotencyKey,
      JsonObject body) {
    String txHash = body.getString("txHash", "").toLowerCase(Locale.ROOT);
    if (!txHash.matches("0x[0-9a-f]{64}")) return Future.failedFuture(new ApiException(ErrorCode.INVALID_TX_HASH));
    return Idempotent.run(pool, merchant.id(), idempotencyKey, "refund-tx:" + checkoutId + ":" + refundId, body,
        conn -> conn.preparedQuery("""
                UPDATE refunds SET status = 'verifying', tx_hash = $4, failure_reason = NULL, failure_detail = NULL,
                                   updated_at = now()
                WHERE id = $1 AND checkout_id = $2 AND merchant_id = $3 AND status = 'awaiting_transfer'
                RETURNING *""")
            .execute(Tuple.of(refundId, checkoutId, merchant.id(), txHash))
            .compose(rows -> rows.size() == 0 ? whyNot(conn, merchant, checkoutId, refundId, ErrorCode.REFUND_NOT_AWAITING_TRANSFER)
                : claim(conn, rows.iterator().next(), txHash)
                    .compose(ignored -> transitions.record(conn, new CheckoutTransition(checkoutId, null, null,
                        "refund_transfer_posted", null, "merchant:" + merchant.id(),
                        new JsonObject().put("refundId", refundId.toString()).put("txHash", txHash))))
                    .map(new StoredResponse(202, RefundView.json(rows.iterator().next())))))
        .recover(e -> Future.failedFuture(e instanceof PgException pg && "23505".equals(pg.getSqlState())
            ? new ApiException(ErrorCode.TX_HASH_ALREADY_USED, "this transaction was already posted for this checkout") : e));
  }

  private static Future<Void> claim(SqlConnection conn, Row refund, String txHash) {
    return conn.preparedQuery("""
            INSERT INTO payments (checkout_id, chain_id, token, tx_hash, status, kind, refund_id, submitted_at, updated_at)
            SELECT $1, $2, $3, $4, 'submitted', 'refund', $5, now(), now()
            WHERE NOT EXISTS (SELECT 1 FROM payments WHERE tx_hash = $4 AND status = 'confirmed')
            RETURNING id""")
        .execute(Tuple.of(refund.getUUID("checkout_id"), refund.getLong("chain_id"), refund.getString("token"), txHash,
            refund.getUUID("id")))
        .compose(inserted -> inserted.rowCount() == 1 ? Future.<Void>succeededFuture()
            : Future.failedFuture(new ApiException(ErrorCode.TX_HASH_ALREADY_USED)));
  }

  /** {@code POST .../refunds/{rid}/cancel}: only while nothing was sent; the amount is refundable again. */
  public Future<StoredResponse> cancel(Merchant merchant, UUID checkoutId, UUID refundId, String idempotencyKey) {
    return Idempotent.run(pool, merchant.id(), idempotencyKey, "refund-cancel:" + checkoutId + ":" + refundId,
        new JsonObject(), conn -> conn.preparedQuery("""
                UPDATE refunds SET status = 'canceled', updated_at = now()
                WHERE id = $1 AND checkout_id = $2 AND merchant_id = $3 AND status IN ('awaiting_transfer', 'awaiting_processor')
                RETURNING *""")
            .execute(Tuple.of(refundId, checkoutId, merchant.id()))
            .compose(rows -> {
              if (rows.size() == 0) return whyNot(conn, merchant, checkoutId, refundId, ErrorCode.REFUND_NOT_CANCELABLE);
              Row r = rows.iterator().next();
              return conn.preparedQuery("""
                      UPDATE checkouts SET refunded_base = refunded_base - $2,
                                           excess_refunded = excess_refunded AND NOT $3, version = version + 1,
                                           updated_at = now()
                      WHERE id = $1""")
                  .execute(Tuple.of(checkoutId, r.getBigDecimal("amount_base"), r.getBoolean("excess")))
                  .compose(ignored -> transitions.record(conn, new CheckoutTransition(checkoutId, null, null,
                      "refund_canceled", null, "merchant:" + merchant.id(), new JsonObject().put("refund", RefundView.json(r)))))
                  .map(new StoredResponse(200, RefundView.json(r)));
            }));
  }

  private static <T> Future<T> whyNot(SqlConnection conn, Merchant merchant, UUID checkoutId, UUID refundId, ErrorCode code) {
    return conn.preparedQuery("SELECT status FROM refunds WHERE id = $1 AND checkout_id = $2 AND merchant_id = $3")
        .execute(Tuple.of(refundId, checkoutId, merchant.id()))
        .compose(rows -> Future.failedFuture(rows.size() == 0 ? new ApiException(ErrorCode.REFUND_NOT_FOUND)
            : new ApiException(code, "the refund is " + rows.iterator().next().getString("status"))));
  }

  /** {@code GET .../refunds/{rid}}. */
  public Future<JsonObject> get(Merchant merchant, UUID checkoutId, UUID refundId) {
    return pool.preparedQuery("SELECT * FROM refunds WHERE id = $1 AND checkout_id = $2 AND merchant_id = $3")
        .execute(Tuple.of(refundId, checkoutId, merchant.id()))
        .map(rows -> {
          if (rows.size() == 0) throw new ApiException(ErrorCode.REFUND_NOT_FOUND);
          return RefundView.json(rows.iterator().next());
        });
  }

  /** A checkout's refunds, oldest first, with its refundable balance (for {@code GET /v1/checkouts/{id}}). */
  public Future<JsonObject> ofCheckout(Merchant merchant, UUID checkoutId) {
    return pool.preparedQuery("""
            SELECT c.received_base, c.refunded_base, c.excess_base, c.excess_refunded, c.received_chain_id, c.received_token,
                   c.amount AS checkout_amount, o.amount_base AS quote_base, r.*
            FROM checkouts c
            LEFT JOIN payment_options o ON o.checkout_id = c.id AND o.chain_id = c.received_chain_id AND o.token = c.received_token
            LEFT JOIN refunds r ON r.checkout_id = c.id
            WHERE c.id = $1 AND c.merchant_id = $2
            ORDER BY r.created_at, r.id""")
        .execute(Tuple.of(checkoutId, merchant.id()))
        .map(rows -> {
          if (rows.size() == 0) throw new ApiException(ErrorCode.CHECKOUT_NOT_FOUND);
          JsonArray refunds = new JsonArray();
          Row first = null;
          for (Row row : rows) {
            if (first == null) first = row;
            if (row.getValue("id") != null) refunds.add(RefundView.json(row));
          }
          return balance(first).put("refunds", refunds);
        });
  }

  /** Received, refunded (succeeded and in flight), refundable and excess, in the checkout's money unit. */
  static JsonObject balance(Row c) {
    BigInteger received = base(c, "received_base");
    BigInteger refunded = base(c, "refunded_base");
    JsonObject money = new JsonObject()
        .put("receivedBase", received.toString()).put("refundedBase", refunded.toString())
        .put("refundableBase", received.subtract(refunded).toString())
        .put("excessBase", base(c, "excess_base").toString()).put("excessRefunded", c.getBoolean("excess_refunded"))
        .put("chainId", c.getLong("received_chain_id")).put("token", c.getString("received_token"));
    if (c.getValue("quote_base") != null) {
      money.put("refundable", usd(new BigDecimal(received.subtract(refunded)).multiply(c.getBigDecimal("checkout_amount"))
          .divide(c.getBigDecimal("quote_base"), 6, java.math.RoundingMode.HALF_EVEN)));
    } else {
      // Processor-paid (or nothing received): millionths of the currency.
      money.put("refundable", usd(new BigDecimal(received.subtract(refunded)).divide(MICROS, 6, java.math.RoundingMode.UNNECESSARY)));
    }
    return money;
  }

  private static String usd(BigDecimal amount) {
    BigDecimal stripped = amount.stripTrailingZeros();
    return (stripped.scale() < 2 ? stripped.setScale(2) : stripped).toPlainString();
  }

  private static BigInteger base(Row r, String column) {
    return r.getBigDecimal(column).toBigInteger();
  }
}
