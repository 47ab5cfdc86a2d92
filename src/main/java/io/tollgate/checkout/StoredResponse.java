package io.tollgate.checkout;

import io.tollgate.api.ApiException;
import io.vertx.core.json.JsonObject;

/** An HTTP answer as the idempotency store keeps it: status code and JSON body. */
public record StoredResponse(int status, JsonObject body) {
  /** A refusal as the HTTP layer renders it ({@code {"error": {code, message, detail?, field?}}}), to store and replay. */
  public static StoredResponse of(ApiException e) {
    JsonObject error = new JsonObject().put("code", e.error().code()).put("message", e.error().message());
    if (e.detail() != null) error.put("detail", e.detail());
    if (e.field() != null) error.put("field", e.field());
    return new StoredResponse(e.error().httpStatus(), new JsonObject().put("error", error));
  }
}
