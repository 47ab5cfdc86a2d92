/**
 * Signed webhooks, out and in.
 *
 * <h2>Out: Tollgate tells the shop</h2>
 *
 * A state change creates a {@link io.tollgate.webhook.WebhookEvent} (stable id {@code evt_...},
 * written to the outbox in the same transaction). Its body is
 * {@code {"id","type","created_at","data"}}; the same bytes are signed and resent on every
 * attempt. {@link io.tollgate.webhook.DeliveryClient} sends one attempt per Standard Webhooks 1.0.0
 * ({@code webhook-id} = event id, {@code webhook-timestamp}, {@code webhook-signature} with one
 * {@code v1,} entry per active secret, see {@link io.tollgate.webhook.StandardWebhookSigner}),
 * 15 s timeout, no redirects, and classifies it as success, retry or gone (410: disable the
 * endpoint). {@link io.tollgate.webhook.RetrySchedule} says when to try again.
 * {@link io.tollgate.webhook.EndpointUrlPolicy} refuses URLs that reach loopback, private or
 * link-local addresses and pins the checked address for the connection. Signing secrets
 * ({@link io.tollgate.webhook.WebhookSecret}) are stored sealed by
 * {@link io.tollgate.webhook.SecretBox}, never in the clear.
 *
 * <h2>In: Tollgate hears from other processors</h2>
 *
 * Each configured variant ({@code POST /v1/webhooks/{variant}}) has an
 * {@link io.tollgate.webhook.InboundSignatureScheme}: Stripe, NodeRails or Standard Webhooks. A
 * verified event is stored raw, deduplicated by (variant, event id), then dispatched through
 * {@link io.tollgate.webhook.WebhookHandlerRegistry} by (provider, kind); unknown kinds are
 * acknowledged. Handlers run inside the event's transaction ({@link
 * io.tollgate.webhook.HandlerContext}). The seed kinds become typed
 * {@link io.tollgate.webhook.ProcessorEvent}s matched to checkouts through
 * {@link io.tollgate.webhook.CheckoutRef}: metadata {@code tollgate_checkout_id} first, then the
 * processor's payment id, session id, and the order reference ({@code order_reference} metadata
 * or NodeRails {@code externalId}).
 *
 * <h2>Wiring (PostgreSQL)</h2>
 *
 * {@link io.tollgate.webhook.WebhookOutbox} is the {@code TransitionLog} listener that writes each
 * event and its deliveries in the transaction of the state change and {@code NOTIFY}s
 * {@value io.tollgate.webhook.WebhookOutbox#CHANNEL}. {@link io.tollgate.webhook.WebhookDispatcher}
 * claims due deliveries ({@code FOR UPDATE SKIP LOCKED} plus a lease), sends them and records every
 * attempt; {@link io.tollgate.webhook.WebhookDispatcherVerticle} runs it on notifications and a
 * timer. {@link io.tollgate.webhook.WebhookEndpoints} is the merchant's endpoints API, delivery log,
 * resend and recover. {@link io.tollgate.webhook.InboundWebhooks} is the intake: verify, store
 * deduplicated, process in one transaction, capture failures for an operator's retry. Configuration
 * comes from {@link io.tollgate.webhook.WebhookSettings}; inbound variants are
 * {@link io.tollgate.webhook.InboundVariant}s.
 *
 * <p>Every class here is free of blocking calls; verification and extraction are pure and take
 * time from an injected {@link java.time.Clock}. Nothing here logs or prints a secret.
 */
package io.tollgate.webhook;
