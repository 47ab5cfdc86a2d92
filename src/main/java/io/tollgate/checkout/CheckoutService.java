package io.tollgate.checkout;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.tollgate.api.Rfc3339;
import io.tollgate.merchant.KeyMode;
import io.tollgate.merchant.Merchant;
import io.tollgate.db.Transactions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/**
 * The merchant side of checkouts: idempotent creation and the full read. Creation claims the
 * idempotency key, stores checkout, options, audit row and response, and notifies the status
 * channel, all in one transaction. A request that fails validation after the key was claimed has its
 * error stored and replayed too (Stripe's semantics); a fault of ours (5xx) is not stored.
 */
public final class CheckoutService {
  private final Pool pool;
  private final CheckoutPlanner planner;
  private final ClientSecrets clientSecrets;
  private final TransitionLog transitions;
  private final IdempotencyStore idempotency = new IdempotencyStore();
  private final String pageBase;

  public CheckoutService(Pool pool, CheckoutPlanner planner, ClientSecrets clientSecrets, TransitionLog transitions) {
    this(pool, planner, clientSecrets, transitions, "");
  }

  /**
   * @param pageBase the service's public URL ({@code http.public-url}, e.g. {@code https://pay.example}),
   *     which makes {@code paymentUrl} absolute; empty for a path
   */
  public CheckoutService(Pool pool, CheckoutPlanner planner, ClientSecrets clientSecrets, TransitionLog transitions,
      String pageBase) {
    this.pool = pool;
    this.planner = planner;
    this.clientSecrets = clientSecrets;
    this.transitions = transitions;
    this.pageBase = pageBase.endsWith("/") ? pageBase.substring(0, pageBase.length() - 1) : pageBase;
  }

  /**
   * The hosted payment page of a checkout. The client secret rides in the fragment, which browsers
   * never send to a server, so it stays out of access logs and Referer headers.
   */
  public String paymentUrl(UUID checkoutId) {
    return pageBase + "/pay/" + checkoutId + "#" + clientSecrets.secretFor(checkoutId);
  }

  public Future<StoredResponse> create(Merchant merchant, String idempotencyKey, JsonObject request) {
    // A test request never replays a live checkout nor the other way round: the same key and body
    // from the other mode is a different request (idempotency_key_reused). Live fingerprints are as before.
    // Canonical JSON (keys sorted): the same body with its keys in another order is the same request.
    // A key stored before fingerprints were canonical matches its body as it was sent.
    String prefix = merchant.mode() == KeyMode.TEST ? "test:" : "";
    java.util.List<byte[]> fingerprints = java.util.List.of(sha256(prefix + CanonicalJson.encode(request)),
        sha256(prefix + request.encode()));
    Future<CheckoutPlan> plan = planner.plan(merchant, request);
    return plan.transform(planned -> {
      // Our faults and unavailable dependencies (5xx) are not stored: a retry does the work again.
      if (planned.failed() && !(planned.cause() instanceof ApiException api && api.error().httpStatus() < 500)) {
        return Future.failedFuture(planned.cause());
      }
      return Transactions.retryingConflicts(() -> pool.withTransaction(conn -> idempotency.claim(conn, merchant.id(), idempotencyKey, fingerprints)
          .compose(claim -> {
            if (!claim.isNew()) return Future.succeededFuture(claim.replay());
            StoredResponse outcome = planned.succeeded() ? null : StoredResponse.of((ApiException) planned.cause());
            Future<StoredResponse> work = outcome != null
                ? Future.succeededFuture(outcome)
                : insert(conn, merchant, planned.result());
            return work.compose(response -> idempotency.complete(conn, merchant.id(), idempotencyKey, response));
          })));
    }).map(this::withClientSecret);
  }

  /** The full checkout for its merchant; another merchant's checkout does not exist for them. */
  public Future<JsonObject> get(Merchant merchant, UUID checkoutId) {
    return pool.withConnection(conn -> conn.preparedQuery("""
                SELECT * FROM checkouts WHERE id = $1 AND merchant_id = $2""")
            .execute(Tuple.of(checkoutId, merchant.id()))
            .compose(rows -> {
              if (rows.size() == 0) return Future.failedFuture(new ApiException(ErrorCode.CHECKOUT_NOT_FOUND));
              Row checkout = rows.iterator().next();
              if (!merchant.mode().code().equals(checkout.getString("mode"))) {
                return Future.failedFuture(new ApiException(ErrorCode.MODE_MISMATCH, "checkout " + checkoutId + " is a "
                    + checkout.getString("mode") + "-mode checkout; read it with a " + checkout.getString("mode") + " key"));
              }
              return Future.all(
                      conn.preparedQuery("SELECT * FROM payment_options WHERE checkout_id = $1 ORDER BY chain_id, token")
                          .execute(Tuple.of(checkoutId)),
                      conn.preparedQuery("SELECT * FROM payments WHERE checkout_id = $1 AND kind = 'payment' ORDER BY id")
                          .execute(Tuple.of(checkoutId)))
                  .map(all -> representation(checkout, all.resultAt(0), all.resultAt(1)));
            }))
        .map(json -> json.put("clientSecret", clientSecrets.secretFor(checkoutId)).put("paymentUrl", paymentUrl(checkoutId)));
  }

