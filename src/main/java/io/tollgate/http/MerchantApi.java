package io.tollgate.http;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.tollgate.checkout.CheckoutService;
import io.tollgate.merchant.MerchantAuthenticator;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/** The shop's server: create and read checkouts with its API key. */
final class MerchantApi {
  private final MerchantAuthenticator authenticator;
  private final CheckoutService checkouts;
  private final ShopApi shop;

  MerchantApi(MerchantAuthenticator authenticator, CheckoutService checkouts, ShopApi shop) {
    this.authenticator = authenticator;
    this.checkouts = checkouts;
    this.shop = shop;
  }

  void create(RoutingContext ctx) {
    String key = ctx.request().getHeader("Idempotency-Key");
    if (key == null || key.isBlank() || key.length() > 255 || !key.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
      ctx.fail(new ApiException(ErrorCode.INVALID_IDEMPOTENCY_KEY));
      return;
    }
    authenticator.authenticate(ctx.request().getHeader("Authorization"))
        .compose(merchant -> checkouts.create(merchant, key, ctx.body().asJsonObject()))
        .onSuccess(response -> ctx.response().setStatusCode(response.status())
            .putHeader("Content-Type", "application/json").end(response.body().toBuffer()))
        .onFailure(ctx::fail);
  }

  void get(RoutingContext ctx) {
    authenticator.authenticate(ctx.request().getHeader("Authorization"))
        .compose(merchant -> checkouts.get(merchant, UUID.fromString(ctx.pathParam("checkoutId")))
            .compose(checkout -> shop.withMoney(merchant, UUID.fromString(ctx.pathParam("checkoutId")), checkout)))
        .onSuccess(json -> ctx.response().putHeader("Content-Type", "application/json").end(json.toBuffer()))
        .onFailure(ctx::fail);
  }
}
