package io.tollgate.checkout;

import io.vertx.core.json.JsonObject;

/** An HTTP answer as the idempotency store keeps it: status code and JSON body. */
public record StoredResponse(int status, JsonObject body) {}
