package io.tollgate.http;

import io.tollgate.http.hotpath.BuyerAccess;
import io.tollgate.merchant.Merchant;
import io.tollgate.merchant.MerchantAuthenticator;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Authentication as a route's first handler, before its request is validated: a request with a bad
 * credential is a 401 whatever its body, so nobody learns the contract's checks without a key, and
 * shop developers see the real problem first. Each handler keeps what it proved in the context;
 * the route's own handler takes it from there ({@link #merchant}, {@link #buyerCheckout}), or
 * authenticates itself on routes without a first handler.
 */
final class RequestAuth {
  private static final String MERCHANT = "tollgate.merchant";
  private static final String BUYER_CHECKOUT = "tollgate.buyerCheckout";
  private static final String ADMIN = "tollgate.admin";
  private static final Pattern UUID_SHAPE = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private RequestAuth() {}

  static Handler<RoutingContext> merchantFirst(MerchantAuthenticator merchants) {
    return ctx -> merchants.authenticate(ctx.request().getHeader("Authorization"))
        .onSuccess(m -> {
          ctx.put(MERCHANT, m);
          ctx.next();
        })
        .onFailure(ctx::fail);
  }

  /** The merchant a first handler authenticated, or authenticated now. */
  static Future<Merchant> merchant(RoutingContext ctx, MerchantAuthenticator merchants) {
    Merchant known = ctx.get(MERCHANT);
    return known != null ? Future.succeededFuture(known) : merchants.authenticate(ctx.request().getHeader("Authorization"));
  }

  /**
   * The buyer's client secret and rate limits, charged once. A checkout id that is not a UUID is
   * left to validation (its 400 names the parameter): there is no checkout to authorise for.
   */
  static Handler<RoutingContext> buyerFirst(BuyerAccess access) {
    return ctx -> {
      String id = ctx.pathParam("checkoutId");
      if (id == null || !UUID_SHAPE.matcher(id).matches()) {
        ctx.next();
        return;
      }
      access.authorize(ctx.request(), UUID.fromString(id))
          .onSuccess(checkout -> {
            ctx.put(BUYER_CHECKOUT, checkout);
            ctx.next();
          })
          .onFailure(ctx::fail);
    };
  }

  /** The checkout a first handler authorised the buyer for, or authorised now. */
  static Future<UUID> buyerCheckout(RoutingContext ctx, BuyerAccess access) {
    UUID known = ctx.get(BUYER_CHECKOUT);
    return known != null ? Future.succeededFuture(known)
        : access.authorize(ctx.request(), UUID.fromString(ctx.pathParam("checkoutId")));
  }

  static Handler<RoutingContext> adminFirst(AdminAuth admin) {
    return ctx -> admin.authorize(ctx.request().getHeader("Authorization"))
        .onSuccess(v -> {
          ctx.put(ADMIN, Boolean.TRUE);
          ctx.next();
        })
        .onFailure(ctx::fail);
  }

  static Future<Void> admin(RoutingContext ctx, AdminAuth admin) {
    return Boolean.TRUE.equals(ctx.get(ADMIN)) ? Future.succeededFuture()
        : admin.authorize(ctx.request().getHeader("Authorization"));
  }
}
