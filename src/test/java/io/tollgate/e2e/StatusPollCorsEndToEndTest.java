package io.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * CORS on the poll path as a browser on the shop's site sees it: the headers on answers (200, 304
 * and errors), the preflight, and the difference between "any origin" (the default) and a list of
 * origins. The first instance allows any origin; the second allows two shops.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StatusPollCorsEndToEndTest {
  private static final String SHOP = "https://shop.example";
  private TollgateFixture app;
  private TollgateFixture.Instance anyOrigin;
  private TollgateFixture.Instance twoShops;
  private JsonObject checkout;

  @BeforeAll
  void start() {
    app = TollgateFixture.start();
    anyOrigin = app.firstInstance();
    twoShops = app.startAnother(Map.of("http.cors.allowed-origins", SHOP + ",https://other.example"));
    checkout = app.newCheckout("2.00", "USDC");
  }

  @AfterAll
  void stop() {
    app.close();
  }

  @Test
  void anyOriginAnswersEveryPollWithAStarAndTheExposedHeaders() {
    TollgateFixture.Response ok = poll(anyOrigin, secret(), Map.of("Origin", SHOP));
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.header("Access-Control-Allow-Origin")).isEqualTo("*");
    assertThat(exposed(ok)).contains("ETag", "Retry-After", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset");
    assertThat(ok.header("Vary")).isNull(); // one answer for every origin: nothing to vary on

    TollgateFixture.Response notModified = poll(anyOrigin, secret(), Map.of("Origin", SHOP, "If-None-Match", ok.header("ETag")));
    assertThat(notModified.status()).isEqualTo(304);
    assertThat(notModified.header("Access-Control-Allow-Origin")).isEqualTo("*");
    assertThat(exposed(notModified)).contains("ETag");
  }

  @Test
  void errorsCarryTheCorsHeadersSoTheBrowserCanReadTheirCodes() {
    TollgateFixture.Response wrongSecret = poll(anyOrigin, "nope", Map.of("Origin", SHOP));
    assertThat(wrongSecret.status()).isEqualTo(401);
    assertThat(wrongSecret.errorCode()).isEqualTo("invalid_client_secret");
    assertThat(wrongSecret.header("Access-Control-Allow-Origin")).isEqualTo("*");
    assertThat(wrongSecret.header("Cache-Control")).isEqualTo("no-store");

    UUID unknown = UUID.randomUUID();
    TollgateFixture.Response missing = app.send(HttpRequest.newBuilder(URI.create(anyOrigin.base() + "/v1/checkouts/" + unknown + "/status"))
        .header("X-Client-Secret", app.clientSecrets.secretFor(unknown)).header("Origin", SHOP).GET());
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.errorCode()).isEqualTo("checkout_not_found");
    assertThat(missing.header("Access-Control-Allow-Origin")).isEqualTo("*");

    TollgateFixture.Response notUuid = app.send(HttpRequest.newBuilder(URI.create(anyOrigin.base() + "/v1/checkouts/not-a-uuid/status"))
        .header("X-Client-Secret", "x").header("Origin", SHOP).GET());
    assertThat(notUuid.status()).isEqualTo(400);
    assertThat(notUuid.errorCode()).isEqualTo("invalid_request");
    assertThat(notUuid.header("Access-Control-Allow-Origin")).isEqualTo("*");
  }

  @Test
  void thePreflightAllowsTheSecretAndConditionalHeaders() {
    for (TollgateFixture.Instance instance : new TollgateFixture.Instance[] {anyOrigin, twoShops}) {
      TollgateFixture.Response preflight = app.send(HttpRequest.newBuilder(URI.create(instance.base() + path()))
          .header("Origin", SHOP).header("Access-Control-Request-Method", "GET")
          .header("Access-Control-Request-Headers", "x-client-secret,if-none-match")
          .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
      assertThat(preflight.status()).as(instance.base()).isEqualTo(204);
      assertThat(preflight.header("Access-Control-Allow-Origin")).isEqualTo(instance == anyOrigin ? "*" : SHOP);
      assertThat(preflight.header("Access-Control-Allow-Methods")).contains("GET");
      assertThat(preflight.header("Access-Control-Allow-Headers")).contains("X-Client-Secret", "If-None-Match");
      assertThat(preflight.header("Access-Control-Max-Age")).isEqualTo("600");
    }
  }

  @Test
  void aListOfOriginsEchoesTheOriginAndVariesOnIt() {
    TollgateFixture.Response ok = poll(twoShops, secret(), Map.of("Origin", SHOP));
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.header("Access-Control-Allow-Origin")).isEqualTo(SHOP);
    assertThat(ok.header("Vary")).isEqualToIgnoringCase("Origin");
    assertThat(exposed(ok)).contains("ETag");

    TollgateFixture.Response noOrigin = poll(twoShops, secret(), Map.of());
    assertThat(noOrigin.status()).isEqualTo(200);
    assertThat(noOrigin.header("Access-Control-Allow-Origin")).isNull();
    assertThat(noOrigin.header("Vary")).isEqualToIgnoringCase("Origin"); // a cache must not hand this answer to an allowed origin

    TollgateFixture.Response wrongSecret = poll(twoShops, "nope", Map.of("Origin", SHOP));
    assertThat(wrongSecret.status()).isEqualTo(401);
    assertThat(wrongSecret.header("Access-Control-Allow-Origin")).isEqualTo(SHOP);
  }

  @Test
  void anOriginNotOnTheListIsNeverAllowed() {
    TollgateFixture.Response other = poll(twoShops, secret(), Map.of("Origin", "https://evil.example"));
    assertThat(other.status()).isEqualTo(403);
    assertThat(new JsonObject(other.body()).getJsonObject("error").getString("code")).isEqualTo("origin_not_allowed");
    assertThat(other.header("Access-Control-Allow-Origin")).isNull();
    assertThat(other.body()).doesNotContain(checkout.getString("id"));

    TollgateFixture.Response preflight = app.send(HttpRequest.newBuilder(URI.create(twoShops.base() + path()))
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
        .header("Origin", "https://evil.example").header("Access-Control-Request-Method", "GET"));
    assertThat(preflight.status()).isEqualTo(403);
    assertThat(new JsonObject(preflight.body()).getJsonObject("error").getString("code")).isEqualTo("origin_not_allowed");
    assertThat(preflight.header("Access-Control-Allow-Origin")).isNull();
  }

  private TollgateFixture.Response poll(TollgateFixture.Instance instance, String secret, Map<String, String> headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(instance.base() + path())).header("X-Client-Secret", secret).GET();
    headers.forEach(b::header);
    return app.send(b);
  }

  private String path() {
    return "/v1/checkouts/" + checkout.getString("id") + "/status";
  }

  private String secret() {
    return checkout.getString("clientSecret");
  }

  private static java.util.List<String> exposed(TollgateFixture.Response r) {
    String value = r.header("Access-Control-Expose-Headers");
    return value == null ? java.util.List.of() : java.util.Arrays.stream(value.split(",")).map(String::trim).toList();
  }
}
