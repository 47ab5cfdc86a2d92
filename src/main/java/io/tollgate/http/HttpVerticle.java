package io.tollgate.http;

import io.micrometer.core.instrument.Counter;
import io.tollgate.http.events.CheckoutEvents;
import io.tollgate.http.hotpath.BuyerAccess;
import io.tollgate.http.hotpath.CorsRules;
import io.tollgate.http.hotpath.ErrorResponses;
import io.tollgate.http.hotpath.HotPathValidation;
import io.tollgate.http.hotpath.StatusFastLane;
import io.tollgate.http.hotpath.StatusPoll;
import io.tollgate.telemetry.RequestIds;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.openapi.contract.OpenAPIContract;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.concurrent.TimeUnit;
import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;

/**
 * HTTP intake, one instance per core. Routes come from the OpenAPI document, which also validates
 * every request: the busy operations with {@link HotPathValidation} (schema validators built once),
 * the others with the router's generic validator (a new schema validator per value per request, on
 * a worker thread); the answers are the same. The handlers are thin: they authenticate, then call
 * the services. In front of the router sits the status poll's fast lane ({@link StatusFastLane}),
 * which answers the polls it can answer exactly as the router would, and passes every other
 * request on.
 */
public final class HttpVerticle extends VerticleBase {
  public static final String OPENAPI_RESOURCE = "openapi.yaml";
  static final int BODY_LIMIT = 64 * 1024;

  private final HttpDependencies deps;
  private ConnectionGuard guard;
  private CheckoutEvents events;

  public HttpVerticle(HttpDependencies deps) {
    this.deps = deps;
  }

