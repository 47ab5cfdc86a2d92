package io.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The hosted payment page over HTTP (the browser tests drive it in Chromium): the checkout links
 * it as paymentUrl with the secret in the fragment; the page's CSP lets only the merchant's allowed
 * origins (set through the operator API) frame it; redirect URLs are checked; the buyer API gives
 * the page what it shows; its assets are immutable and gzipped.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PaymentPageEndToEndTest {
  private static final String TOKEN = "operator-token-" + UUID.randomUUID();
  private TollgateFixture app;

  @BeforeAll
  void start() throws Exception {
    String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(TOKEN.getBytes(StandardCharsets.UTF_8)));
    app = TollgateFixture.start(Map.of("admin.token-sha256", hash, "http.public-url", "https://pay.example"));
  }

  @AfterAll
  void stop() {
    if (app != null) app.close();
  }

  @Test
  void theCheckoutLinksItsPageWithTheSecretInTheFragmentAndThePageCarriesNoSecret() {
    JsonObject checkout = app.newCheckout("12.50", "USDC");
    String id = checkout.getString("id");
    assertThat(checkout.getString("paymentUrl")).isEqualTo("https://pay.example/pay/" + id + "#" + checkout.getString("clientSecret"));
    assertThat(app.merchantGet("/v1/checkouts/" + id).json().getString("paymentUrl")).isEqualTo(checkout.getString("paymentUrl"));

    TollgateFixture.Response page = app.get("/pay/" + id, null, Map.of());
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("Content-Type")).startsWith("text/html");
    assertThat(page.header("Cache-Control")).isEqualTo("no-store");
    assertThat(page.body()).doesNotContain(checkout.getString("clientSecret")).contains("/web/pay/assets/main-");
    // no allowed origin: nobody may frame it
    assertThat(page.header("Content-Security-Policy")).contains("frame-ancestors 'none'").contains("script-src 'self'")
        .doesNotContain("unsafe-inline");
    assertThat(page.header("X-Frame-Options")).isEqualTo("DENY");

    assertThat(app.get("/pay/" + UUID.randomUUID(), null, Map.of()).status()).isEqualTo(404);
    assertThat(app.get("/pay/not-a-checkout", null, Map.of()).status()).isEqualTo(404);
  }

  @Test
  void theMerchantsAllowedOriginsMayFrameThePageAndNothingElse() {
    TollgateFixture.Response refused = admin("PATCH", "/v1/admin/merchants/" + app.merchantId,
        new JsonObject().put("allowedOrigins", new JsonArray().add("http://shop.example")));
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.errorCode()).isEqualTo("invalid_origin");
    assertThat(refused.json().getJsonObject("error").getString("detail")).contains("https");

    TollgateFixture.Response updated = admin("PATCH", "/v1/admin/merchants/" + app.merchantId,
        new JsonObject().put("allowedOrigins", new JsonArray().add("https://Shop.example:443/").add("http://localhost:3000")));
    assertThat(updated.status()).as(updated.body()).isEqualTo(200);
    assertThat(updated.json().getJsonArray("allowedOrigins")).containsExactly("https://shop.example", "http://localhost:3000");
    try {
      JsonObject checkout = app.newCheckout("5.00", "USDC");
      TollgateFixture.Response page = app.get("/pay/" + checkout.getString("id"), null, Map.of());
      assertThat(page.header("Content-Security-Policy")).endsWith("frame-ancestors https://shop.example http://localhost:3000");
      assertThat(page.header("X-Frame-Options")).isNull();
      assertThat(page.body()).contains("<meta name=\"tollgate-frame-origins\" content=\"https://shop.example http://localhost:3000\">");
    } finally {
      admin("PATCH", "/v1/admin/merchants/" + app.merchantId, new JsonObject().put("allowedOrigins", new JsonArray()));
    }
  }

  @Test
  void redirectUrlsAreHttpsOrLocalhostForTestCheckouts() {
    TollgateFixture.Response created = create(new JsonObject().put("successUrl", "https://shop.example/thanks?order=1")
        .put("cancelUrl", "http://localhost:8000/cart"));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(created.json().getString("successUrl")).isEqualTo("https://shop.example/thanks?order=1");
    assertThat(created.json().getString("cancelUrl")).isEqualTo("http://localhost:8000/cart");

    for (String bad : new String[] {"http://shop.example/thanks", "javascript:alert(1)", "/thanks", "https://shop.example@evil.example/"}) {
      TollgateFixture.Response refused = create(new JsonObject().put("successUrl", bad));
      assertThat(refused.status()).as(bad).isEqualTo(400);
      assertThat(refused.errorCode()).as(bad).isEqualTo("invalid_url");
      assertThat(refused.json().getJsonObject("error").getString("field")).isEqualTo("successUrl");
    }

    // what the page reads with the client secret
    JsonObject checkout = created.json();
    JsonObject options = app.get("/v1/checkouts/" + checkout.getString("id") + "/payment-options", checkout.getString("clientSecret"),
        Map.of()).json();
    JsonObject view = options.getJsonObject("checkout");
    assertThat(view.getString("amount")).isEqualTo("3.00");
    assertThat(view.getString("currency")).isEqualTo("USD");
    assertThat(view.getString("merchantName")).isEqualTo("Test shop");
    assertThat(view.getString("successUrl")).isEqualTo("https://shop.example/thanks?order=1");
    assertThat(options.getJsonArray("paymentOptions")).hasSize(1);
  }

  @Test
  void pageAssetsAreImmutableAndGzipped() {
    String html = app.get("/pay/" + app.newCheckout("1.00", "USDC").getString("id"), null, Map.of()).body();
    Matcher script = Pattern.compile("src=\"(/web/pay/assets/main-[A-Z0-9]+\\.js)\"").matcher(html);
    assertThat(script.find()).isTrue();
    TollgateFixture.Response gz = app.get(script.group(1), null, Map.of("Accept-Encoding", "gzip"));
    assertThat(gz.status()).isEqualTo(200);
    assertThat(gz.header("Cache-Control")).isEqualTo("public, max-age=31536000, immutable");
    assertThat(gz.header("Content-Encoding")).isEqualTo("gzip");
    TollgateFixture.Response plain = app.get(script.group(1), null, Map.of());
    assertThat(plain.header("Content-Type")).isEqualTo("text/javascript; charset=utf-8");
    assertThat(plain.header("Content-Encoding")).isNull();
    assertThat(app.get("/web/pay/assets/main-UNKNOWN.js", null, Map.of()).status()).isEqualTo(404);
  }

  private TollgateFixture.Response create(JsonObject extra) {
    JsonObject body = new JsonObject().put("orderReference", "ORDER-URL").put("amount", "3.00")
        .put("paymentOptions", new JsonArray().add(new JsonObject().put("chainId", TollgateFixture.CHAIN_ID).put("token", "USDC")));
    extra.forEach(e -> body.put(e.getKey(), e.getValue()));
    return app.createCheckout("key-" + UUID.randomUUID(), body);
  }

  private TollgateFixture.Response admin(String method, String path, JsonObject body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(app.base() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.encode()))
        .header("Authorization", "Bearer " + TOKEN);
    if (body != null) b.header("Content-Type", "application/json");
    return app.send(b);
  }
}
