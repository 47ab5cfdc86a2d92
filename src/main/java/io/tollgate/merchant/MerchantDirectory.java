package io.tollgate.merchant;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.tollgate.api.Rfc3339;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Operator actions on merchants and their payment methods, shared by the {@code merchant} CLI and
 * the operator API. Payment methods arrive checked ({@link PaymentMethodRules}); every change
 * commits with a {@link MerchantChanges} notification so no instance keeps serving the old ones.
 */
public final class MerchantDirectory {
  private static final int MAX_NAME = 200;
  private final Pool pool;
  private final Clock clock;
  private final PaymentMethodRules rules;

  public MerchantDirectory(Pool pool, Clock clock, PaymentMethodRules rules) {
    this.pool = pool;
    this.clock = clock;
    this.rules = rules;
  }

  /**
   * What to change; null fields stay as they are. {@code replaceMethods} (the API's full list) is
   * applied first, then {@code removeMethods} ({@code CHAIN:TOKEN}) and {@code addMethods}
   * (replacing a method of the same chain and token).
   */
  public record Update(String name, PayerBinding payerBinding, List<PaymentMethod> replaceMethods,
      List<PaymentMethod> addMethods, List<String> removeMethods, AmountRules amounts, List<String> allowedOrigins) {
    public Update {
      if (amounts == null) amounts = AmountRules.UNCHANGED;
    }

    /** Without a change of the allowed origins. */
    public Update(String name, PayerBinding payerBinding, List<PaymentMethod> replaceMethods,
        List<PaymentMethod> addMethods, List<String> removeMethods, AmountRules amounts) {
      this(name, payerBinding, replaceMethods, addMethods, removeMethods, amounts, null);
    }

    public boolean isEmpty() {
      return name == null && payerBinding == null && replaceMethods == null && (addMethods == null || addMethods.isEmpty())
          && (removeMethods == null || removeMethods.isEmpty()) && amounts.isUnchanged() && allowedOrigins == null;
    }
  }

  public PaymentMethodRules rules() {
    return rules;
  }

  public Future<JsonObject> create(String name, PayerBinding binding, List<PaymentMethod> methods) {
    return create(name, binding, methods, AmountRules.UNCHANGED);
  }

  /** A new merchant; {@code amounts}' null fields take the defaults (stablecoins 0, native 50 bps, accept). */
  public Future<JsonObject> create(String name, PayerBinding binding, List<PaymentMethod> methods, AmountRules amounts) {
    return create(name, binding, methods, amounts, List.of());
  }

  /** @param allowedOrigins the shop origins that may frame the hosted checkout page ({@link AllowedOrigins}) */
  public Future<JsonObject> create(String name, PayerBinding binding, List<PaymentMethod> methods, AmountRules amounts,
      List<String> allowedOrigins) {
    List<String> origins;
    try {
      checkName(name);
      origins = AllowedOrigins.check(allowedOrigins);
      if (methods.isEmpty()) throw new ApiException(ErrorCode.INVALID_PAYMENT_METHOD, "a merchant needs at least one payment method");
    } catch (ApiException e) {
      return Future.failedFuture(e);
    }
    UUID id = UUID.randomUUID();
    OffsetDateTime now = now();
    return pool.withTransaction(conn -> conn.preparedQuery(
                """
                INSERT INTO merchants (id, name, payer_binding, created_at, updated_at, underpayment_tolerance_bps_stable,
                                       underpayment_tolerance_bps_native, overpayments, allowed_origins)
                VALUES ($1, $2, $3, $4, $4, coalesce($5, 0), coalesce($6, 50), coalesce($7, 'accept'), $8)""")
            .execute(Tuple.tuple().addValue(id).addValue(name.strip()).addValue(binding.code()).addValue(now)
                .addValue(amounts.toleranceBpsStablecoin()).addValue(amounts.toleranceBpsNative()).addValue(amounts.overpayments())
                .addValue(origins.toArray(String[]::new)))
            .compose(v -> upsert(conn, id, methods)))
        .compose(v -> get(id));
  }

