package io.tollgate.http;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.tollgate.web.WebAssets;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The operator console's page, {@code GET /console}: the {@code console} app the web build bundled
 * ({@link WebAssets}; its script and stylesheet are hashed assets under {@code /web/console/}). A
 * strict Content-Security-Policy: scripts, styles and requests to this origin only, no inline
 * script or style sheet, no framing; the credential travels in a header, so the page keeps no
 * cookie and sends no referrer.
 */
final class ConsolePage {
  static final String APP = "console";
  static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
      + "img-src 'self' data:; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private ConsolePage() {}

  static void mount(Router router, WebAssets web) {
    Handler<RoutingContext> page = ctx -> web.page(APP).ifPresentOrElse(
        html -> ctx.response().putHeader("Content-Type", "text/html; charset=utf-8")
            .putHeader("Content-Security-Policy", POLICY)
            .putHeader("X-Content-Type-Options", "nosniff")
            .putHeader("Referrer-Policy", "no-referrer")
            .putHeader("Cross-Origin-Opener-Policy", "same-origin")
            .putHeader("Cache-Control", "no-cache")
            .end(html),
        // a build without the web step (-Dskip.npm on a fresh tree): say so rather than serve nothing
        () -> ctx.fail(new ApiException(ErrorCode.NOT_FOUND, "the console was not built (the web build did not run)")));
    router.get("/console").handler(page);
    router.get("/console/").handler(page);
  }
}
