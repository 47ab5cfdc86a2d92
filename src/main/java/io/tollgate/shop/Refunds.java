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

  /**
   * A refund request: {@code amount} null for the whole balance; {@code excess} for the
   * over-payment; {@code payment} for one duplicate payment (its own balance) instead of the
   * checkout's money.
   */
  private record Request(BigDecimal amount, boolean excess, Long payment, String reason) {
    static Request of(JsonObject body) {
      Object amount = body.getValue("amount");
      boolean excess = Boolean.TRUE.equals(body.getValue("excess"));
      Object payment = body.getValue("payment");
      if (payment != null && (!(payment instanceof Number n) || n.longValue() <= 0 || excess)) {
        throw new ApiException(ErrorCode.INVALID_REQUEST,
            "payment is the id of one of the checkout's duplicate payments (a positive integer), without excess", "payment");
      }
      BigDecimal value = null;
      if (amount != null) {
        if (excess || !(amount instanceof String text) || !text.matches("\\d{1,30}(\\.\\d{1,6})?")) {
          throw new ApiException(ErrorCode.INVALID_REFUND_AMOUNT);
        }
        value = new BigDecimal(text);
        if (value.signum() <= 0) throw new ApiException(ErrorCode.INVALID_REFUND_AMOUNT);
      }
      return new Request(value, excess, payment == null ? null : ((Number) payment).longValue(), body.getString("reason"));
    }
  }

  private Future<StoredResponse> create(SqlConnection conn, Merchant merchant, UUID checkoutId, Request request) {
    Future<RefundSource> source = request.payment() != null
        ? RefundSource.duplicatePayment(conn, merchant.id(), checkoutId, request.payment())
        : RefundSource.checkout(conn, merchant.id(), checkoutId);
    return source.compose(src -> {
      BigInteger balance = src.balance();
      if (balance.signum() <= 0) return Future.failedFuture(new ApiException(ErrorCode.NOTHING_TO_REFUND));
      BigInteger amountBase;
      if (request.excess()) {
        if (src.excess().signum() == 0 || src.excessRefunded()) {
          return Future.failedFuture(new ApiException(ErrorCode.NO_EXCESS_TO_REFUND));
        }
        amountBase = src.excess().min(balance);
      } else if (request.amount() == null) {
        amountBase = balance;
      } else {
        amountBase = src.onchain()
            ? request.amount().multiply(src.quoteBase()).divideToIntegralValue(src.checkoutAmount()).toBigInteger()
            : request.amount().multiply(MICROS).toBigInteger();
        if (amountBase.signum() == 0) {
          return Future.failedFuture(new ApiException(ErrorCode.INVALID_REFUND_AMOUNT, "less than one base unit"));
        }
        if (amountBase.compareTo(balance) > 0) {
          return Future.failedFuture(new ApiException(ErrorCode.REFUND_EXCEEDS_BALANCE, "refundable: " + balance + " base units"));
        }
      }
      BigDecimal amount = src.onchain()
          ? new BigDecimal(amountBase).multiply(src.checkoutAmount()).divide(src.quoteBase(), 6, java.math.RoundingMode.HALF_EVEN)
          : new BigDecimal(amountBase).divide(MICROS, 6, java.math.RoundingMode.UNNECESSARY);
      return src.reserve(conn, amountBase, request.excess())
          .compose(ignored -> insert(conn, merchant, src, amount, amountBase, request))
          .compose(refund -> transitions.record(conn, new CheckoutTransition(checkoutId, null, null, "refund_created",
                  request.reason(), "merchant:" + merchant.id(), new JsonObject().put("refund", refund)))
              .map(new StoredResponse(201, refund)));
    });
  }

  private static Future<JsonObject> insert(SqlConnection conn, Merchant merchant, RefundSource src, BigDecimal amount,
      BigInteger amountBase, Request request) {
    boolean onchain = src.onchain();
    return conn.preparedQuery("""
            INSERT INTO refunds (id, checkout_id, merchant_id, method, status, reason, excess, amount, amount_base,
                                 chain_id, token, token_address, source_address, destination, provider, actor, payment_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
            RETURNING *""")
        .execute(Tuple.tuple().addValue(UUID.randomUUID()).addValue(src.checkoutId()).addValue(merchant.id())
            .addValue(onchain ? "onchain" : "processor").addValue(onchain ? "awaiting_transfer" : "awaiting_processor")
            .addValue(request.reason()).addValue(request.excess()).addValue(amount).addValue(new BigDecimal(amountBase))
            .addValue(src.chainId()).addValue(src.token()).addValue(src.tokenAddress()).addValue(src.from())
            .addValue(src.to()).addValue(src.provider()).addValue("merchant:" + merchant.id()).addValue(src.paymentId()))
        .map(rows -> RefundView.json(rows.iterator().next()));
  }

  /**
   * {@code POST .../refunds/{rid}/transactions {txHash}}: the shop sent the refund's transfer. The
   * hash becomes a refund claim the chain watcher verifies; 202 with the refund, now verifying. A
   * refund already verifying takes another hash too (a replacement for a transfer never mined,
   * reverted or dropped): every posted transfer is watched, the first that verifies completes the
   * refund, once; one verifying after that is flagged extra ({@code refund.extra_transfer}).
   */
  public Future<StoredResponse> postTransaction(Merchant merchant, UUID checkoutId, UUID refundId, String idempotencyKey,
      JsonObject body) {
    String txHash = body.getString("txHash", "").toLowerCase(Locale.ROOT);
    if (!txHash.matches("0x[0-9a-f]{64}")) return Future.failedFuture(new ApiException(ErrorCode.INVALID_TX_HASH));
    return Idempotent.run(pool, merchant.id(), idempotencyKey, "refund-tx:" + checkoutId + ":" + refundId, body,
        conn -> conn.preparedQuery("""
                UPDATE refunds r SET status = 'verifying', tx_hash = $4, failure_reason = NULL, failure_detail = NULL,
                                     updated_at = now()
                FROM (SELECT id, tx_hash FROM refunds WHERE id = $1 FOR UPDATE) old
                WHERE r.id = old.id AND r.checkout_id = $2 AND r.merchant_id = $3 AND r.method = 'onchain'
                  AND r.status IN ('awaiting_transfer', 'verifying')
                RETURNING r.*, old.tx_hash AS replaced""")
            .execute(Tuple.of(refundId, checkoutId, merchant.id(), txHash))
            .compose(rows -> {
              if (rows.size() == 0) return whyNot(conn, merchant, checkoutId, refundId, ErrorCode.REFUND_NOT_AWAITING_TRANSFER);
              Row refund = rows.iterator().next();
              JsonObject details = new JsonObject().put("refundId", refundId.toString()).put("txHash", txHash);
              if (refund.getString("replaced") != null) details.put("alongside", refund.getString("replaced"));
              return claim(conn, refund, txHash)
                  .compose(ignored -> transitions.record(conn, new CheckoutTransition(checkoutId, null, null,
                      "refund_transfer_posted", null, "merchant:" + merchant.id(), details)))
                  .map(new StoredResponse(202, RefundView.json(refund)));
            })
            .recover(e -> Future.failedFuture(e instanceof PgException pg && "23505".equals(pg.getSqlState())
                ? new ApiException(ErrorCode.TX_HASH_ALREADY_USED, "this transaction was already posted for this checkout") : e)));
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
              return RefundSource.release(conn, r)
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
    return pool.preparedQuery("SELECT r.*, " + TRANSFERS + " FROM refunds r WHERE r.id = $1 AND r.checkout_id = $2 AND r.merchant_id = $3")
        .execute(Tuple.of(refundId, checkoutId, merchant.id()))
        .map(rows -> {
          if (rows.size() == 0) throw new ApiException(ErrorCode.REFUND_NOT_FOUND);
          return RefundView.json(rows.iterator().next());
        });
  }

  /** Every transfer posted for refund {@code r}, oldest first (a replacement, an extra one), as a JSON column. */
  private static final String TRANSFERS = """
      (SELECT json_agg(json_build_object('txHash', p.tx_hash, 'status', p.status, 'reason', p.reason,
                                         'blockNumber', p.block_number, 'extra', p.extra_transfer) ORDER BY p.id)
       FROM payments p WHERE p.refund_id = r.id) AS transfers""";

  /**
   * A checkout's refunds, oldest first, with its refundable balance and its duplicate payments,
   * each with its own refundable balance (for {@code GET /v1/checkouts/{id}}).
   */
  public Future<JsonObject> ofCheckout(Merchant merchant, UUID checkoutId) {
    Future<JsonArray> duplicates = pool.preparedQuery("""
            SELECT p.id, p.chain_id, p.token, p.tx_hash, p.payer, p.status, p.amount_base, p.refunded_base, p.late
            FROM payments p JOIN checkouts c ON c.id = p.checkout_id
            WHERE p.checkout_id = $1 AND c.merchant_id = $2 AND p.duplicate ORDER BY p.id""")
        .execute(Tuple.of(checkoutId, merchant.id()))
        .map(rows -> {
          JsonArray out = new JsonArray();
          for (Row p : rows) {
            BigInteger amount = base(p, "amount_base");
            BigInteger refunded = base(p, "refunded_base");
            out.add(new JsonObject().put("paymentId", p.getLong("id")).put("chainId", p.getLong("chain_id"))
                .put("token", p.getString("token")).put("txHash", p.getString("tx_hash")).put("payer", p.getString("payer"))
                .put("status", p.getString("status")).put("late", p.getBoolean("late"))
                .put("amountBase", amount.toString()).put("refundedBase", refunded.toString())
                .put("refundableBase", "confirmed".equals(p.getString("status")) ? amount.subtract(refunded).toString() : "0"));
          }
          return out;
        });
    Future<JsonObject> money = pool.preparedQuery("""
            SELECT c.received_base, c.refunded_base, c.excess_base, c.excess_refunded, c.received_chain_id, c.received_token,
                   c.amount AS checkout_amount, o.amount_base AS quote_base, r.*, """ + TRANSFERS + """

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
    return Future.all(money, duplicates).map(both -> money.result().put("duplicatePayments", duplicates.result()));
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
