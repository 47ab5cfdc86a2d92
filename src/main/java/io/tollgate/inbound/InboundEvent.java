package io.tollgate.inbound;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * A stored inbound event as handlers see it: which configured variant received it (the dedupe
 * key is {@code (variant, eventId)}), the provider format, and the verified payload.
 */
record InboundEvent(
    String variant, InboundProvider provider, String eventId, String kind, JsonObject payload, Instant receivedAt) {

  public static InboundEvent of(String variant, InboundProvider provider, VerifiedEvent verified, Instant receivedAt) {
    return new InboundEvent(variant, provider, verified.eventId(), verified.kind(), verified.payload(), receivedAt);
  }
}
