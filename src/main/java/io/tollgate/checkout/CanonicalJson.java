package io.tollgate.checkout;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;

/**
 * JSON with every object's keys sorted, recursively: the form a request body is fingerprinted in,
 * so {@code {"a":1,"b":2}} and {@code {"b":2,"a":1}} are the same request. Array order is kept
 * (it means something); numbers and strings are written as Vert.x writes them.
 */
final class CanonicalJson {
  private CanonicalJson() {}

  static String encode(JsonObject json) {
    return ((JsonObject) sorted(json)).encode();
  }

  private static Object sorted(Object value) {
    if (value instanceof JsonObject object) {
      Map<String, Object> keys = new TreeMap<>();
      for (Map.Entry<String, Object> e : object) keys.put(e.getKey(), sorted(e.getValue()));
      return new JsonObject(new java.util.LinkedHashMap<>(keys));
    }
    if (value instanceof JsonArray array) {
      JsonArray out = new JsonArray();
      for (Object item : array) out.add(sorted(item));
      return out;
    }
    return value;
  }
}
