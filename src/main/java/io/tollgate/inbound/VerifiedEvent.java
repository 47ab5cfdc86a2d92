package io.tollgate.inbound;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * An inbound webhook whose signature checked out: the sender's event id (the dedupe key together
 * with the variant), its kind, the parsed body and the signed timestamp.
 */
record VerifiedEvent(String eventId, String kind, JsonObject payload, Instant signedAt) {}
