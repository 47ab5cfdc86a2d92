package io.tollgate.http;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.tollgate.checkout.CachedStatus;
import io.tollgate.checkout.CheckoutService;
import io.tollgate.checkout.CheckoutStatus;
import io.tollgate.checkout.ClientSecrets;
import io.tollgate.checkout.StatusCache;
import io.tollgate.checkout.StatusView;
import io.tollgate.eventbus.Addresses;
import io.tollgate.eventbus.Replies;
import io.tollgate.payer.PayerBindingService;
import io.tollgate.payment.PaymentSubmission;
import io.tollgate.ratelimit.RateLimitBucket;
import io.tollgate.ratelimit.RateLimitHeaders;
import io.tollgate.ratelimit.RateLimiter;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Function;

/**
 * The buyer's browser: payment options, transaction submission and status polling, each
 * authorised by the checkout's client secret and rate limited per client address and per checkout.
 * The status poll is the hot path: one rate-limit decision, one map lookup, no database, no chain.
 */
final class BuyerApi {
  private static final DeliveryOptions SUBMIT = new DeliveryOptions().setSendTimeout(10_000);

  private final ClientSecrets secrets;
  private final RateLimiter limiter;
  private final BuyerLimits limits;
  private final Function<RoutingContext, String> clientAddress;
  private final StatusCache cache;
  private final StatusView view;
  private final CheckoutService checkouts;
  private final EventBus bus;
  private final Clock clock;
  private final PayerBindingService payers;

  BuyerApi(ClientSecrets secrets, RateLimiter limiter, BuyerLimits limits, Function<RoutingContext, String> clientAddress,
      StatusCache cache, StatusView view, CheckoutService checkouts, EventBus bus, Clock clock, PayerBindingService payers) {
    this.secrets = secrets;
    this.limiter = limiter;
    this.limits = limits;
    this.clientAddress = clientAddress;
    this.cache = cache;
    this.view = view;
    this.checkouts = checkouts;
    this.bus = bus;
    this.clock = clock;
    this.payers = payers;
  }

  void status(RoutingContext ctx) {
    authorize(ctx)
        .compose(id -> cache.get(id))
        .onSuccess(entry -> respondWithStatus(ctx, entry))
        .onFailure(ctx::fail);
  }

  void paymentOptions(RoutingContext ctx) {
    authorize(ctx)
        .compose(checkouts::paymentOptions)
        .onSuccess(options -> ctx.response().putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("paymentOptions", options).toBuffer()))
        .onFailure(ctx::fail);
  }

  void submitPayment(RoutingContext ctx) {
    authorize(ctx)
        .compose(id -> {
          JsonObject body = ctx.body().asJsonObject();
          PaymentSubmission submission = new PaymentSubmission(id, body.getLong("chainId"), body.getString("token"),
              body.getString("txHash").toLowerCase(Locale.ROOT), "buyer:" + clientAddress.apply(ctx));
          return Replies.<CheckoutStatus>request(bus, Addresses.PAYMENT_SUBMIT, submission, SUBMIT);
        })
        .onSuccess(status -> {
          cache.apply(status); // this instance shows the new state at once, before its notification arrives
          respondWithStatus(ctx, status);
        })
        .onFailure(ctx::fail);
  }

  /** Issues a Sign-In with Ethereum challenge for the wallet that wants to pay this checkout. */
  void payerChallenge(RoutingContext ctx) {
    authorize(ctx)
        .compose(id -> {
          JsonObject body = ctx.body().asJsonObject();
          return payers.challenge(id, body.getString("address"), body.getLong("chainId"), requestHost(ctx));
        })
        .onSuccess(challenge -> ctx.response().setStatusCode(201).putHeader("Content-Type", "application/json")
            .putHeader("Cache-Control", "no-store").end(challenge.toJson().toBuffer()))
        .onFailure(ctx::fail);
  }

  /** Binds the payer whose signature over an issued challenge checks out. */
  void bindPayer(RoutingContext ctx) {
    authorize(ctx)
        .compose(id -> {
          JsonObject body = ctx.body().asJsonObject();
          return payers.bind(id, body.getString("message"), body.getString("signature"), body.getLong("signingChainId"),
              requestHost(ctx), "buyer:" + clientAddress.apply(ctx));
        })
        .onSuccess(binding -> {
          cache.apply(binding.status()); // this instance shows the payer at once, before its notification arrives
          ctx.response().putHeader("Content-Type", "application/json").end(binding.toJson().toBuffer());
        })
        .onFailure(ctx::fail);
  }

  /** The Host header's host without the port: the default Sign-In with Ethereum domain. */
  private static String requestHost(RoutingContext ctx) {
    return ctx.request().authority() == null ? null : ctx.request().authority().host();
  }

  /**
   * Checks the client secret, then charges the rate limits. A wrong secret is charged to the
   * client address only, so nobody can drain another buyer's checkout bucket.
   */
  private Future<UUID> authorize(RoutingContext ctx) {
    UUID id = UUID.fromString(ctx.pathParam("checkoutId"));
    String secret = ctx.request().getHeader("X-Client-Secret");
    if (secret == null) secret = ctx.request().getParam("clientSecret");
    boolean authorized = secretMatches(id, secret);
    if (!limits.enabled()) {
      return authorized ? Future.succeededFuture(id) : Future.failedFuture(new ApiException(ErrorCode.INVALID_CLIENT_SECRET));
    }
    // resolved only here: without limits nothing needs the address (X-Forwarded-For parsing is not free)
    String address = clientAddress.apply(ctx);
    List<RateLimitBucket> buckets = authorized ? limits.forRequest(address, id) : List.of(limits.address(address));
    return limiter.acquire(buckets).compose(decision -> {
      RateLimitHeaders.of(decision).forEach(ctx.response()::putHeader);
      if (!decision.allowed()) return Future.failedFuture(new ApiException(ErrorCode.RATE_LIMITED));
      return authorized ? Future.succeededFuture(id) : Future.failedFuture(new ApiException(ErrorCode.INVALID_CLIENT_SECRET));
    });
  }

  /**
   * A checkout this instance holds keeps its derived secret with its cached status, so a poll costs
   * no HMAC; any other checkout's secret is derived for this request only (never cached: a wrong
   * guess for a made-up id must not take memory). Either way the comparison is constant-time.
   */
  private boolean secretMatches(UUID id, String secret) {
    CachedStatus cached = cache.peek(id);
    return cached != null ? cached.matchesClientSecret(secret, secrets) : secrets.matches(id, secret);
  }

  /** The poll's answer: rendered once per snapshot and state shown, and kept with the cache entry. */
  private void respondWithStatus(RoutingContext ctx, CachedStatus entry) {
    StatusView.Rendered rendered = view.render(entry, clock.millis());
    HttpServerResponse response = ctx.response()
        .putHeader("Cache-Control", "no-cache")
        .putHeader("Content-Type", "application/json");
    if (rendered.etag().equals(ctx.request().getHeader("If-None-Match"))) {
      response.setStatusCode(304).putHeader("ETag", rendered.etag()).end();
      return;
    }
    response.setStatusCode(200).putHeader("ETag", rendered.etag()).end(rendered.body());
  }

  /** The 202 of a submission: the new status, rendered for this answer only. */
  private void respondWithStatus(RoutingContext ctx, CheckoutStatus status) {
    StatusView.Rendered rendered = view.render(status, clock.millis());
    ctx.response()
        .putHeader("Cache-Control", "no-cache")
        .putHeader("Content-Type", "application/json")
        .setStatusCode(202).putHeader("ETag", rendered.etag()).end(rendered.body());
  }
}