  @Override
  public Future<?> start() {
    ShopApi shop = new ShopApi(deps.merchants(), deps.admin(), deps.refunds(), deps.shopActions(), deps.checkoutListing(),
        deps.checkoutModes());
    MerchantApi merchant = new MerchantApi(deps.merchants(), deps.checkouts(), shop, deps.merchantDirectory());
    Handler<RoutingContext> merchantFirst = RequestAuth.merchantFirst(deps.merchants());
    Handler<RoutingContext> adminFirst = RequestAuth.adminFirst(deps.admin());
    Counter refusals = Counter.builder("tollgate.ratelimit.refusals")
        .description("buyer requests refused by the rate limits (429)").register(deps.meters());
    BuyerAccess access = new BuyerAccess(deps.clientSecrets(), deps.statusCache(), deps.rateLimiter(), deps.buyerLimits(),
        deps.clientAddress(), refusals::increment);
    StatusPoll poll = new StatusPoll(access, deps.statusCache(), deps.statusView(), deps.clock());
    BuyerApi buyer = new BuyerApi(access, poll, deps.clientAddress(), deps.statusCache(), deps.statusView(), deps.checkouts(),
        vertx.eventBus(), deps.clock(), deps.payers(), deps.gasless());
    CorsRules cors = new CorsRules(deps.settings().corsOrigins());
    events = new CheckoutEvents(vertx, context, access, deps.statusCache(), deps.statusView(), deps.subscriptions(),
        deps.eventStreams(), deps.eventStreamMeters(), deps.clock());
    events.start();
    Handler<RoutingContext> buyerFirst = RequestAuth.buyerFirst(access);
    return ApiContract.load(vertx)
        .<Handler<HttpServerRequest>>map(contract -> {
          RouterBuilder builder = routerBuilder(vertx, contract)
              .rootHandler(cors.handler())
              .rootHandler(RequestBodies.handler(deps.settings().limits().maxBodySize()))
              .rootHandler(RequestBodies::checkJson);
          // Validators built once (HotPathValidation) for the drop's writes (createCheckout, submitPayment),
          // the buyer's other calls and every other JSON body with string parameters. The generic
          // validator keeps the GETs not on a hot path, the operations with integer parameters (limit,
          // inboundEventId), and receiveWebhook: other processors' traffic, low volume, whose handler
          // checks a signature over the raw bytes (which neither validator alters).
          // Authentication comes first on every route with a body (RequestAuth): a bad key with a bad body is a 401;
          // so it does on the shop's and the operator's GETs and DELETEs (AuthenticatedValidation): a bad key
          // with a bad query is a 401 too.
          AuthenticatedValidation checked = new AuthenticatedValidation(vertx, contract);
          prevalidated(builder, contract, "createCheckout", merchantFirst).addHandler(merchant::create);
          checked.route(builder, "getCheckout", merchantFirst).addHandler(merchant::get);
          checked.route(builder, "getMerchant", merchantFirst).addHandler(merchant::self);
          prevalidated(builder, contract, "getPaymentOptions", buyerFirst).addHandler(buyer::paymentOptions);
          // the poll path: the fast lane shares this validation
          HotPathValidation statusParameters = HotPathValidation.forOperation(contract, "getCheckoutStatus");
          builder.getRoute("getCheckoutStatus").setDoValidation(false)
              .addHandler(statusParameters::handle).addHandler(buyer::status);
          // live status (server-sent events): authorised like the poll inside its handler, as the poll is
          prevalidated(builder, contract, "getCheckoutEvents").addHandler(events::handle);
          prevalidated(builder, contract, "submitPayment", buyerFirst).addHandler(buyer::submitPayment);
          prevalidated(builder, contract, "submitAuthorization", buyerFirst).addHandler(buyer::submitAuthorization);
          prevalidated(builder, contract, "createPayerChallenge", buyerFirst).addHandler(buyer::payerChallenge);
          prevalidated(builder, contract, "bindPayer", buyerFirst).addHandler(buyer::bindPayer);
          WebhookApi webhooks = new WebhookApi(deps.merchants(), deps.webhookEndpoints(), deps.inboundWebhooks(), deps.admin());
          prevalidated(builder, contract, "createWebhookEndpoint", merchantFirst).addHandler(webhooks::createEndpoint);
          checked.route(builder, "listWebhookEndpoints", merchantFirst).addHandler(webhooks::listEndpoints);
          checked.route(builder, "getWebhookEndpoint", merchantFirst).addHandler(webhooks::getEndpoint);
          prevalidated(builder, contract, "updateWebhookEndpoint", merchantFirst).addHandler(webhooks::updateEndpoint);
          checked.route(builder, "deleteWebhookEndpoint", merchantFirst).addHandler(webhooks::deleteEndpoint);
          prevalidated(builder, contract, "rotateWebhookEndpointSecret", merchantFirst).addHandler(webhooks::rotateSecret);
          checked.route(builder, "listWebhookEndpointAttempts", merchantFirst).addHandler(webhooks::endpointAttempts);
          prevalidated(builder, contract, "recoverWebhookEndpoint", merchantFirst).addHandler(webhooks::recover);
          checked.route(builder, "listWebhookEvents", merchantFirst).addHandler(webhooks::listEvents);
          checked.route(builder, "getWebhookEvent", merchantFirst).addHandler(webhooks::getEvent);
          prevalidated(builder, contract, "resendWebhookEvent", merchantFirst).addHandler(webhooks::resendEvent);
          builder.getRoute("receiveWebhook").addHandler(webhooks::receive);
          checked.route(builder, "adminListInboundWebhooks", adminFirst).addHandler(webhooks::adminListInbound);
          checked.route(builder, "adminRetryInboundWebhook", adminFirst).addHandler(webhooks::adminRetryInbound);
          OperatorApi operator = new OperatorApi(deps.admin(), deps.merchantDirectory(), deps.apiKeys());
          prevalidated(builder, contract, "adminCreateMerchant", adminFirst).addHandler(operator::createMerchant);
          checked.route(builder, "adminListMerchants", adminFirst).addHandler(operator::listMerchants);
          checked.route(builder, "adminGetMerchant", adminFirst).addHandler(operator::getMerchant);
          prevalidated(builder, contract, "adminUpdateMerchant", adminFirst).addHandler(operator::updateMerchant);
          prevalidated(builder, contract, "adminCreateApiKey", adminFirst).addHandler(operator::createKey);
          checked.route(builder, "adminListApiKeys", adminFirst).addHandler(operator::listKeys);
          prevalidated(builder, contract, "adminRotateApiKey", adminFirst).addHandler(operator::rotateKey);
          prevalidated(builder, contract, "adminRevokeApiKey", adminFirst).addHandler(operator::revokeKey);
          // money off-script (issue 18): authentication before validation on every route with a body
          checked.route(builder, "listCheckouts", merchantFirst).addHandler(shop::list);
          prevalidated(builder, contract, "createRefund", merchantFirst).addHandler(shop::createRefund);
          checked.route(builder, "listRefunds", merchantFirst).addHandler(shop::listRefunds);
          checked.route(builder, "getRefund", merchantFirst).addHandler(shop::getRefund);
          prevalidated(builder, contract, "postRefundTransaction", merchantFirst).addHandler(shop::postRefundTransaction);
          prevalidated(builder, contract, "cancelRefund", merchantFirst).addHandler(shop::cancelRefund);
          prevalidated(builder, contract, "acceptLatePayment", merchantFirst).addHandler(shop::acceptLate);
          prevalidated(builder, contract, "cancelCheckout", merchantFirst).addHandler(shop::cancelCheckout);
          prevalidated(builder, contract, "recoverPayment", merchantFirst).addHandler(shop::recover);
          prevalidated(builder, contract, "adminRecoverPayment", adminFirst).addHandler(shop::adminRecover);
          checked.route(builder, "getStats", merchantFirst).addHandler(shop::stats);
          // the operator console (issue 20): its reads beyond the shop's calls, and the page itself
          ConsoleApi console = new ConsoleApi(deps.merchants(), deps.admin(), deps.console(), deps.checkouts(),
              deps.checkoutListing(), deps.webhookEndpoints(), shop);
          builder.getRoute("getSession").addHandler(console::session);
          checked.route(builder, "getCheckoutAudit", merchantFirst).addHandler(console::audit);
          checked.route(builder, "getLiveStats", merchantFirst).addHandler(console::live);
          checked.route(builder, "adminListCheckouts", adminFirst).addHandler(console::adminList);
          checked.route(builder, "adminGetCheckout", adminFirst).addHandler(console::adminGet);
          checked.route(builder, "adminGetCheckoutAudit", adminFirst).addHandler(console::adminAudit);
          checked.route(builder, "adminListCheckoutWebhookEvents", adminFirst).addHandler(console::adminWebhookEvents);
          checked.route(builder, "adminGetLiveStats", adminFirst).addHandler(console::adminLive);
          checked.route(builder, "adminListRelayers", adminFirst).addHandler(console::adminRelayers);
          // x402 facilitator (issue 17): the facilitator checks its bodies itself (reference reasons vs. 400 codes)
          X402Api x402 = new X402Api(deps.merchants(), deps.x402());
          builder.getRoute("x402Supported").addHandler(x402::supported);
          builder.getRoute("x402Verify").setDoValidation(false).addHandler(x402::verify);
          builder.getRoute("x402Settle").setDoValidation(false).addHandler(x402::settle);
          checked.route(builder, "x402GetSettlement", x402::authenticateFirst).addHandler(x402::settlement);
          Router router = builder.createRouter();
          router.get("/health/live").handler(ctx -> json(ctx, 200, new JsonObject().put("status", "UP")));
          router.get("/health/ready").handler(this::ready);
          router.get("/metrics").handler(PrometheusScrapingHandler.create());
          router.get("/openapi.yaml").handler(ctx -> ctx.response()
              .putHeader("Content-Type", "application/yaml").sendFile(OPENAPI_RESOURCE));
          router.get("/pay/:checkoutId").handler(this::payPage);
          // the browser apps' hashed, immutable assets (io.tollgate.web)
          router.route(io.vertx.core.http.HttpMethod.GET, io.tollgate.web.WebAssets.PREFIX + "*")
              .handler(ctx -> deps.web().serve(ctx.request()));
          router.route(io.vertx.core.http.HttpMethod.HEAD, io.tollgate.web.WebAssets.PREFIX + "*")
              .handler(ctx -> deps.web().serve(ctx.request()));
          ConsolePage.mount(router, deps.web());
          router.route().last().handler(new MethodNotAllowed(contract, Map.of("/health/live", "GET", "/health/ready", "GET",
              "/metrics", "GET", "/openapi.yaml", "GET", "/console", "GET", "/console/", "GET", "/pay/*", "GET",
              io.tollgate.web.WebAssets.PREFIX + "*", "GET, HEAD"))::handle);
          router.route().failureHandler(ErrorResponses::handle);
          // The routed requests' log lines carry their id; the fast lane's polls only answer it (they log nothing).
          Handler<HttpServerRequest> routed = request -> {
            RequestIds.bind(request.response().headers().get(RequestIds.HEADER));
            router.handle(request);
          };
          Handler<HttpServerRequest> lanes = !deps.settings().statusFastLane() ? routed
              : StatusFastLane.forOperation(contract, "getCheckoutStatus", statusParameters, cors, poll, routed);
          return request -> {
            request.response().putHeader(RequestIds.HEADER, RequestIds.acceptOrCreate(request.getHeader(RequestIds.HEADER)));
            lanes.handle(request);
          };
        })
        .compose(intake -> {
          HttpLimits limits = deps.settings().limits();
          guard = new ConnectionGuard(vertx, limits, deps.connectionCounts(), deps.trustedProxy());
          guard.start();
          HttpServerOptions options = new HttpServerOptions();
          if (limits.sendBufferBytes() > 0) options.setSendBufferSize(limits.sendBufferBytes());
          return vertx.createHttpServer(options
                  .setHost(deps.settings().host()).setPort(deps.settings().port())
                  .setCompressionSupported(false).setTcpNoDelay(true)
                  // HTTP/1.1 only: the connection guard's deadlines are per request; a load balancer
                  // in front speaks HTTP/2 to browsers if wanted.
                  .setHttp2ClearTextEnabled(false)
                  .setIdleTimeout((int) limits.idleTimeout().toMillis()).setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                  .setMaxHeaderSize(limits.maxHeaderSize()).setMaxInitialLineLength(limits.maxInitialLineLength()))
              .connectionHandler(guard::opened)
              .requestHandler(guard.guard(request -> {
                if (RequestTargets.valid(request.uri())) {
                  intake.handle(request);
                } else {
                  ErrorResponses.reject(request, new ApiException(ErrorCode.INVALID_REQUEST, RequestTargets.PROBLEM));
                }
              }))
              .listen();
        });
  }

