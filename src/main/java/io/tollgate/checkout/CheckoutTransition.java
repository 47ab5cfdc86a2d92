package io.tollgate.checkout;

import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * One state change of a checkout (or of one of its payments), as written to the audit table.
 * {@code fromStatus} is null for creation; {@code paymentId} is null when no payment is involved.
 */
public record CheckoutTransition(
    UUID checkoutId, Long paymentId, String fromStatus, String toStatus, String reason, String actor, JsonObject details) {}
