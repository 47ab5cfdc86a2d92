package io.tollgate.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The operator console's page ({@code GET /console}) and its assets ({@code /console/...}), from
 * the classpath ({@code web/console}). A strict Content-Security-Policy: scripts, styles and
 * requests to this origin only, no inline script, no framing; the credential travels in a header,
 * so the page keeps no cookie and sends no referrer.
 */
final class ConsolePage {
  static final String ROOT = "web/console";
  static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
      + "img-src 'self' data:; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private ConsolePage() {}

  static void mount(Router router) {
    Handler<RoutingContext> headers = ctx -> {
      ctx.response().putHeader("Content-Security-Policy", POLICY)
          .putHeader("X-Content-Type-Options", "nosniff")
          .putHeader("Referrer-Policy", "no-referrer")
          .putHeader("Cross-Origin-Opener-Policy", "same-origin")
          .putHeader("Cache-Control", "no-cache");
      ctx.next();
    };
    Handler<RoutingContext> index = ctx -> ctx.response().putHeader("Content-Type", "text/html; charset=utf-8")
        .sendFile(ROOT + "/index.html").onFailure(ctx::fail);
    router.get("/console").handler(headers).handler(index);
    router.get("/console/").handler(headers).handler(index);
    router.get("/console/*").handler(headers).handler(StaticHandler.create(ROOT)
        .setDirectoryListing(false).setIncludeHidden(false).setDefaultContentEncoding("UTF-8"));
  }
}
