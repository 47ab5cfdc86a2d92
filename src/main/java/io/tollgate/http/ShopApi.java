package io.tollgate.http;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.tollgate.checkout.StoredResponse;
import io.tollgate.merchant.MerchantAuthenticator;
import io.tollgate.shop.CheckoutListing;
import io.tollgate.shop.Refunds;
import io.tollgate.shop.ShopActions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/**
 * The shop's calls when money goes off-script: refunds, accept-late, cancel, recovery (also the
 * operator's), listing and stats. Authenticate, then call the services in {@code io.tollgate.shop}.
 */
final class ShopApi {
  private final MerchantAuthenticator authenticator;
  private final AdminAuth admin;
  private final Refunds refunds;
  private final ShopActions actions;
  private final CheckoutListing listing;

  ShopApi(MerchantAuthenticator authenticator, AdminAuth admin, Refunds refunds, ShopActions actions,
      CheckoutListing listing) {
    this.authenticator = authenticator;
    this.admin = admin;
    this.refunds = refunds;
    this.actions = actions;
    this.listing = listing;
  }

  void createRefund(RoutingContext ctx) {
    String key = key(ctx);
    if (key == null) return;
    authenticator.authenticate(ctx.request().getHeader("Authorization"))
        .compose(merchant -> refunds.create(merchant, checkoutId(ctx), key, body(ctx)))
        .onSuccess(r -> stored(ctx, r)).onFailure(ctx::fail);
  }

  void listRefunds(RoutingContext ctx) {
    authenticator.authenticate(ctx.request().getHeader("Authorization"))
        .compose(merchant -> refunds.ofCheckout(merchant, checkoutId(ctx)))
        .onSuccess(json -> json(ctx, 200, json)).onFailure(ctx::fail);
  }

  void getRefund(RoutingContext ctx) {
    authenticator.authenticate(ctx.request().getHeader("Authorization"))
        .compose(merchant -> refunds.get(merchant, checkoutId(ctx), UUID.fromString(ctx.pathParam("refundId"))))
        .onSuccess(json -> json(ctx, 200, json)).onFailure(ctx::fail);
  }

  void postRefundTransaction(RoutingContext ctx) {
    String key = key(ctx);
    if (key == null) return;
    authenticator.authenticate(ctx.request().getHeader("Authorization"))
        .compose(merchant -> refunds.postTransaction(merchant, checkoutId(ctx), UUID.fromString(ctx.pathParam("refundId")),
            key, body(ctx)))
        .onSuccess(r -> stored(ctx, r)).onFailure(ctx::fail);
  }

  void cancelRefund(RoutingContext ctx) {
    String key = key(ctx);
    if (key == null) return;
    authenticator.authenticate(ctx.request().getHeader("Authorization"))
        .compose(merchant -> refunds.cancel(merchant, checkoutId(ctx), UUID.fromString(ctx.pathParam("refundId")), key))
        .onSuccess(r -> stored(ctx, r)).onFailure(ctx::fail);
  }

  void acceptLate(RoutingContext ctx) {
    String key = key(ctx);
    if (key == null) return;
    authenticator.authenticate(ctx.request().getHeader("Authorization"))
        .compose(merchant -> actions.acceptLate(merchant.id(), checkoutId(ctx), key, body(ctx)))
        .onSuccess(r -> stored(ctx, r)).onFailure(ctx::fail);
  }

  void cancelCheckout(RoutingContext ctx) {
    String key = key(ctx);
    if (key == null) return;
    authenticator.authenticate(ctx.request().getHeader("Authorization"))
        .compose(merchant -> actions.cancel(merchant.id(), checkoutId(ctx), key, body(ctx)))
        .onSuccess(r -> stored(ctx, r)).onFailure(ctx::fail);
  }

  void recover(RoutingContext ctx) {
    String key = key(ctx);
    if (key == null) return;
    authenticator.authenticate(ctx.request().getHeader("Authorization"))
        .compose(merchant -> actions.recover(ShopActions.Actor.merchant(merchant.id()), checkoutId(ctx), key, body(ctx)))
        .onSuccess(r -> stored(ctx, r)).onFailure(ctx::fail);
  }

  void adminRecover(RoutingContext ctx) {
    String key = key(ctx);
    if (key == null) return;
    admin.authorize(ctx.request().getHeader("Authorization"))
        .compose(ok -> actions.recover(ShopActions.Actor.operator(), checkoutId(ctx), key, body(ctx)))
        .onSuccess(r -> stored(ctx, r)).onFailure(ctx::fail);
  }

  void list(RoutingContext ctx) {
    authenticator.authenticate(ctx.request().getHeader("Authorization"))
        .compose(merchant -> listing.list(merchant.id(), ctx.queryParams()))
        .onSuccess(json -> json(ctx, 200, json)).onFailure(ctx::fail);
  }

  void stats(RoutingContext ctx) {
    authenticator.authenticate(ctx.request().getHeader("Authorization"))
        .compose(merchant -> listing.stats(merchant.id(), ctx.queryParams().get("from"), ctx.queryParams().get("to")))
        .onSuccess(json -> json(ctx, 200, json)).onFailure(ctx::fail);
  }

  /** The checkout with its refunds and refundable balance ({@code money}), for {@code GET /v1/checkouts/{id}}. */
  Future<JsonObject> withMoney(io.tollgate.merchant.Merchant merchant, UUID checkoutId, JsonObject checkout) {
    return refunds.ofCheckout(merchant, checkoutId).map(money -> checkout.put("money", money));
  }

  /** The Idempotency-Key every money-moving request carries, or null (the request failed). */
  private static String key(RoutingContext ctx) {
    String key = ctx.request().getHeader("Idempotency-Key");
    if (key == null || key.isBlank() || key.length() > 255 || !key.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
      ctx.fail(new ApiException(ErrorCode.INVALID_IDEMPOTENCY_KEY));
      return null;
    }
    return key;
  }

  private static UUID checkoutId(RoutingContext ctx) {
    return UUID.fromString(ctx.pathParam("checkoutId"));
  }

  private static JsonObject body(RoutingContext ctx) {
    JsonObject body = ctx.body() == null || ctx.body().length() == 0 ? null : ctx.body().asJsonObject();
    return body == null ? new JsonObject() : body;
  }

  private static void stored(RoutingContext ctx, StoredResponse r) {
    json(ctx, r.status(), r.body());
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.toBuffer());
  }
}
