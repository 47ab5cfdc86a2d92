package io.tollgate.http;

import io.tollgate.merchant.Merchant;
import io.tollgate.merchant.MerchantAuthenticator;
import io.tollgate.x402.X402Facilitator;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/**
 * The x402 facilitator's routes. A key of either scope authenticates; in open mode (development) a
 * call without {@code Authorization} is taken as no merchant's. The bodies are checked by
 * {@link X402Facilitator} itself, so that what it cannot judge gets its own 400 code and what it can
 * judge gets the reference's answer.
 */
final class X402Api {
  private final MerchantAuthenticator merchants;
  private final X402Facilitator facilitator;

  X402Api(MerchantAuthenticator merchants, X402Facilitator facilitator) {
    this.merchants = merchants;
    this.facilitator = facilitator;
  }

  void supported(RoutingContext ctx) {
    JsonReplies.respond(ctx, 200, Future.succeededFuture(facilitator.supported()));
  }

  void verify(RoutingContext ctx) {
    JsonReplies.respond(ctx, 200, caller(ctx).compose(m -> facilitator.verify(m, body(ctx))));
  }

  void settle(RoutingContext ctx) {
    JsonReplies.respond(ctx, 200, caller(ctx).compose(m -> facilitator.settle(m, body(ctx))));
  }

  void settlement(RoutingContext ctx) {
    JsonReplies.respond(ctx, 200, caller(ctx).compose(m -> facilitator.settlement(m,
        UUID.fromString(ctx.pathParam("settlementId")))));
  }

  /** A first handler: a bad key is a 401 before the route's parameters are validated (the handler authenticates again, from the cache). */
  void authenticateFirst(RoutingContext ctx) {
    caller(ctx).onSuccess(m -> ctx.next()).onFailure(ctx::fail);
  }

  private Future<Merchant> caller(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null && facilitator.settings().open()) return Future.succeededFuture(null);
    return merchants.authenticateAnyScope(header);
  }

  /** The parsed body; null when it is absent or not an object (the facilitator says what it expected). */
  private static JsonObject body(RoutingContext ctx) {
    if (ctx.body() == null || ctx.body().length() <= 0) return null;
    Object json;
    try {
      json = io.vertx.core.json.Json.decodeValue(ctx.body().buffer());
    } catch (io.vertx.core.json.DecodeException e) {
      throw new io.tollgate.api.ApiException(io.tollgate.api.ErrorCode.MALFORMED_JSON);
    }
    return json instanceof JsonObject o ? o : null;
  }
}
