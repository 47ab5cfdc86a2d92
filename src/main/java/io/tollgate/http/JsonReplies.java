package io.tollgate.http;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** The small request and answer helpers the JSON management APIs (webhook endpoints, operator) share. */
final class JsonReplies {
  private JsonReplies() {}

  /** The request's JSON body, or an empty object when the (optional) body is absent. */
  static JsonObject optionalBody(RoutingContext ctx) {
    JsonObject body = ctx.body() == null || ctx.body().length() <= 0 ? null : ctx.body().asJsonObject();
    return body == null ? new JsonObject() : body;
  }

  static JsonObject list(JsonArray data) {
    return new JsonObject().put("data", data);
  }

  /** Answers {@code status} with the work's JSON, or fails the request (the router's error answer) when it failed. */
  static void respond(RoutingContext ctx, int status, Future<JsonObject> work) {
    work.onSuccess(json -> ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
            .putHeader("Cache-Control", "no-store").end(json.toBuffer()))
        .onFailure(ctx::fail);
  }
}
