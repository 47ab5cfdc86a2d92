/**
 * Checkouts: idempotent creation with frozen quotes, the merchant's full view, the buyer's client
 * secret, and the status poll path (an in-memory cache fed by PostgreSQL notifications, whose entries
 * keep the derived client secret and the rendered answer). Every change goes through
 * {@link io.tollgate.checkout.TransitionLog}, whose listeners (the webhook outbox) share its
 * transaction. Other processors' events reach checkouts from {@code io.tollgate.inbound}; this
 * package depends on neither payment, watch, webhook nor inbound.
 *
 * <p>Money-moving requests other than creation reuse creation's idempotency keys through
 * {@link io.tollgate.checkout.Idempotent}; {@link io.tollgate.checkout.RefundView} is how a refund
 * reads wherever it is shown (API, audit, webhooks). {@link io.tollgate.checkout.StatusSubscriptions}
 * fans each cached change out to live subscribers (the server-sent events), one subscription per
 * checkout per instance.
 *
 * <p>Public face (18 of 21 types; everything else is package-private): {@link
 * io.tollgate.checkout.CachedStatus}, {@link io.tollgate.checkout.ChainHeads}, {@link
 * io.tollgate.checkout.CheckoutPlanner}, {@link io.tollgate.checkout.CheckoutService}, {@link
 * io.tollgate.checkout.CheckoutSettings}, {@link io.tollgate.checkout.CheckoutStatus}, {@link
 * io.tollgate.checkout.CheckoutTransition}, {@link io.tollgate.checkout.ClientSecrets}, {@link
 * io.tollgate.checkout.HeadNotifier}, {@link io.tollgate.checkout.Idempotent}, {@link
 * io.tollgate.checkout.RefundView}, {@link io.tollgate.checkout.StatusCache}, {@link
 * io.tollgate.checkout.StatusFeedVerticle}, {@link io.tollgate.checkout.StatusNotifications},
 * {@link io.tollgate.checkout.StatusSubscriptions}, {@link io.tollgate.checkout.StatusView}, {@link io.tollgate.checkout.StoredResponse}, {@link
 * io.tollgate.checkout.TransitionLog}.
 */
package io.tollgate.checkout;
