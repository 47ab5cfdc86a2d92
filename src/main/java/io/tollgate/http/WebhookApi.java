package io.tollgate.http;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.tollgate.merchant.Merchant;
import io.tollgate.merchant.MerchantAuthenticator;
import io.tollgate.inbound.InboundWebhooks;
import io.tollgate.webhook.WebhookEndpoints;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/**
 * Webhook routes: the merchant's endpoints and delivery log (Bearer API key), the inbound intake
 * (authenticated by the provider's signature only) and the operator's view of inbound events
 * ({@link AdminAuth}).
 */
final class WebhookApi {
  private final MerchantAuthenticator merchants;
  private final WebhookEndpoints endpoints;
  private final InboundWebhooks inbound;
  private final AdminAuth admin;

  WebhookApi(MerchantAuthenticator merchants, WebhookEndpoints endpoints, InboundWebhooks inbound, AdminAuth admin) {
    this.merchants = merchants;
    this.endpoints = endpoints;
    this.inbound = inbound;
    this.admin = admin;
  }

  // ---- endpoints ----

  void createEndpoint(RoutingContext ctx) {
    JsonReplies.respond(ctx, 201, merchant(ctx).compose(m -> endpoints.create(m.id(), mode(m), ctx.body().asJsonObject())));
  }

  void listEndpoints(RoutingContext ctx) {
    JsonReplies.respond(ctx, 200, merchant(ctx).compose(m -> endpoints.list(m.id(), mode(m))).map(JsonReplies::list));
  }

  void getEndpoint(RoutingContext ctx) {
    JsonReplies.respond(ctx, 200, merchant(ctx).compose(m -> endpoints.get(m.id(), mode(m), endpointId(ctx))));
  }

  void updateEndpoint(RoutingContext ctx) {
    JsonReplies.respond(ctx, 200, merchant(ctx).compose(m -> endpoints.update(m.id(), mode(m), endpointId(ctx), ctx.body().asJsonObject())));
  }

  void deleteEndpoint(RoutingContext ctx) {
    merchant(ctx).compose(m -> endpoints.delete(m.id(), mode(m), endpointId(ctx)))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  void rotateSecret(RoutingContext ctx) {
    JsonObject body = JsonReplies.optionalBody(ctx);
    JsonReplies.respond(ctx, 200, merchant(ctx).compose(m -> endpoints.rotateSecret(m.id(), mode(m), endpointId(ctx), body.getLong("overlapSeconds"))));
  }

  void endpointAttempts(RoutingContext ctx) {
    JsonReplies.respond(ctx, 200, merchant(ctx).compose(m -> endpoints.endpointAttempts(m.id(), mode(m), endpointId(ctx), limit(ctx)))
        .map(JsonReplies::list));
  }

  void recover(RoutingContext ctx) {
    JsonReplies.respond(ctx, 202, merchant(ctx).compose(m -> {
      Instant since;
      try {
        since = Instant.parse(ctx.body().asJsonObject().getString("since"));
      } catch (DateTimeParseException | NullPointerException e) {
        return Future.failedFuture(new ApiException(ErrorCode.INVALID_REQUEST, "since must be an RFC 3339 time"));
      }
      return endpoints.recover(m.id(), mode(m), endpointId(ctx), since);
    }).map(n -> new JsonObject().put("scheduled", n)));
  }

  // ---- events ----

  void listEvents(RoutingContext ctx) {
    String checkout = ctx.request().getParam("checkoutId");
    String deliveryStatus = ctx.request().getParam("deliveryStatus");
    JsonReplies.respond(ctx, 200, merchant(ctx).compose(m -> endpoints.events(m.id(), mode(m), checkout == null ? null : UUID.fromString(checkout),
        deliveryStatus, limit(ctx))).map(JsonReplies::list));
  }

  void getEvent(RoutingContext ctx) {
    JsonReplies.respond(ctx, 200, merchant(ctx).compose(m -> endpoints.event(m.id(), mode(m), ctx.pathParam("eventId"))));
  }

  void resendEvent(RoutingContext ctx) {
    JsonObject body = JsonReplies.optionalBody(ctx);
    String endpoint = body.getString("endpointId");
    JsonReplies.respond(ctx, 202, merchant(ctx).compose(m -> endpoints.resend(m.id(), mode(m), ctx.pathParam("eventId"),
        endpoint == null ? null : UUID.fromString(endpoint))).map(n -> new JsonObject().put("scheduled", n)));
  }

  // ---- inbound ----

  void receive(RoutingContext ctx) {
    JsonReplies.respond(ctx, 200, inbound.receive(ctx.pathParam("variant"), ctx.request().headers(), ctx.body().buffer())
        .map(InboundWebhooks.Receipt::toJson));
  }

  void adminListInbound(RoutingContext ctx) {
    JsonReplies.respond(ctx, 200, RequestAuth.admin(ctx, admin)
        .compose(v -> inbound.list(ctx.request().getParam("status"), limit(ctx))).map(JsonReplies::list));
  }

  void adminRetryInbound(RoutingContext ctx) {
    JsonReplies.respond(ctx, 200, RequestAuth.admin(ctx, admin)
        .compose(v -> inbound.retry(inboundEventId(ctx))));
  }

  // ---- helpers ----

  /** The schema says integer ≥ 1; one beyond 64 bits names no stored event. */
  private static long inboundEventId(RoutingContext ctx) {
    try {
      return Long.parseLong(ctx.pathParam("inboundEventId"));
    } catch (NumberFormatException e) {
      throw new ApiException(ErrorCode.NOT_FOUND, "no inbound event " + ctx.pathParam("inboundEventId"));
    }
  }

  private Future<Merchant> merchant(RoutingContext ctx) {
    return RequestAuth.merchant(ctx, merchants);
  }

  /** Endpoints and events belong to the mode of the key that made them; the other mode's do not exist here. */
  private static String mode(Merchant m) {
    return m.mode().code();
  }

  private static UUID endpointId(RoutingContext ctx) {
    return UUID.fromString(ctx.pathParam("endpointId"));
  }

  private static int limit(RoutingContext ctx) {
    String limit = ctx.request().getParam("limit");
    return limit == null ? 50 : Integer.parseInt(limit);
  }

}
