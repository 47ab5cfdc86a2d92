package io.tollgate.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;

/**
 * The OpenAPI document as the router reads it. vertx-openapi 5.0.10 refuses a contract whose
 * responses name a media type it cannot validate, {@code text/event-stream} among them, although
 * responses are never validated here. So the document is read as it is published
 * ({@code /openapi.yaml}), and only for the router such a response's media type is presented as
 * {@code text/plain}; requests, parameters and schemas are untouched.
 */
public final class ApiContract {
  private static final String EVENT_STREAM = "text/event-stream";

  private ApiContract() {}

  public static Future<OpenAPIContract> load(Vertx vertx) {
    // the library's own reader (what OpenAPIContract.from(vertx, path) uses), so the YAML reads the same
    return io.vertx.openapi.impl.Utils.readYamlOrJson(vertx, HttpVerticle.OPENAPI_RESOURCE)
        .map(ApiContract::withoutEventStreamResponses)
        .compose(raw -> OpenAPIContract.from(vertx, raw));
  }

  static JsonObject withoutEventStreamResponses(JsonObject raw) {
    JsonObject paths = raw.getJsonObject("paths", new JsonObject());
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : item.fieldNames()) {
        if (!(item.getValue(method) instanceof JsonObject operation)) continue;
        JsonObject responses = operation.getJsonObject("responses");
        if (responses == null) continue;
        for (String code : responses.fieldNames()) {
          if (!(responses.getValue(code) instanceof JsonObject response)) continue;
          JsonObject content = response.getJsonObject("content");
          if (content != null && content.containsKey(EVENT_STREAM)) content.put("text/plain", content.remove(EVENT_STREAM));
        }
      }
    }
    return raw;
  }
}