  public Future<JsonArray> list() {
    return pool.query("SELECT * FROM merchants ORDER BY created_at, id").execute()
        .compose(merchants -> pool.query("SELECT * FROM merchant_payment_methods ORDER BY chain_id, token").execute()
            .map(methods -> {
              Map<UUID, JsonArray> byMerchant = new LinkedHashMap<>();
              for (Row m : methods) byMerchant.computeIfAbsent(m.getUUID("merchant_id"), k -> new JsonArray()).add(methodJson(m));
              JsonArray out = new JsonArray();
              for (Row m : merchants) out.add(merchantJson(m, byMerchant.getOrDefault(m.getUUID("id"), new JsonArray())));
              return out;
            }));
  }

  public Future<JsonObject> get(UUID id) {
    return pool.withConnection(conn -> read(conn, id));
  }

  public Future<JsonObject> update(UUID id, Update update) {
    List<String> origins;
    try {
      origins = update.allowedOrigins() == null ? null : AllowedOrigins.check(update.allowedOrigins());
      if (update.name() != null) checkName(update.name());
      if (update.replaceMethods() != null && update.replaceMethods().isEmpty()) {
        throw new ApiException(ErrorCode.INVALID_PAYMENT_METHOD, "a merchant needs at least one payment method");
      }
    } catch (ApiException e) {
      return Future.failedFuture(e);
    }
    return pool.withTransaction(conn -> conn.preparedQuery("""
                UPDATE merchants SET name = coalesce($2, name), payer_binding = coalesce($3, payer_binding), updated_at = $4,
                  underpayment_tolerance_bps_stable = coalesce($5, underpayment_tolerance_bps_stable),
                  underpayment_tolerance_bps_native = coalesce($6, underpayment_tolerance_bps_native),
                  overpayments = coalesce($7, overpayments),
                  allowed_origins = coalesce($8, allowed_origins)
                WHERE id = $1 RETURNING id""")
            .execute(Tuple.tuple().addValue(id).addValue(update.name() == null ? null : update.name().strip())
                .addValue(update.payerBinding() == null ? null : update.payerBinding().code()).addValue(now())
                .addValue(update.amounts().toleranceBpsStablecoin()).addValue(update.amounts().toleranceBpsNative())
                .addValue(update.amounts().overpayments())
                .addValue(origins == null ? null : origins.toArray(String[]::new)))
            .compose(rows -> rows.size() == 0 ? Future.failedFuture(new ApiException(ErrorCode.MERCHANT_NOT_FOUND, id.toString()))
                : changeMethods(conn, id, update))
            .compose(v -> conn.preparedQuery("SELECT count(*) FROM merchant_payment_methods WHERE merchant_id = $1")
                .execute(Tuple.of(id)))
            .compose(count -> count.iterator().next().getLong(0) == 0
                ? Future.failedFuture(new ApiException(ErrorCode.INVALID_PAYMENT_METHOD,
                    "that would leave the merchant without payment methods"))
                : MerchantChanges.announce(conn, id)))
        .compose(v -> get(id));
  }

