package io.tollgate.e2e;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Structural mutations of an x402 facilitator body, from a seeded random: what a careless or hostile client sends. */
final class X402Fuzz {
  private static final Object[] ODD_VALUES = {null, 0, -1, 2, 1.5, Long.MAX_VALUE, "", "0x", "2", "eip155:", "eip155:99999999999999999999",
      "exact", "0x" + "f".repeat(40), "0x" + "0".repeat(64), "9".repeat(100), "x".repeat(5000), true, new JsonObject(),
      new JsonArray(), new JsonArray().add(1), "\\u00e9\\u20ac", "0x" + "ab".repeat(70_000 / 2)};

  private X402Fuzz() {}

  /** The body with one to three mutations, encoded; sometimes the raw text is cut or spliced. */
  static String mutate(JsonObject body, Random random) {
    JsonObject copy = body.copy();
    int n = 1 + random.nextInt(3);
    for (int i = 0; i < n; i++) {
      List<Object[]> slots = new ArrayList<>();
      collect(copy, slots);
      Object[] slot = slots.get(random.nextInt(slots.size()));
      JsonObject parent = (JsonObject) slot[0];
      String key = (String) slot[1];
      switch (random.nextInt(4)) {
        case 0 -> parent.remove(key);
        case 1 -> parent.put(key, ODD_VALUES[random.nextInt(ODD_VALUES.length)]);
        case 2 -> parent.put(key + random.nextInt(3), parent.getValue(key));
        default -> parent.put(key, new JsonObject().put(key, parent.getValue(key)));
      }
    }
    String wire = copy.encode();
    return switch (random.nextInt(10)) {
      case 0 -> wire.substring(0, random.nextInt(wire.length()));
      case 1 -> "[" + wire + "]";
      default -> wire;
    };
  }

  private static void collect(JsonObject object, List<Object[]> slots) {
    for (String key : new ArrayList<>(object.fieldNames())) {
      slots.add(new Object[] {object, key});
      if (object.getValue(key) instanceof JsonObject child) collect(child, slots);
    }
  }
}
