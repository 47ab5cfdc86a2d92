package io.tollgate.http;

import io.tollgate.api.ApiException;
import io.tollgate.merchant.AmountRules;
import io.tollgate.merchant.ApiKeyRegistry;
import io.tollgate.merchant.KeyMode;
import io.tollgate.merchant.MerchantDirectory;
import io.tollgate.merchant.PayerBinding;
import io.tollgate.merchant.PaymentMethod;
import io.tollgate.merchant.PaymentMethodRules;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The operator's merchants and API keys ({@code /v1/admin/merchants...}, {@link AdminAuth}): the
 * same operations as the {@code merchant} and {@code key} commands, over the same services.
 */
final class OperatorApi {
  /** How long a rotated key keeps working unless the request says otherwise. */
  static final Duration DEFAULT_KEY_OVERLAP = Duration.ofHours(24);

  private final AdminAuth admin;
  private final MerchantDirectory merchants;
  private final ApiKeyRegistry keys;

  OperatorApi(AdminAuth admin, MerchantDirectory merchants, ApiKeyRegistry keys) {
    this.admin = admin;
    this.merchants = merchants;
    this.keys = keys;
  }

  void createMerchant(RoutingContext ctx) {
    JsonReplies.respond(ctx, 201, authorized(ctx).compose(v -> {
      JsonObject body = ctx.body().asJsonObject();
      return merchants.create(body.getString("name"), binding(body.getString("payerBinding", "required")),
          methods(body.getJsonArray("paymentMethods")), AmountRules.fromJson(body), origins(body.getJsonArray("allowedOrigins")));
    }));
  }

  void listMerchants(RoutingContext ctx) {
    JsonReplies.respond(ctx, 200, authorized(ctx).compose(v -> merchants.list()).map(JsonReplies::list));
  }

  void getMerchant(RoutingContext ctx) {
    JsonReplies.respond(ctx, 200, authorized(ctx).compose(v -> merchants.get(merchantId(ctx))));
  }

  void updateMerchant(RoutingContext ctx) {
    JsonReplies.respond(ctx, 200, authorized(ctx).compose(v -> {
      JsonObject body = ctx.body().asJsonObject();
      String binding = body.getString("payerBinding");
      JsonArray replace = body.getJsonArray("paymentMethods");
      return merchants.update(merchantId(ctx), new MerchantDirectory.Update(body.getString("name"),
          binding == null ? null : binding(binding), replace == null ? null : methods(replace), null, null,
          AmountRules.fromJson(body), body.containsKey("allowedOrigins") ? origins(body.getJsonArray("allowedOrigins")) : null));
    }));
  }

  private static List<String> origins(JsonArray origins) {
    List<String> out = new ArrayList<>();
    if (origins != null) origins.forEach(o -> out.add((String) o));
    return out;
  }

  void createKey(RoutingContext ctx) {
    JsonReplies.respond(ctx, 201, authorized(ctx).compose(v -> keys.create(merchantId(ctx),
            KeyMode.fromCode(JsonReplies.optionalBody(ctx).getString("mode")),
            io.tollgate.merchant.KeyScope.fromCode(JsonReplies.optionalBody(ctx).getString("scope"))))
        .map(ApiKeyRegistry.CreatedKey::toJson));
  }

  void listKeys(RoutingContext ctx) {
    JsonReplies.respond(ctx, 200, authorized(ctx).compose(v -> keys.list(merchantId(ctx))).map(JsonReplies::list));
  }

  void rotateKey(RoutingContext ctx) {
    Long overlap = JsonReplies.optionalBody(ctx).getLong("overlapSeconds");
    JsonReplies.respond(ctx, 201, authorized(ctx).compose(v -> keys.rotate(merchantId(ctx), keyId(ctx),
            overlap == null ? DEFAULT_KEY_OVERLAP : Duration.ofSeconds(overlap)))
        .map(ApiKeyRegistry.CreatedKey::toJson));
  }

  void revokeKey(RoutingContext ctx) {
    JsonReplies.respond(ctx, 200, authorized(ctx).compose(v -> keys.revoke(merchantId(ctx), keyId(ctx))));
  }

  private Future<Void> authorized(RoutingContext ctx) {
    return RequestAuth.admin(ctx, admin);
  }

  /** Each method checked against the deployment's chains; the first bad one is the answer. */
  private List<PaymentMethod> methods(JsonArray items) {
    PaymentMethodRules rules = merchants.rules();
    List<PaymentMethod> out = new ArrayList<>();
    for (int i = 0; i < (items == null ? 0 : items.size()); i++) {
      JsonObject m = items.getJsonObject(i);
      try {
        out.add(rules.check(m.getLong("chainId"), m.getString("token"), m.getString("recipient")));
      } catch (ApiException e) {
        throw new ApiException(e.error(), "paymentMethods[" + i + "]: " + e.detail());
      }
    }
    return out;
  }

  private static PayerBinding binding(String code) {
    return PayerBinding.fromCode(code);
  }

  private static UUID merchantId(RoutingContext ctx) {
    return UUID.fromString(ctx.pathParam("merchantId"));
  }

  private static UUID keyId(RoutingContext ctx) {
    return UUID.fromString(ctx.pathParam("keyId"));
  }

}
