package io.tollgate.shop;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.tollgate.api.Rfc3339;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Locale;
import java.util.UUID;

/**
 * Finding a merchant's checkouts ({@code GET /v1/checkouts}) and their figures
 * ({@code GET /v1/stats}). Pages are newest first, keyed by {@code (created_at, id)}: the cursor is
 * the last row's key, so a page never repeats or skips a row because others were inserted since
 * (new checkouts are newer than any cursor and appear on a fresh first page).
 */
public final class CheckoutListing {
  private final Pool pool;

  public CheckoutListing(Pool pool) {
    this.pool = pool;
  }

  /** The listing's query; the operator's variant drops the merchant and mode conditions unless asked for. */
  private static final String LIST_SQL = """
      SELECT c.id, c.merchant_id, c.order_reference, c.amount, c.currency, c.status, c.status_reason, c.payer, c.metadata,
             c.created_at, c.expires_at, c.received_base, c.refunded_base, c.excess_base, c.received_chain_id,
             c.received_token, c.mode
      FROM checkouts c
      WHERE %s
        AND ($2::text IS NULL OR c.status = $2)
        AND ($3::timestamptz IS NULL OR c.created_at >= $3)
        AND ($4::timestamptz IS NULL OR c.created_at < $4)
        AND ($5::text IS NULL OR c.order_reference = $5)
        AND ($6::text IS NULL OR c.payer = $6
             OR EXISTS (SELECT 1 FROM payments p WHERE p.checkout_id = c.id AND p.kind = 'payment' AND p.payer = $6))
        AND ($7::text IS NULL OR EXISTS (SELECT 1 FROM payments p WHERE p.checkout_id = c.id AND p.tx_hash = $7))
        AND ($8::timestamptz IS NULL OR (c.created_at, c.id) < ($8, $9::uuid))
        AND %s
      ORDER BY c.created_at DESC, c.id DESC
      LIMIT $10""";
  // Two statements, not one with "$1 IS NULL OR": the merchant's keeps a plan that starts at its index.
  private static final String MERCHANT_LIST = LIST_SQL.formatted("c.merchant_id = $1", "c.mode = $11");
  private static final String OPERATOR_LIST = LIST_SQL.formatted("($1::uuid IS NULL OR c.merchant_id = $1)",
      "($11::text IS NULL OR c.mode = $11)");

  /**
   * Query parameters: limit (1-100, default 20), cursor, status, createdFrom, createdTo, orderReference, payer, txHash.
   * Only checkouts of {@code mode} (the key's: {@code test} or {@code live}); the other mode's are never seen.
   */
  public Future<JsonObject> list(UUID merchantId, String mode, MultiMap q) {
    return list(MERCHANT_LIST, merchantId, mode, q);
  }

  /**
   * The operator's search over every merchant: the same parameters, plus {@code merchantId} and
   * {@code mode} (both optional: every merchant, both modes).
   */
  public Future<JsonObject> listAll(MultiMap q) {
    UUID merchant;
    String mode = q.get("mode");
    try {
      merchant = q.get("merchantId") == null ? null : UUID.fromString(q.get("merchantId"));
      if (mode != null && !mode.equals("test") && !mode.equals("live")) {
        throw new ApiException(ErrorCode.INVALID_REQUEST, "mode is test or live");
      }
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(new ApiException(ErrorCode.INVALID_REQUEST, "merchantId must be a UUID"));
    } catch (ApiException e) {
      return Future.failedFuture(e);
    }
    return list(OPERATOR_LIST, merchant, mode, q);
  }

  private Future<JsonObject> list(String sql, UUID merchantId, String mode, MultiMap q) {
    int limit;
    OffsetDateTime from;
    OffsetDateTime to;
    Cursor after;
    try {
      limit = q.get("limit") == null ? 20 : Integer.parseInt(q.get("limit"));
      if (limit < 1 || limit > 100) throw new ApiException(ErrorCode.INVALID_REQUEST, "limit is 1 to 100");
      from = time(q.get("createdFrom"));
      to = time(q.get("createdTo"));
      after = q.get("cursor") == null ? null : Cursor.decode(q.get("cursor"));
    } catch (NumberFormatException e) {
      return Future.failedFuture(new ApiException(ErrorCode.INVALID_REQUEST, "limit is 1 to 100"));
    } catch (ApiException e) {
      return Future.failedFuture(e);
    }
    String payer = lower(q.get("payer"));
    String txHash = lower(q.get("txHash"));
    return pool.preparedQuery(sql)
        .execute(Tuple.tuple().addValue(merchantId).addValue(q.get("status")).addValue(from).addValue(to)
            .addValue(q.get("orderReference")).addValue(payer).addValue(txHash)
            .addValue(after == null ? null : after.createdAt()).addValue(after == null ? null : after.id())
            .addValue(limit + 1).addValue(mode))
        .map(rows -> {
          JsonArray data = new JsonArray();
          Row last = null;
          int n = 0;
          for (Row row : rows) {
            if (n++ == limit) break;
            data.add(summary(row));
            last = row;
          }
          boolean more = rows.size() > limit;
          return new JsonObject().put("object", "list").put("data", data).put("hasMore", more)
              .put("nextCursor", more ? new Cursor(last.getOffsetDateTime("created_at"), last.getUUID("id")).encode() : null);
        });
  }

