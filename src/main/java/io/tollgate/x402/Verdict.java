package io.tollgate.x402;

import io.vertx.core.json.JsonObject;

/** A verify outcome: valid, or the reference's reason (and our detail for people). */
record Verdict(boolean valid, String reason, String message, String payer) {
  static Verdict ok(String payer) {
    return new Verdict(true, null, null, payer);
  }

  static Verdict invalid(String reason, String message, String payer) {
    return new Verdict(false, reason, message, payer);
  }

  /** {@code {isValid, invalidReason?, invalidMessage?, payer}} as the reference answers. */
  JsonObject toJson() {
    JsonObject json = new JsonObject().put("isValid", valid);
    if (reason != null) json.put("invalidReason", reason);
    if (message != null) json.put("invalidMessage", message);
    return json.put("payer", payer);
  }
}
