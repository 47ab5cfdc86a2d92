/**
 * Signed webhooks out: the outbox, the endpoints API and the dispatcher. Webhooks in are
 * {@code io.tollgate.inbound}.
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
 * <p>The Standard Webhooks primitives ({@link io.tollgate.webhook.StandardWebhookVerifier},
 * {@link io.tollgate.webhook.Hmac}, {@link io.tollgate.webhook.Timestamps},
 * {@link io.tollgate.webhook.WebhookSignatureException}) are public because the inbound side
 * ({@code io.tollgate.inbound}) verifies other processors' signatures with them.
 *
 * <h2>Wiring (PostgreSQL)</h2>
 *
 * {@link io.tollgate.webhook.WebhookOutbox} is the {@code TransitionLog} listener that writes each
 * event and its deliveries in the transaction of the state change and {@code NOTIFY}s
 * {@value io.tollgate.webhook.WebhookOutbox#CHANNEL}. {@link io.tollgate.webhook.WebhookDispatcher}
 * claims due deliveries ({@code FOR UPDATE SKIP LOCKED} plus a lease), sends them and records every
 * attempt; {@link io.tollgate.webhook.WebhookDispatcherVerticle} runs it on notifications and a
 * timer. {@link io.tollgate.webhook.WebhookEndpoints} is the merchant's endpoints API, delivery log,
 * resend and recover. Configuration comes from {@code io.tollgate.inbound.WebhookSettings}.
 *
 * <p>Every class here is free of blocking calls; verification and extraction are pure and take
 * time from an injected {@link java.time.Clock}. Nothing here logs or prints a secret.
 *
 * <p>Public face (12 of 21 types; everything else is package-private): {@link
 * io.tollgate.webhook.EndpointUrlPolicy}, {@link io.tollgate.webhook.Hmac}, {@link
 * io.tollgate.webhook.SecretBox}, {@link io.tollgate.webhook.StandardWebhookHeaders}, {@link
 * io.tollgate.webhook.StandardWebhookSigner}, {@link io.tollgate.webhook.StandardWebhookVerifier},
 * {@link io.tollgate.webhook.Timestamps}, {@link io.tollgate.webhook.WebhookDispatcherVerticle},
 * {@link io.tollgate.webhook.WebhookEndpoints}, {@link io.tollgate.webhook.WebhookOutbox}, {@link
 * io.tollgate.webhook.WebhookSecret}, {@link io.tollgate.webhook.WebhookSignatureException}.
 */
package io.tollgate.webhook;