  @Override
  public Future<?> stop() {
    if (guard != null) guard.stop();
    if (events != null) events.stop();
    return Future.succeededFuture();
  }

  /**
   * The router builder for {@code contract}. The contract's security schemes document who may call
   * what; our own first handlers ({@link RequestAuth}) enforce them, before validation and with our
   * error codes, so the router's security handlers (which want an AuthenticationHandler per scheme)
   * are off on every operation. (An operation must then name at most one security requirement:
   * vertx-web-openapi-router 5.0.10 mounts an empty auth chain for alternatives, which fails every call.)
   */
  static RouterBuilder routerBuilder(io.vertx.core.Vertx vertx, OpenAPIContract contract) {
    RouterBuilder builder = RouterBuilder.create(vertx, contract, RequestExtractor.withBodyHandler());
    contract.operations().forEach(op -> builder.getRoute(op.getOperationId()).setDoSecurity(false));
    return builder;
  }

  /**
   * The route of {@code operationId} with the generic validator replaced by a {@link
   * HotPathValidation}, which answers the same but builds its schema validators once; fails if the
   * operation does not qualify.
   */
  static OpenAPIRoute prevalidated(RouterBuilder builder, OpenAPIContract contract, String operationId) {
    HotPathValidation validation = HotPathValidation.forOperation(contract, operationId);
    return builder.getRoute(operationId).setDoValidation(false).addHandler(validation::handle);
  }

