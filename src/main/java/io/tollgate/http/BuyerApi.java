package io.tollgate.http;

import io.tollgate.http.hotpath.BuyerAccess;
import io.tollgate.http.hotpath.StatusPoll;
import io.tollgate.checkout.CheckoutService;
import io.tollgate.checkout.CheckoutStatus;
import io.tollgate.checkout.StatusCache;
import io.tollgate.checkout.StatusView;
import io.tollgate.eventbus.Addresses;
import io.tollgate.eventbus.Replies;
import io.tollgate.gasless.GaslessPayments;
import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.tollgate.payer.PayerBindingService;
import io.tollgate.payment.PaymentSubmission;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Function;

/**
 * The buyer's browser: payment options, transaction submission and status polling, each
 * authorised by the checkout's client secret and rate limited per client address and per checkout
 * ({@link BuyerAccess}). The status poll is the hot path: one rate-limit decision, one map lookup,
 * no database, no chain ({@link StatusPoll}; most polls reach it through {@link io.tollgate.http.hotpath.StatusFastLane}
 * without the router, the rest through {@link #status}).
 */
final class BuyerApi {
  private static final DeliveryOptions SUBMIT = new DeliveryOptions().setSendTimeout(10_000);

  private final BuyerAccess access;
  private final StatusPoll poll;
  private final Function<HttpServerRequest, String> clientAddress;
  private final StatusCache cache;
  private final StatusView view;
  private final CheckoutService checkouts;
  private final EventBus bus;
  private final Clock clock;
  private final PayerBindingService payers;
  private final GaslessPayments gasless;

  BuyerApi(BuyerAccess access, StatusPoll poll, Function<HttpServerRequest, String> clientAddress, StatusCache cache,
      StatusView view, CheckoutService checkouts, EventBus bus, Clock clock, PayerBindingService payers,
      GaslessPayments gasless) {
    this.access = access;
    this.poll = poll;
    this.clientAddress = clientAddress;
    this.cache = cache;
    this.view = view;
    this.checkouts = checkouts;
    this.bus = bus;
    this.clock = clock;
    this.payers = payers;
    this.gasless = gasless;
  }

  /** The routed poll: requests the fast lane left to the router (it turned them down, or it is off). */
  void status(RoutingContext ctx) {
    poll.handle(ctx.request(), checkoutId(ctx), ctx::fail);
  }

  void paymentOptions(RoutingContext ctx) {
    authorize(ctx)
        .compose(id -> Future.all(
            checkouts.paymentOptions(id).compose(options -> gasless == null ? Future.succeededFuture(options)
                : gasless.offer(id, options, ctx.request().getParam("payer"))),
            checkouts.buyerView(id)))
        .onSuccess(both -> ctx.response().putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("paymentOptions", both.resultAt(0)).put("checkout", both.resultAt(1)).toBuffer()))
        .onFailure(ctx::fail);
  }

  void submitPayment(RoutingContext ctx) {
    authorize(ctx)
        .compose(id -> {
          JsonObject body = ctx.body().asJsonObject();
          PaymentSubmission submission = new PaymentSubmission(id, body.getLong("chainId"), body.getString("token"),
              body.getString("txHash").toLowerCase(Locale.ROOT), "buyer:" + clientAddress.apply(ctx.request()));
          return Replies.<CheckoutStatus>request(bus, Addresses.PAYMENT_SUBMIT, submission, SUBMIT);
        })
        .onSuccess(status -> {
          cache.apply(status); // this instance shows the new state at once, before its notification arrives
          respondWithStatus(ctx, status);
        })
        .onFailure(ctx::fail);
  }

  /** A signed EIP-3009 authorization: checked, relayed, and from then on a payment like any other. */
  void submitAuthorization(RoutingContext ctx) {
    authorize(ctx)
        .compose(id -> {
          if (gasless == null) return Future.failedFuture(new ApiException(ErrorCode.RELAYER_UNAVAILABLE, "no relayer is configured"));
          JsonObject body = ctx.body().asJsonObject();
          return gasless.authorize(new GaslessPayments.Submission(id, body.getLong("chainId"), body.getString("token"),
              body.getJsonObject("authorization"), body.getValue("signature"), "buyer:" + clientAddress.apply(ctx.request())));
        })
        .onSuccess(status -> {
          cache.apply(status);
          respondWithStatus(ctx, status);
        })
        .onFailure(e -> {
          if (e instanceof ApiException api && api.error() == ErrorCode.RELAYER_UNAVAILABLE) {
            ctx.response().putHeader("Retry-After", Integer.toString(GaslessPayments.RETRY_AFTER_SECONDS));
          }
          ctx.fail(e);
        });
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
              requestHost(ctx), "buyer:" + clientAddress.apply(ctx.request()));
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

  private Future<UUID> authorize(RoutingContext ctx) {
    return RequestAuth.buyerCheckout(ctx, access);
  }

  private static UUID checkoutId(RoutingContext ctx) {
    return UUID.fromString(ctx.pathParam("checkoutId"));
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
