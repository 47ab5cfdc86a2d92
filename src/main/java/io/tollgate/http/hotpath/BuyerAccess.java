package io.tollgate.http.hotpath;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.tollgate.checkout.CachedStatus;
import io.tollgate.checkout.ClientSecrets;
import io.tollgate.checkout.StatusCache;
import io.tollgate.ratelimit.RateLimitBucket;
import io.tollgate.ratelimit.RateLimitHeaders;
import io.tollgate.ratelimit.RateLimiter;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * Who may call a buyer endpoint of a checkout, and how often: the checkout's client secret (header
 * {@code X-Client-Secret} or query parameter {@code clientSecret}), then one rate-limit decision.
 * The routed buyer endpoints and the poll's fast lane ({@link StatusFastLane}) both ask here, so
 * they answer alike.
 */
public final class BuyerAccess {
  private static final String SECRET_HEADER = "X-Client-Secret";
  private static final String SECRET_QUERY = "clientSecret";

  private final ClientSecrets secrets;
  private final StatusCache cache;
  private final RateLimiter limiter;
  private final BuyerLimits limits;
  private final Function<HttpServerRequest, String> clientAddress;

  private final Runnable refused;

  public BuyerAccess(ClientSecrets secrets, StatusCache cache, RateLimiter limiter, BuyerLimits limits,
      Function<HttpServerRequest, String> clientAddress) {
    this(secrets, cache, limiter, limits, clientAddress, () -> { });
  }

  /** @param refused told of each request refused by the rate limits (a counter) */
  public BuyerAccess(ClientSecrets secrets, StatusCache cache, RateLimiter limiter, BuyerLimits limits,
      Function<HttpServerRequest, String> clientAddress, Runnable refused) {
    this.refused = refused;
    this.secrets = secrets;
    this.cache = cache;
    this.limiter = limiter;
    this.limits = limits;
    this.clientAddress = clientAddress;
  }

  /**
   * Checks the client secret, then charges the rate limits (their headers go on the response). A
   * wrong secret is charged to the client address only, so nobody can drain another buyer's
   * checkout bucket. Fails with {@code invalid_client_secret} or {@code rate_limited}.
   */
  public Future<UUID> authorize(HttpServerRequest request, UUID checkoutId) {
    String secret = request.getHeader(SECRET_HEADER);
    if (secret == null) secret = request.getParam(SECRET_QUERY);
    boolean authorized = secretMatches(checkoutId, secret);
    if (!limits.enabled()) {
      return authorized ? Future.succeededFuture(checkoutId) : Future.failedFuture(new ApiException(ErrorCode.INVALID_CLIENT_SECRET));
    }
    // resolved only here: without limits nothing needs the address (X-Forwarded-For parsing is not free)
    String address = clientAddress.apply(request);
    List<RateLimitBucket> buckets = authorized ? limits.forRequest(address, checkoutId) : List.of(limits.address(address));
    return limiter.acquire(buckets).compose(decision -> {
      RateLimitHeaders.of(decision).forEach(request.response()::putHeader);
      if (!decision.allowed()) {
        refused.run();
        return Future.failedFuture(new ApiException(ErrorCode.RATE_LIMITED));
      }
      return authorized ? Future.succeededFuture(checkoutId) : Future.failedFuture(new ApiException(ErrorCode.INVALID_CLIENT_SECRET));
    });
  }

  /**
   * A checkout this instance holds keeps its derived secret with its cached status, so a poll costs
   * no HMAC; any other checkout's secret is derived for this request only (never cached: a wrong
   * guess for a made-up id must not take memory). Either way the comparison is constant-time.
   */
  private boolean secretMatches(UUID checkoutId, String secret) {
    CachedStatus cached = cache.peek(checkoutId);
    return cached != null ? cached.matchesClientSecret(secret, secrets) : secrets.matches(checkoutId, secret);
  }
}
