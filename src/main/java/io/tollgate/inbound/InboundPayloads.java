package io.tollgate.inbound;

import io.tollgate.webhook.WebhookSignatureException;
import io.tollgate.webhook.WebhookSignatureException.Reason;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Body parsing shared by the inbound schemes; runs only after the signature matched. */
final class InboundPayloads {
  private InboundPayloads() {}

  static JsonObject parseObject(byte[] rawBody) {
    try {
      return new JsonObject(Buffer.buffer(rawBody));
    } catch (DecodeException | ClassCastException e) {
      // fall through: the same answer for every non-object body
    }
    throw new WebhookSignatureException(Reason.MALFORMED_PAYLOAD, "body is not a JSON object");
  }

  static String requiredString(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value instanceof String text && !text.isBlank()) {
      return text;
    }
    throw new WebhookSignatureException(Reason.MALFORMED_PAYLOAD, "body has no string '" + field + "'");
  }

  static List<byte[]> utf8Keys(List<String> secrets) {
    if (secrets.isEmpty() || secrets.stream().anyMatch(s -> s == null || s.isEmpty())) {
      throw new IllegalArgumentException("at least one non-empty secret is needed");
    }
    return secrets.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
  }
}
