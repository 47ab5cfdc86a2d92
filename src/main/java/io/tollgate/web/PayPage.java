package io.tollgate.web;

import io.vertx.core.http.HttpServerResponse;
import java.util.List;

/**
 * The hosted checkout page's answer ({@code GET /pay/{checkoutId}}): the built page with the
 * origins that may frame it, and the headers that hold it to that. The page carries no secret (the
 * client secret stays in the URL fragment, read by the page's script), so it is the same for every
 * buyer of a merchant and the server logs nothing worth stealing.
 *
 * <p>Content-Security-Policy: scripts, styles and calls from this origin only, nothing inline,
 * images from here or {@code data:} (the QR code); {@code frame-ancestors} the merchant's allowed
 * origins, or {@code 'none'} when it has none (then the page works as a full page only).
 */
public final class PayPage {
  public static final String APP = "pay";
  static final String ORIGINS_META = "tollgate-frame-origins";

  private PayPage() {}

  /** The CSP of a page that {@code frameOrigins} may embed. */
  public static String contentSecurityPolicy(List<String> frameOrigins) {
    String ancestors = frameOrigins.isEmpty() ? "'none'" : String.join(" ", frameOrigins);
    return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "base-uri 'none'; form-action 'none'; frame-ancestors " + ancestors;
  }

  /** Sends the page built from {@code template} (the pay app's index.html) for a checkout {@code frameOrigins} may embed. */
  public static void send(HttpServerResponse response, String template, List<String> frameOrigins) {
    // The page's script needs the allowed origins too: they are the only postMessage targets.
    String meta = "<meta name=\"" + ORIGINS_META + "\" content=\"" + escape(String.join(" ", frameOrigins)) + "\">\n";
    String html = template.replace("</head>", meta + "</head>");
    response.putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Content-Security-Policy", contentSecurityPolicy(frameOrigins))
        .putHeader("Cache-Control", "no-store")
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader("X-Content-Type-Options", "nosniff");
    // for browsers without frame-ancestors; ALLOW-FROM is obsolete, so only the no-origin case says DENY
    if (frameOrigins.isEmpty()) response.putHeader("X-Frame-Options", "DENY");
    response.end(html);
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