  /**
   * What the hosted payment page shows besides the options (for the buyer, authorised by the client
   * secret): the price, where to send the buyer afterwards, the shop's name and the bound payer.
   */
  public Future<JsonObject> buyerView(UUID checkoutId) {
    return pool.preparedQuery("""
            SELECT c.amount, c.currency, c.payer, c.expires_at, c.success_url, c.cancel_url, c.mode, m.name
            FROM checkouts c JOIN merchants m ON m.id = c.merchant_id WHERE c.id = $1""")
        .execute(Tuple.of(checkoutId))
        .map(rows -> {
          if (rows.size() == 0) throw new ApiException(ErrorCode.CHECKOUT_NOT_FOUND);
          Row c = rows.iterator().next();
          return new JsonObject().put("id", checkoutId.toString()).put("amount", usd(c.getBigDecimal("amount")))
              .put("currency", c.getString("currency")).put("payer", c.getString("payer"))
              .put("expiresAt", instant(c.getOffsetDateTime("expires_at"))).put("mode", c.getString("mode"))
              .put("merchantName", c.getString("name"))
              .put("successUrl", c.getString("success_url")).put("cancelUrl", c.getString("cancel_url"));
        });
  }

  /**
   * The origins that may frame the checkout's payment page (its merchant's allowed origins), or
   * null when there is no such checkout. Not secret: the page is served without the client secret.
   */
  public Future<List<String>> framingOrigins(UUID checkoutId) {
    return pool.preparedQuery("""
            SELECT m.allowed_origins FROM checkouts c JOIN merchants m ON m.id = c.merchant_id WHERE c.id = $1""")
        .execute(Tuple.of(checkoutId))
        .map(rows -> rows.size() == 0 ? null : List.of(rows.iterator().next().getArrayOfStrings("allowed_origins")));
  }

  /** The payment options a buyer may use (for the browser, authorised by the client secret). */
  public Future<JsonArray> paymentOptions(UUID checkoutId) {
    return pool.preparedQuery("SELECT * FROM payment_options WHERE checkout_id = $1 ORDER BY chain_id, token")
        .execute(Tuple.of(checkoutId))
        .map(rows -> {
          if (rows.size() == 0) throw new ApiException(ErrorCode.CHECKOUT_NOT_FOUND);
          JsonArray options = new JsonArray();
          rows.forEach(row -> options.add(optionJson(row)));
          return options;
        });
  }

  private Future<StoredResponse> insert(SqlConnection conn, Merchant merchant, CheckoutPlan plan) {
    OffsetDateTime created = utc(plan.createdAt());
    return conn.preparedQuery("""
            INSERT INTO checkouts (id, merchant_id, order_reference, amount, currency, status, payer, metadata,
                                   expires_at, created_at, updated_at, mode,
                                   tolerance_bps_stable, tolerance_bps_native, overpayments, success_url, cancel_url)
            -- the merchant's amount rules as they are now, read from the table (not a cache): frozen
            -- for this checkout, so a change applies to new checkouts on every instance at once
            SELECT $1, $2, $3, $4, $5, 'open', $6, $7, $8, $9, $9, $10,
                   m.underpayment_tolerance_bps_stable, m.underpayment_tolerance_bps_native, m.overpayments, $11, $12
            FROM merchants m WHERE m.id = $2""")
        .execute(Tuple.of(plan.id(), merchant.id(), plan.orderReference(), plan.amount(), plan.currency(),
            plan.payer(), plan.metadata(), utc(plan.expiresAt()), created, plan.mode().code(), plan.successUrl(),
            plan.cancelUrl()))
        .compose(ignored -> conn.preparedQuery("""
                INSERT INTO payment_options (checkout_id, chain_id, token, token_address, decimals, amount_base, recipient,
                                             rate_pair, rate, rate_sources, rated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)""")
            .executeBatch(plan.options().stream()
                .map(o -> Tuple.from(java.util.Arrays.asList(plan.id(), o.chainId(), o.token(), o.tokenAddress(), o.decimals(),
                    new BigDecimal(o.amount()), o.recipient(),
                    o.rate() == null ? null : o.rate().pair(), o.rate() == null ? null : o.rate().value(),
                    o.rate() == null ? null : o.rate().sources().toArray(String[]::new),
                    o.rate() == null ? null : utc(o.rate().at()))))
                .toList()))
        .compose(ignored -> transitions.record(conn, new CheckoutTransition(plan.id(), null, null, "open", null,
            "merchant:" + merchant.id(), new JsonObject().put("orderReference", plan.orderReference()))))
        .compose(ignored -> StatusNotifications.checkoutChanged(conn, plan.id()))
        .map(ignored -> new StoredResponse(201, representation(plan)));
  }

  private StoredResponse withClientSecret(StoredResponse response) {
    if (response.status() != 201) return response;
    JsonObject body = response.body().copy();
    UUID id = UUID.fromString(body.getString("id"));
    body.put("clientSecret", clientSecrets.secretFor(id)).put("paymentUrl", paymentUrl(id));
    return new StoredResponse(response.status(), body);
  }

