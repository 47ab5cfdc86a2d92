/**
 * Checkouts: idempotent creation with frozen quotes, the merchant's full view, the buyer's client
 * secret, and the status poll path (an in-memory cache fed by PostgreSQL notifications, whose entries
 * keep the derived client secret and the rendered answer). Every change goes through
 * {@link io.tollgate.checkout.TransitionLog}, whose listeners (the webhook outbox) share its
 * transaction. Other processors' events reach checkouts from {@code io.tollgate.inbound}; this
 * package depends on neither payment, watch, webhook nor inbound.
 */
package io.tollgate.checkout;
