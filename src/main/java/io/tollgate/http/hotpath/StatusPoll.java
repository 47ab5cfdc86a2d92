package io.tollgate.http.hotpath;

import io.tollgate.checkout.CachedStatus;
import io.tollgate.checkout.StatusCache;
import io.tollgate.checkout.StatusView;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.time.Clock;
import java.util.UUID;

/**
 * {@code GET /v1/checkouts/{id}/status}, the poll: the client secret and one rate-limit decision,
 * then the answer from the status cache, rendered at most once per snapshot and time-dependent
 * state ({@link StatusView#render(CachedStatus, long)}); {@code If-None-Match} with the current
 * ETag gets a 304. No database unless the cache misses, never the chain. Used by the fast lane and
 * by the routed path alike, so both answer the same.
 */
public final class StatusPoll {
  // encoded once (AsciiString), spelt as the answers always have been
  private static final CharSequence CACHE_CONTROL = HttpHeaders.createOptimized("Cache-Control");
  private static final CharSequence NO_CACHE = HttpHeaders.createOptimized("no-cache");
  private static final CharSequence CONTENT_TYPE = HttpHeaders.createOptimized("Content-Type");
  private static final CharSequence JSON = HttpHeaders.createOptimized("application/json");
  private static final CharSequence ETAG = HttpHeaders.createOptimized("ETag");

  private final BuyerAccess access;
  private final StatusCache cache;
  private final StatusView view;
  private final Clock clock;

  public StatusPoll(BuyerAccess access, StatusCache cache, StatusView view, Clock clock) {
    this.access = access;
    this.cache = cache;
    this.view = view;
    this.clock = clock;
  }

  /** Answers the poll; a failure (wrong secret, limited, unknown checkout, ...) goes to {@code onFailure} unanswered. */
  public void handle(HttpServerRequest request, UUID checkoutId, Handler<Throwable> onFailure) {
    access.authorize(request, checkoutId)
        .compose(cache::get)
        .onSuccess(entry -> respond(request, entry))
        .onFailure(onFailure);
  }

  private void respond(HttpServerRequest request, CachedStatus entry) {
    StatusView.Rendered rendered = view.render(entry, clock.millis());
    HttpServerResponse response = request.response().putHeader(CACHE_CONTROL, NO_CACHE).putHeader(CONTENT_TYPE, JSON);
    if (rendered.etag().equals(request.getHeader(HttpHeaders.IF_NONE_MATCH))) {
      response.setStatusCode(304).putHeader(ETAG, rendered.etag()).end();
      return;
    }
    response.setStatusCode(200).putHeader(ETAG, rendered.etag()).end(rendered.body());
  }
}
