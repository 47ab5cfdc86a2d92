package io.tollgate.http;

import io.tollgate.http.hotpath.BuyerLimits;
import io.tollgate.checkout.CheckoutService;
import io.tollgate.checkout.ClientSecrets;
import io.tollgate.checkout.StatusCache;
import io.tollgate.checkout.StatusView;
import io.tollgate.merchant.ApiKeyRegistry;
import io.tollgate.merchant.MerchantAuthenticator;
import io.tollgate.merchant.MerchantDirectory;
import io.tollgate.payer.PayerBindingService;
import io.tollgate.ratelimit.RateLimiter;
import io.tollgate.inbound.InboundWebhooks;
import io.tollgate.webhook.WebhookEndpoints;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import java.time.Clock;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Everything the HTTP verticles need, built once by the composition root and shared by every
 * instance (all of it is thread-safe).
 *
 * @param readinessProbes named checks for /health/ready (database, Redis, each chain's RPC)
 * @param clientAddress the client's address for rate limiting (trusted-proxy aware)
 * @param payers payer binding (challenge and signed-challenge endpoints)
 * @param admin the operator credential check for {@code /v1/admin/...}
 * @param merchantDirectory the operator's merchants ({@code /v1/admin/merchants})
 * @param apiKeys the operator's API keys ({@code /v1/admin/merchants/{id}/api-keys})
 * @param refunds refunds, {@code shopActions} accept-late/cancel/recover, {@code checkoutListing} listing and stats,
 *     {@code checkoutModes} the test/live wall on the money routes
 * @param gasless gasless (EIP-3009) payments, or null when no chain has a relayer
 * @param connectionCounts open connections per client address, shared by every HTTP verticle
 * @param trustedProxy whether a socket peer is a trusted proxy (exempt from the per-address connection limit)
 * @param meters where the HTTP side's own counters go (rate-limit refusals)
 * @param subscriptions live status subscriptions (server-sent events), {@code eventStreams} their bounds,
 *     {@code eventStreamMeters} their instance-wide count and metrics
 * @param web the built browser apps (pages and their hashed assets under {@code /web/})
 * @param console the operator console's reads (audit trail, live figures, relayers, checkout owners)
 * @param x402 the x402 facilitator ({@code /x402/...})
 */
public record HttpDependencies(
    HttpSettings settings,
    MerchantAuthenticator merchants,
    CheckoutService checkouts,
    ClientSecrets clientSecrets,
    StatusCache statusCache,
    StatusView statusView,
    RateLimiter rateLimiter,
    BuyerLimits buyerLimits,
    Function<HttpServerRequest, String> clientAddress,
    Map<String, Supplier<Future<?>>> readinessProbes,
    Clock clock,
    PayerBindingService payers,
    WebhookEndpoints webhookEndpoints,
    InboundWebhooks inboundWebhooks,
    AdminAuth admin,
    MerchantDirectory merchantDirectory,
    ApiKeyRegistry apiKeys,
    io.tollgate.shop.Refunds refunds,
    io.tollgate.shop.ShopActions shopActions,
    io.tollgate.shop.CheckoutListing checkoutListing,
    io.tollgate.shop.CheckoutModes checkoutModes,
    io.tollgate.gasless.GaslessPayments gasless,
    ConnectionGuard.Counts connectionCounts,
    java.util.function.Predicate<String> trustedProxy,
    MeterRegistry meters,
    io.tollgate.checkout.StatusSubscriptions subscriptions,
    io.tollgate.http.events.EventStreamSettings eventStreams,
    io.tollgate.http.events.EventStreamMeters eventStreamMeters,
    io.tollgate.web.WebAssets web,
    io.tollgate.console.ConsoleViews console,
    io.tollgate.x402.X402Facilitator x402) {}
