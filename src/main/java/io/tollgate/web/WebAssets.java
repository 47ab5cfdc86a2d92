package io.tollgate.web;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The browser apps the build bundled ({@code scripts/build/build-web.mjs}: {@code web/manifest.json}
 * and each app's page template and hashed assets on the classpath), held in memory: they are a few
 * hundred KB, read once at start, and a buyer's first render must not wait for a disk or a jar.
 * Assets are served under {@code /web/<app>/assets/<name>-<hash>.<ext>} as immutable (their name
 * changes with their content), gzipped when the browser accepts it (compressed once at build time;
 * the server itself compresses nothing).
 */
public final class WebAssets {
  public static final String PREFIX = "/web/";
  private static final String IMMUTABLE = "public, max-age=31536000, immutable";

  private record Asset(String contentType, Buffer plain, Buffer gzipped) {}

  private final Map<String, Asset> assets;
  private final Map<String, String> pages;

  private WebAssets(Map<String, Asset> assets, Map<String, String> pages) {
    this.assets = Map.copyOf(assets);
    this.pages = Map.copyOf(pages);
  }

  /** What the build put on the classpath; no app when the web build never ran ({@code -Dskip.npm} on a fresh tree). */
  public static WebAssets fromClasspath() {
    ClassLoader loader = WebAssets.class.getClassLoader();
    byte[] manifestBytes = read(loader, "web/manifest.json");
    if (manifestBytes == null) return new WebAssets(Map.of(), Map.of());
    JsonObject apps = new JsonObject(Buffer.buffer(manifestBytes)).getJsonObject("apps", new JsonObject());
    Map<String, Asset> assets = new HashMap<>();
    Map<String, String> pages = new HashMap<>();
    for (String app : apps.fieldNames()) {
      JsonObject entry = apps.getJsonObject(app);
      byte[] html = read(loader, "web/" + entry.getString("html"));
      if (html != null) pages.put(app, new String(html, StandardCharsets.UTF_8));
      for (Object name : entry.getJsonArray("assets", new JsonArray())) {
        String path = (String) name;
        byte[] plain = read(loader, "web/" + path);
        if (plain == null) continue;
        byte[] gz = read(loader, "web/" + path + ".gz");
        assets.put(path, new Asset(contentType(path), Buffer.buffer(plain), gz == null ? null : Buffer.buffer(gz)));
      }
    }
    return new WebAssets(assets, pages);
  }

  /** The page template of {@code app} (its index.html with the hashed asset links), if built. */
  public Optional<String> page(String app) {
    return Optional.ofNullable(pages.get(app));
  }

  /** Whether {@code path} (as requested, e.g. {@code /web/pay/assets/main-AB12.js}) is a built asset. */
  public boolean has(String path) {
    return path.startsWith(PREFIX) && assets.containsKey(path.substring(PREFIX.length()));
  }

  /** Answers a GET or HEAD of an asset (404 for anything else under {@link #PREFIX}). */
  public void serve(HttpServerRequest request) {
    HttpServerResponse response = request.response();
    String path = request.path();
    Asset asset = path.startsWith(PREFIX) ? assets.get(path.substring(PREFIX.length())) : null;
    if (asset == null) {
      response.setStatusCode(404).putHeader("Content-Type", "text/plain; charset=utf-8").end("not found");
      return;
    }
    MultiMap headers = response.headers();
    headers.set("Content-Type", asset.contentType()).set("Cache-Control", IMMUTABLE)
        .set("X-Content-Type-Options", "nosniff").set("Vary", "Accept-Encoding")
        .set("Cross-Origin-Resource-Policy", "same-origin");
    boolean gzip = asset.gzipped() != null && acceptsGzip(request.getHeader("Accept-Encoding"));
    Buffer body = gzip ? asset.gzipped() : asset.plain();
    if (gzip) headers.set("Content-Encoding", "gzip");
    if (request.method().name().equals("HEAD")) {
      response.putHeader("Content-Length", Integer.toString(body.length())).end();
    } else {
      response.end(body);
    }
  }

  static boolean acceptsGzip(String acceptEncoding) {
    if (acceptEncoding == null) return false;
    for (String part : acceptEncoding.toLowerCase(Locale.ROOT).split(",")) {
      String[] coding = part.trim().split(";");
      if (!coding[0].trim().equals("gzip")) continue;
      return coding.length < 2 || !coding[1].replace(" ", "").equals("q=0");
    }
    return false;
  }

  private static String contentType(String path) {
    if (path.endsWith(".js")) return "text/javascript; charset=utf-8";
    if (path.endsWith(".css")) return "text/css; charset=utf-8";
    if (path.endsWith(".svg")) return "image/svg+xml";
    if (path.endsWith(".woff2")) return "font/woff2";
    if (path.endsWith(".json")) return "application/json";
    return "application/octet-stream";
  }

  private static byte[] read(ClassLoader loader, String resource) {
    try (InputStream in = loader.getResourceAsStream(resource)) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }
}
