package io.tollgate;

import io.tollgate.checkout.StatusView;
import io.tollgate.http.AdminAuth;
import io.tollgate.http.hotpath.BuyerLimits;
import io.tollgate.http.HttpDependencies;
import io.tollgate.http.HttpSettings;
import io.tollgate.http.HttpVerticle;
import io.tollgate.http.events.EventStreamMeters;
import io.tollgate.http.events.EventStreamSettings;
import io.tollgate.ratelimit.ClientAddressResolver;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** HTTP intake: one verticle per {@code http.instances}, over the services of the other modules. Deployed last. */
final class HttpModule {
  private HttpModule() {}

  static Module module(Foundation f, HttpSettings http, CheckoutModule checkout, PaymentModule payment,
      RateLimitModule rateLimit, WebhookModule webhooks, MerchantModule merchants, GaslessModule gasless,
      io.tollgate.relay.Relayer relayer, io.tollgate.x402.X402Facilitator x402, Map<String, Supplier<Future<?>>> readiness) {
    ClientAddressResolver addresses = new ClientAddressResolver(f.settings().list("http.trusted-proxies"),
        ClientAddressResolver.ProxyHeader.X_FORWARDED_FOR);
    EventStreamSettings streams = EventStreamSettings.fromSettings(f.settings());
    HttpDependencies deps = new HttpDependencies(http,
        merchants.authenticator,
        checkout.checkouts, checkout.secrets, checkout.statusCache, new StatusView(f.chains(), f.heads()),
        rateLimit.client(), BuyerLimits.fromSettings(f.settings()),
        request -> addresses.resolve(request.remoteAddress().hostAddress(), name -> request.headers().getAll(name)),
        readiness, f.clock(), payment.payers, webhooks.endpoints, webhooks.inbound,
        new AdminAuth(f.settings().optional("admin.token-sha256")), merchants.directory, merchants.keys,
        new io.tollgate.shop.Refunds(f.pool(), f.transitions()), new io.tollgate.shop.ShopActions(f.pool(), f.transitions()),
        new io.tollgate.shop.CheckoutListing(f.pool()), new io.tollgate.shop.CheckoutModes(f.pool()), gasless.payments,
        new io.tollgate.http.ConnectionGuard.Counts(), addresses::isTrustedProxy, f.meters(),
        checkout.subscriptions, streams, new EventStreamMeters(streams.maxStreams(), f.meters()),
        io.tollgate.web.WebAssets.fromClasspath(),
        io.tollgate.console.ConsoleViews.create(f.pool(), f.meters(), relayer, f.clock()), x402);
    return Module.of(List.of(() -> f.vertx().deployVerticle(() -> new HttpVerticle(deps),
        new DeploymentOptions().setInstances(http.instances()))));
  }
}