  /** As {@link #prevalidated(RouterBuilder, OpenAPIContract, String)}, with {@code authentication} before the validation. */
  static OpenAPIRoute prevalidated(RouterBuilder builder, OpenAPIContract contract, String operationId,
      Handler<RoutingContext> authentication) {
    HotPathValidation validation = HotPathValidation.forOperation(contract, operationId);
    return builder.getRoute(operationId).setDoValidation(false).addHandler(authentication).addHandler(validation::handle);
  }

  /**
   * The checks that decide readiness: what this instance itself needs to serve buyers and shops.
   * Shared dependencies (Redis, each chain's providers) are reported in the details and as
   * {@code degraded}, never as not-ready: their outage is every instance's at once, and a load
   * balancer that took the whole fleet out would turn a degraded service into none. Polls are
   * answered from memory, rate limits fall back to this instance, and the watcher skips rounds.
   */
  private static final java.util.Set<String> INSTANCE_CHECKS = java.util.Set.of("database");

  private void ready(RoutingContext ctx) {
    List<String> names = new ArrayList<>();
    List<Future<?>> checks = new ArrayList<>();
    for (Map.Entry<String, Supplier<Future<?>>> probe : deps.readinessProbes().entrySet()) {
      names.add(probe.getKey());
      checks.add(withTimeout(probe.getValue(), Duration.ofSeconds(3)));
    }
    Future.join(checks).onComplete(done -> {
      JsonObject details = new JsonObject();
      boolean up = true;
      boolean degraded = false;
      for (int i = 0; i < names.size(); i++) {
        boolean ok = checks.get(i).succeeded();
        if (INSTANCE_CHECKS.contains(names.get(i))) up &= ok; else degraded |= !ok;
        details.put(names.get(i), ok ? "UP" : "DOWN: " + checks.get(i).cause().getMessage());
      }
      json(ctx, up ? 200 : 503, new JsonObject().put("status", up ? "UP" : "DOWN").put("degraded", degraded)
          .put("checks", details));
    });
  }