  private static JsonObject representation(CheckoutPlan plan) {
    JsonArray options = new JsonArray();
    plan.options().forEach(o -> options.add(new JsonObject()
        .put("chainId", o.chainId()).put("token", o.token()).put("tokenAddress", o.tokenAddress())
        .put("decimals", o.decimals()).put("amount", o.amount().toString()).put("recipient", o.recipient())
        .put("rate", o.rate() == null ? null : rateJson(o.rate().pair(), o.rate().value(), o.rate().sources(),
            CheckoutService.utc(o.rate().at())))));
    return new JsonObject()
        .put("id", plan.id().toString()).put("object", "checkout").put("mode", plan.mode().code())
        .put("status", "open").putNull("statusReason")
        .put("orderReference", plan.orderReference()).put("amount", usd(plan.amount())).put("currency", plan.currency())
        .put("metadata", plan.metadata()).put("payer", plan.payer())
        .put("successUrl", plan.successUrl()).put("cancelUrl", plan.cancelUrl())
        .put("createdAt", Rfc3339.format(plan.createdAt())).put("expiresAt", Rfc3339.format(plan.expiresAt()))
        .put("paymentOptions", options).put("payments", new JsonArray());
  }

  private static JsonObject representation(Row c, RowSet<Row> options, RowSet<Row> payments) {
    JsonArray optionJson = new JsonArray();
    options.forEach(row -> optionJson.add(optionJson(row)));
    JsonArray paymentJson = new JsonArray();
    payments.forEach(p -> paymentJson.add(new JsonObject()
        .put("id", p.getLong("id")).put("chainId", p.getLong("chain_id")).put("token", p.getString("token")).put("txHash", p.getString("tx_hash"))
        .put("status", p.getString("status")).put("reason", p.getString("reason")).put("payer", p.getString("payer"))
        .put("amount", p.getValue("amount_base") == null ? null : p.getBigDecimal("amount_base").toBigInteger().toString())
        .put("blockNumber", p.getLong("block_number")).put("blockHash", p.getString("block_hash"))
        .put("final", p.getBoolean("final"))
        .put("submittedAt", instant(p.getOffsetDateTime("submitted_at")))
        .put("late", p.getBoolean("late")).put("recovery", p.getBoolean("recovery"))
        // money that reached the checkout after it was settled: kept, refundable on its own (money.duplicatePayments)
        .put("duplicate", p.getBoolean("duplicate"))));
    return new JsonObject()
        .put("id", c.getUUID("id").toString()).put("object", "checkout").put("mode", c.getString("mode"))
        .put("status", c.getString("status"))
        .put("statusReason", c.getString("status_reason"))
        .put("orderReference", c.getString("order_reference")).put("amount", usd(c.getBigDecimal("amount")))
        .put("currency", c.getString("currency")).put("metadata", c.getValue("metadata")).put("payer", c.getString("payer"))
        .put("successUrl", c.getString("success_url")).put("cancelUrl", c.getString("cancel_url"))
        .put("createdAt", instant(c.getOffsetDateTime("created_at")))
        .put("expiresAt", instant(c.getOffsetDateTime("expires_at")))
        .put("paymentOptions", optionJson).put("payments", paymentJson);
  }

  private static JsonObject optionJson(Row row) {
    return new JsonObject()
        .put("chainId", row.getLong("chain_id")).put("token", row.getString("token"))
        .put("tokenAddress", row.getString("token_address")).put("decimals", row.getInteger("decimals"))
        .put("amount", row.getBigDecimal("amount_base").toBigInteger().toString())
        .put("recipient", row.getString("recipient"))
        .put("rate", row.getString("rate_pair") == null ? null : rateJson(row.getString("rate_pair"),
            row.getBigDecimal("rate"), List.of(row.getArrayOfStrings("rate_sources")),
            row.getOffsetDateTime("rated_at")));
  }

  /** {"pair":"EUR-USD","value":"1.08","sources":["coinbase","kraken"],"at":"…"}: what an option was quoted at. */
  private static JsonObject rateJson(String pair, BigDecimal value, List<String> sources, OffsetDateTime at) {
    return new JsonObject().put("pair", pair).put("value", value.stripTrailingZeros().toPlainString())
        .put("sources", new JsonArray(sources)).put("at", instant(at));
  }

  /** "12.5" → "12.50"; "0.123456" stays. */
  static String usd(BigDecimal amount) {
    BigDecimal stripped = amount.stripTrailingZeros();
    return (stripped.scale() < 2 ? stripped.setScale(2) : stripped).toPlainString();
  }

  private static String instant(OffsetDateTime t) {
    return Rfc3339.format(t);
  }

  static OffsetDateTime utc(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Deletes idempotency keys older than the retention (run periodically). */
  public Future<Integer> purgeIdempotencyKeys(java.time.Duration retention) {
    return pool.preparedQuery("DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(secs => $1)")
        .execute(Tuple.of((double) retention.toSeconds()))
        .map(RowSet::rowCount);
  }

}
