/**
 * Checkouts: idempotent creation with frozen quotes, the merchant's full view, the buyer's client
 * secret, the status poll path (an in-memory cache fed by PostgreSQL notifications, whose entries
 * keep the derived client secret and the rendered answer), and
 * {@link io.tollgate.checkout.ProcessorPayments}, which applies other processors' webhook events
 * (paid, failed, refunded, disputed) to checkouts. Every change goes through
 * {@link io.tollgate.checkout.TransitionLog}, whose listeners (the webhook outbox) share its transaction.
 */
package io.tollgate.checkout;