  private Future<?> withTimeout(Supplier<Future<?>> probe, Duration timeout) {
    try {
      return probe.get().timeout(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /**
   * The hosted checkout page. The checkout id decides only which origins may frame it (its
   * merchant's); the page learns the rest with the client secret from its URL fragment. An unknown
   * or malformed id gets the same 404 as any unknown path.
   */
  private void payPage(RoutingContext ctx) {
    java.util.Optional<String> template = deps.web().page(io.tollgate.web.PayPage.APP);
    java.util.UUID id = uuidOrNull(ctx.pathParam("checkoutId"));
    if (template.isEmpty() || id == null) {
      ctx.fail(new ApiException(ErrorCode.CHECKOUT_NOT_FOUND, template.isEmpty() ? "the payment page was not built" : null));
      return;
    }
    deps.checkouts().framingOrigins(id)
        .onSuccess(origins -> {
          if (origins == null) ctx.fail(new ApiException(ErrorCode.CHECKOUT_NOT_FOUND));
          else io.tollgate.web.PayPage.send(ctx.response(), template.get(), origins);
        })
        .onFailure(ctx::fail);
  }

  private static java.util.UUID uuidOrNull(String value) {
    if (value == null || !value.matches("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")) return null;
    return java.util.UUID.fromString(value);
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.toBuffer());
  }
}
