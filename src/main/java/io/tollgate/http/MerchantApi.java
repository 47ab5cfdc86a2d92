package io.tollgate.http;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.tollgate.checkout.CheckoutService;
import io.tollgate.merchant.MerchantAuthenticator;
import io.tollgate.merchant.MerchantDirectory;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/** The shop's server: create and read checkouts with its API key. */
final class MerchantApi {
  private final MerchantAuthenticator authenticator;
  private final CheckoutService checkouts;
  private final ShopApi shop;
  private final MerchantDirectory directory;

  MerchantApi(MerchantAuthenticator authenticator, CheckoutService checkouts, ShopApi shop, MerchantDirectory directory) {
    this.authenticator = authenticator;
    this.directory = directory;
    this.checkouts = checkouts;
    this.shop = shop;
  }

  void create(RoutingContext ctx) {
    String key = ctx.request().getHeader("Idempotency-Key");
    if (key == null || key.isBlank() || key.length() > 255 || !key.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
      ctx.fail(new ApiException(ErrorCode.INVALID_IDEMPOTENCY_KEY));
      return;
    }
    RequestAuth.merchant(ctx, authenticator)
        .compose(merchant -> checkouts.create(merchant, key, ctx.body().asJsonObject()))
        .onSuccess(response -> ctx.response().setStatusCode(response.status())
            .putHeader("Content-Type", "application/json").end(response.body().toBuffer()))
        .onFailure(ctx::fail);
  }

  /**
   * {@code GET /v1/merchant}: the key's merchant as the operator set it up (name, payer binding,
   * amount rules, the payment methods of the key's mode). Read-only: the operator changes it.
   */
  void self(RoutingContext ctx) {
    JsonReplies.respond(ctx, 200, RequestAuth.merchant(ctx, authenticator)
        .compose(merchant -> directory.get(merchant.id()).map(json -> {
          JsonArray methods = new JsonArray();
          json.getJsonArray("paymentMethods").forEach(m -> {
            if (merchant.mode().code().equals(((JsonObject) m).getString("mode"))) methods.add(m);
          });
          return json.put("paymentMethods", methods).put("mode", merchant.mode().code());
        })));
  }

  void get(RoutingContext ctx) {
    RequestAuth.merchant(ctx, authenticator)
        .compose(merchant -> checkouts.get(merchant, UUID.fromString(ctx.pathParam("checkoutId")))
            .compose(checkout -> shop.withMoney(merchant, UUID.fromString(ctx.pathParam("checkoutId")), checkout)))
        .onSuccess(json -> ctx.response().putHeader("Content-Type", "application/json").end(json.toBuffer()))
        .onFailure(ctx::fail);
  }
}