  private Future<Void> changeMethods(SqlConnection conn, UUID id, Update update) {
    Future<Void> step = Future.succeededFuture();
    if (update.replaceMethods() != null) {
      step = step.compose(v -> conn.preparedQuery("DELETE FROM merchant_payment_methods WHERE merchant_id = $1")
          .execute(Tuple.of(id)).compose(r -> upsert(conn, id, update.replaceMethods())));
    }
    for (String key : update.removeMethods() == null ? List.<String>of() : update.removeMethods()) {
      String[] parts = key.split(":", -1);
      long chainId;
      try {
        if (parts.length != 2) throw new NumberFormatException();
        chainId = Long.parseLong(parts[0]);
      } catch (NumberFormatException e) {
        return Future.failedFuture(new ApiException(ErrorCode.INVALID_PAYMENT_METHOD,
            "method to remove '" + key + "' must be CHAIN_ID:TOKEN, e.g. 8453:USDC"));
      }
      step = step.compose(v -> conn.preparedQuery("DELETE FROM merchant_payment_methods WHERE merchant_id = $1 AND chain_id = $2 AND token = $3")
          .execute(Tuple.of(id, chainId, parts[1]))
          .compose(r -> r.rowCount() == 0 ? Future.failedFuture(new ApiException(ErrorCode.INVALID_PAYMENT_METHOD,
              "the merchant does not accept " + parts[1] + " on chain " + chainId + ", so it cannot be removed"))
              : Future.<Void>succeededFuture()));
    }
    if (update.addMethods() != null && !update.addMethods().isEmpty()) step = step.compose(v -> upsert(conn, id, update.addMethods()));
    return step;
  }

  private static Future<Void> upsert(SqlConnection conn, UUID id, List<PaymentMethod> methods) {
    if (methods.isEmpty()) return Future.succeededFuture();
    List<Tuple> rows = new ArrayList<>();
    for (PaymentMethod m : methods) rows.add(Tuple.of(id, m.chainId(), m.token(), m.recipient()));
    return conn.preparedQuery("""
            INSERT INTO merchant_payment_methods (merchant_id, chain_id, token, recipient) VALUES ($1, $2, $3, $4)
            ON CONFLICT (merchant_id, chain_id, token) DO UPDATE SET recipient = excluded.recipient""")
        .executeBatch(rows).mapEmpty();
  }

  private Future<JsonObject> read(SqlConnection conn, UUID id) {
    return conn.preparedQuery("SELECT * FROM merchants WHERE id = $1").execute(Tuple.of(id))
        .compose(rows -> {
          if (rows.size() == 0) return Future.failedFuture(new ApiException(ErrorCode.MERCHANT_NOT_FOUND, id.toString()));
          Row merchant = rows.iterator().next();
          return conn.preparedQuery("SELECT * FROM merchant_payment_methods WHERE merchant_id = $1 ORDER BY chain_id, token")
              .execute(Tuple.of(id)).map(methods -> merchantJson(merchant, methodsJson(methods)));
        });
  }

  private JsonArray methodsJson(RowSet<Row> rows) {
    JsonArray out = new JsonArray();
    rows.forEach(r -> out.add(methodJson(r)));
    return out;
  }

  private JsonObject methodJson(Row r) {
    long chainId = r.getLong("chain_id");
    return new JsonObject().put("chainId", chainId).put("token", r.getString("token"))
        .put("recipient", r.getString("recipient")).put("mode", KeyMode.forChain(rules.isTestnet(chainId)).code());
  }

  private static JsonObject merchantJson(Row m, JsonArray methods) {
    return new JsonObject().put("id", m.getUUID("id").toString()).put("object", "merchant").put("name", m.getString("name"))
        .put("payerBinding", m.getString("payer_binding")).put("paymentMethods", methods)
        .put("underpaymentTolerance", AmountRules.json(m.getInteger("underpayment_tolerance_bps_stable"),
            m.getInteger("underpayment_tolerance_bps_native")))
        .put("overpayments", m.getString("overpayments"))
        .put("allowedOrigins", new JsonArray(List.of(m.getArrayOfStrings("allowed_origins"))))
        .put("createdAt", Rfc3339.format(m.getOffsetDateTime("created_at")))
        .put("updatedAt", Rfc3339.format(m.getOffsetDateTime("updated_at")));
  }

  private static void checkName(String name) {
    if (name == null || name.isBlank()) throw new ApiException(ErrorCode.INVALID_REQUEST, "name must not be empty");
    if (name.strip().length() > MAX_NAME) throw new ApiException(ErrorCode.INVALID_REQUEST, "name must be at most " + MAX_NAME + " characters");
  }

  private OffsetDateTime now() {
    return OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
  }
}
