package io.tollgate.http;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.tollgate.checkout.CheckoutService;
import io.tollgate.console.ConsoleViews;
import io.tollgate.merchant.Merchant;
import io.tollgate.merchant.MerchantAuthenticator;
import io.tollgate.shop.CheckoutListing;
import io.tollgate.webhook.WebhookEndpoints;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/**
 * The reads the operator console needs beyond the shop's own calls: who a credential is
 * ({@code /v1/session}), a checkout's audit trail, the live drop figures, and the operator-wide
 * variants under {@code /v1/admin} (every merchant's checkouts, any checkout's detail, trail and
 * webhook events, the relayers). The operator reads a checkout as its merchant would, through
 * {@link io.tollgate.console.CheckoutOwners}.
 */
final class ConsoleApi {
  private final MerchantAuthenticator merchants;
  private final AdminAuth admin;
  private final ConsoleViews views;
  private final CheckoutService checkouts;
  private final CheckoutListing listing;
  private final WebhookEndpoints webhooks;
  private final ShopApi shop;

  ConsoleApi(MerchantAuthenticator merchants, AdminAuth admin, ConsoleViews views, CheckoutService checkouts,
      CheckoutListing listing, WebhookEndpoints webhooks, ShopApi shop) {
    this.merchants = merchants;
    this.admin = admin;
    this.views = views;
    this.checkouts = checkouts;
    this.listing = listing;
    this.webhooks = webhooks;
    this.shop = shop;
  }

  /**
   * Who the bearer credential is: a merchant key ({@code tg_...}) is a merchant in its key's mode,
   * anything else is tried as the operator token. A bad credential is 401 either way.
   */
  void session(RoutingContext ctx) {
    String authorization = ctx.request().getHeader("Authorization");
    String token = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
        ? authorization.substring(7).trim() : "";
    Future<JsonObject> who = token.isEmpty() ? Future.failedFuture(new ApiException(ErrorCode.UNAUTHENTICATED))
        : token.startsWith("tg_")
        ? merchants.authenticate(authorization).map(m -> new JsonObject().put("role", "merchant")
            .put("merchantId", m.id().toString()).put("merchantName", m.name()).put("mode", m.mode().code()))
        : admin.authorize(authorization).map(v -> new JsonObject().put("role", "operator"));
    JsonReplies.respond(ctx, 200, who);
  }

  void audit(RoutingContext ctx) {
    JsonReplies.respond(ctx, 200, merchant(ctx).compose(m -> views.audit().of(m, checkoutId(ctx))));
  }

  void live(RoutingContext ctx) {
    JsonReplies.respond(ctx, 200, merchant(ctx).compose(m -> views.drop().figures(m.id(), m.mode().code(), minutes(ctx))));
  }

  // ---- operator ----

  void adminList(RoutingContext ctx) {
    JsonReplies.respond(ctx, 200, operator(ctx).compose(v -> listing.listAll(ctx.queryParams())));
  }

  void adminGet(RoutingContext ctx) {
    UUID id = checkoutId(ctx);
    JsonReplies.respond(ctx, 200, operator(ctx).compose(v -> views.owners().owner(id))
        .compose(owner -> checkouts.get(owner, id).compose(checkout -> shop.withMoney(owner, id, checkout))
            .map(checkout -> {
              // the buyer's credential is the shop's to hand out; the operator has no use for it
              checkout.remove("clientSecret");
              return checkout.put("merchantId", owner.id().toString()).put("merchantName", owner.name());
            })));
  }

  void adminAudit(RoutingContext ctx) {
    UUID id = checkoutId(ctx);
    JsonReplies.respond(ctx, 200, operator(ctx).compose(v -> views.owners().owner(id))
        .compose(owner -> views.audit().of(owner, id)));
  }

  void adminWebhookEvents(RoutingContext ctx) {
    UUID id = checkoutId(ctx);
    JsonReplies.respond(ctx, 200, operator(ctx).compose(v -> views.owners().owner(id))
        .compose(owner -> webhooks.events(owner.id(), owner.mode().code(), id, null, limit(ctx))).map(JsonReplies::list));
  }

  void adminLive(RoutingContext ctx) {
    JsonReplies.respond(ctx, 200, operator(ctx).compose(v -> views.drop().figures(null, null, minutes(ctx))));
  }

  void adminRelayers(RoutingContext ctx) {
    JsonReplies.respond(ctx, 200, operator(ctx).compose(v -> views.relayers().relayers()));
  }

  private Future<Merchant> merchant(RoutingContext ctx) {
    return RequestAuth.merchant(ctx, merchants);
  }

  private Future<Void> operator(RoutingContext ctx) {
    return RequestAuth.admin(ctx, admin);
  }

  private static UUID checkoutId(RoutingContext ctx) {
    try {
      return UUID.fromString(ctx.pathParam("checkoutId"));
    } catch (IllegalArgumentException e) {
      throw new ApiException(ErrorCode.CHECKOUT_NOT_FOUND);
    }
  }

  private static String minutes(RoutingContext ctx) {
    return ctx.request().getParam("minutes");
  }

  private static int limit(RoutingContext ctx) {
    String limit = ctx.request().getParam("limit");
    return limit == null ? 50 : Integer.parseInt(limit);
  }
}