  private static JsonObject summary(Row c) {
    return new JsonObject().put("id", c.getUUID("id").toString()).put("object", "checkout")
        .put("merchantId", c.getUUID("merchant_id").toString())
        .put("status", c.getString("status")).put("statusReason", c.getString("status_reason"))
        .put("orderReference", c.getString("order_reference")).put("amount", usd(c.getBigDecimal("amount")))
        .put("currency", c.getString("currency")).put("payer", c.getString("payer")).put("metadata", c.getValue("metadata"))
        .put("mode", c.getString("mode"))
        .put("createdAt", Rfc3339.format(c.getOffsetDateTime("created_at")))
        .put("expiresAt", Rfc3339.format(c.getOffsetDateTime("expires_at")))
        .put("receivedBase", c.getBigDecimal("received_base").toBigInteger().toString())
        .put("refundableBase", c.getBigDecimal("received_base").subtract(c.getBigDecimal("refunded_base")).toBigInteger().toString())
        .put("excessBase", c.getBigDecimal("excess_base").toBigInteger().toString())
        .put("receivedChainId", c.getLong("received_chain_id")).put("receivedToken", c.getString("received_token"));
  }

  /** {@code GET /v1/stats?from&to}: counts and sums by status, chain and token; refunds by status; of {@code mode} only. */
  public Future<JsonObject> stats(UUID merchantId, String mode, String fromText, String toText) {
    OffsetDateTime from;
    OffsetDateTime to;
    try {
      from = fromText == null ? OffsetDateTime.parse("1970-01-01T00:00:00Z") : time(fromText);
      to = toText == null ? OffsetDateTime.now(ZoneOffset.UTC).plusYears(100) : time(toText);
      if (!from.isBefore(to)) throw new ApiException(ErrorCode.INVALID_TIME_RANGE);
    } catch (ApiException e) {
      return Future.failedFuture(e);
    }
    Future<JsonArray> checkouts = pool.preparedQuery("""
            SELECT status, received_chain_id, received_token, count(*) AS n, sum(amount) AS amount,
                   sum(received_base) AS received, sum(refunded_base) AS refunded
            FROM checkouts WHERE merchant_id = $1 AND created_at >= $2 AND created_at < $3 AND mode = $4
            GROUP BY 1, 2, 3 ORDER BY 1, 2, 3""")
        .execute(Tuple.of(merchantId, from, to, mode))
        .map(rows -> {
          JsonArray groups = new JsonArray();
          rows.forEach(r -> groups.add(new JsonObject().put("status", r.getString("status"))
              .put("chainId", r.getLong("received_chain_id")).put("token", r.getString("received_token"))
              .put("count", r.getLong("n")).put("amount", usd(r.getBigDecimal("amount")))
              .put("receivedBase", r.getBigDecimal("received").toBigInteger().toString())
              .put("refundedBase", r.getBigDecimal("refunded").toBigInteger().toString())));
          return groups;
        });
    Future<JsonArray> refunds = pool.preparedQuery("""
            SELECT status, method, chain_id, token, count(*) AS n, sum(amount) AS amount, sum(amount_base) AS base
            FROM refunds WHERE merchant_id = $1 AND created_at >= $2 AND created_at < $3
              AND checkout_id IN (SELECT id FROM checkouts WHERE merchant_id = $1 AND mode = $4)
            GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4""")
        .execute(Tuple.of(merchantId, from, to, mode))
        .map(rows -> {
          JsonArray groups = new JsonArray();
          rows.forEach(r -> groups.add(new JsonObject().put("status", r.getString("status"))
              .put("method", r.getString("method")).put("chainId", r.getLong("chain_id")).put("token", r.getString("token"))
              .put("count", r.getLong("n")).put("amount", usd(r.getBigDecimal("amount")))
              .put("amountBase", r.getBigDecimal("base").toBigInteger().toString())));
          return groups;
        });
    return Future.all(checkouts, refunds).map(all -> new JsonObject()
        .put("mode", mode).put("from", Rfc3339.format(from)).put("to", Rfc3339.format(to))
        .put("checkouts", checkouts.result()).put("refunds", refunds.result()));
  }

  private record Cursor(OffsetDateTime createdAt, UUID id) {
    String encode() {
      String raw = createdAt.toInstant().toString() + "|" + id;
      return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    static Cursor decode(String text) {
      try {
        String raw = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
        int bar = raw.indexOf('|');
        return new Cursor(OffsetDateTime.parse(raw.substring(0, bar)), UUID.fromString(raw.substring(bar + 1)));
      } catch (RuntimeException e) {
        throw new ApiException(ErrorCode.INVALID_CURSOR);
      }
    }
  }

  private static OffsetDateTime time(String text) {
    if (text == null) return null;
    try {
      return OffsetDateTime.parse(text);
    } catch (DateTimeParseException e) {
      throw new ApiException(ErrorCode.INVALID_TIME_RANGE, "not an RFC 3339 time: " + text);
    }
  }

  private static String lower(String s) {
    return s == null ? null : s.toLowerCase(Locale.ROOT);
  }

  private static String usd(BigDecimal amount) {
    if (amount == null) return "0.00";
    BigDecimal stripped = amount.stripTrailingZeros();
    return (stripped.scale() < 2 ? stripped.setScale(2) : stripped).toPlainString();
  }
}
