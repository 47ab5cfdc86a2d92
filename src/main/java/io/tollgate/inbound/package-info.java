/**
 * Webhooks in: Tollgate hears from other processors and applies their events to checkouts.
 *
 * Each configured variant ({@code POST /v1/webhooks/{variant}}) has an
 * {@link io.tollgate.inbound.InboundSignatureScheme}: Stripe, NodeRails or Standard Webhooks. A
 * verified event is stored raw, deduplicated by (variant, event id), then dispatched through
 * {@link io.tollgate.inbound.WebhookHandlerRegistry} by (provider, kind); unknown kinds are
 * acknowledged. Handlers run inside the event's transaction ({@link
 * io.tollgate.inbound.HandlerContext}). The seed kinds become typed
 * {@link io.tollgate.inbound.ProcessorEvent}s matched to checkouts through
 * {@link io.tollgate.inbound.CheckoutRef}: metadata {@code tollgate_checkout_id} first, then the
 * processor's payment id, session id, and the order reference ({@code order_reference} metadata
 * or NodeRails {@code externalId}); {@link io.tollgate.inbound.ProcessorPayments} applies them
 * (paid, failed, refunded, disputed) through the checkout's {@code TransitionLog}.
 * {@link io.tollgate.inbound.InboundWebhooks} is the intake: verify, store deduplicated, process
 * in one transaction, capture failures for an operator's retry.
 *
 * <p>{@link io.tollgate.inbound.WebhookSettings}, the configuration of both directions, lives here
 * because it builds the inbound variants ({@link io.tollgate.inbound.InboundVariant}) and this
 * package may depend on {@code io.tollgate.webhook} (its signature primitives), never the reverse.
 *
 * <p>Verification and extraction are pure and take time from an injected {@link java.time.Clock}.
 * Nothing here logs or prints a secret. Depends on {@code webhook}, {@code checkout}, {@code api},
 * {@code config}.
 *
 * <p>Public face (8 of 22 types; everything else is package-private): {@link
 * io.tollgate.inbound.InboundVariant}, {@link io.tollgate.inbound.InboundWebhooks}, {@link
 * io.tollgate.inbound.ProcessorPayments}, {@link io.tollgate.inbound.WebhookHandlerRegistry},
 * {@link io.tollgate.inbound.WebhookSettings}, {@link io.tollgate.inbound.InboundVariantMerchants}
 * (the start-up check that each variant's merchant exists), and {@link
 * io.tollgate.inbound.InboundProvider} with {@link io.tollgate.inbound.InboundSignatureScheme}, which
 * {@code tollgate serve} uses to check a variant's settings before anything starts.
 */
package io.tollgate.inbound;
