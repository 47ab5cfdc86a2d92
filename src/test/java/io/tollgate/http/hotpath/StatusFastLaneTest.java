package io.tollgate.http.hotpath;

import io.tollgate.http.HttpVerticle;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.chain.ChainConfig;
import io.tollgate.chain.ChainRegistry;
import io.tollgate.checkout.ChainHeads;
import io.tollgate.checkout.CheckoutStatus;
import io.tollgate.checkout.ClientSecrets;
import io.tollgate.checkout.StatusCache;
import io.tollgate.checkout.StatusView;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Which requests the fast lane answers itself and which it leaves to the router (here a stand-in
 * answering 299 "routed"). That it answers like the router is StatusPollFastLaneEndToEndTest's job.
 */
class StatusFastLaneTest {
  static Vertx vertx;
  static OpenAPIContract contract;
  static final ClientSecrets SECRETS = new ClientSecrets(filled(3));
  static final UUID ID = UUID.randomUUID();
  static final String SECRET = SECRETS.secretFor(ID);
  static final String PATH = "/v1/checkouts/" + ID + "/status";
  static final HttpClient http = HttpClient.newHttpClient();
  static String anyOrigin;
  static String twoShops;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    contract = io.tollgate.http.ApiContract.load(vertx).toCompletionStage().toCompletableFuture().get();
    StatusCache cache = new StatusCache(null); // every poll here hits the cache: no database
    cache.apply(new CheckoutStatus(ID, 3, "open", null, Instant.parse("2030-01-01T00:00:00Z").toEpochMilli(), null, null));
    anyOrigin = serve(cache, List.of());
    twoShops = serve(cache, List.of("https://shop.example", "https://other.example"));
  }

  @AfterAll
  static void stop() {
    vertx.close();
  }

  @Test
  void answersAPlainPollItself() throws Exception {
    HttpResponse<String> r = send(get(anyOrigin, PATH).header("X-Client-Secret", SECRET));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(r.body()).getString("status")).isEqualTo("open");
    assertThat(r.headers().firstValue("ETag")).hasValue("\"3-0-open\"");
    assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-cache");

    HttpResponse<String> again = send(get(anyOrigin, PATH).header("X-Client-Secret", SECRET).header("If-None-Match", "\"3-0-open\""));
    assertThat(again.statusCode()).isEqualTo(304);
    HttpResponse<String> upperCase = send(get(anyOrigin, PATH.toUpperCase().replace("/V1/CHECKOUTS/", "/v1/checkouts/")
        .replace("/STATUS", "/status")).header("X-Client-Secret", SECRET));
    assertThat(upperCase.statusCode()).isEqualTo(200);
  }

  @Test
  void answersFailuresItselfWithTheErrorBody() throws Exception {
    HttpResponse<String> wrong = send(get(anyOrigin, PATH).header("X-Client-Secret", "nope"));
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(new JsonObject(wrong.body()).getJsonObject("error").getString("code")).isEqualTo("invalid_client_secret");
    assertThat(send(get(anyOrigin, PATH)).statusCode()).isEqualTo(401); // no secret at all
  }

  @Test
  void putsTheCorsHeadersOnWhatItAnswers() throws Exception {
    HttpResponse<String> any = send(get(anyOrigin, PATH).header("X-Client-Secret", SECRET).header("Origin", "https://shop.example"));
    assertThat(any.statusCode()).isEqualTo(200);
    assertThat(any.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
    HttpResponse<String> listed = send(get(twoShops, PATH).header("X-Client-Secret", "nope").header("Origin", "https://shop.example"));
    assertThat(listed.statusCode()).isEqualTo(401);
    assertThat(listed.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://shop.example");
    assertThat(listed.headers().firstValue("Vary")).hasValue("origin");
    assertThat(send(get(twoShops, PATH).header("X-Client-Secret", SECRET)).headers().firstValue("Vary")).hasValue("origin");
  }

  @Test
  void leavesEverythingElseToTheRouter() throws Exception {
    Map<String, HttpRequest.Builder> others = Map.ofEntries(
        Map.entry("query string", get(anyOrigin, PATH + "?clientSecret=" + SECRET)),
        Map.entry("empty query string", get(anyOrigin, PATH + "?").header("X-Client-Secret", SECRET)),
        Map.entry("not a uuid", get(anyOrigin, PATH.replace(ID.toString(), "x".repeat(36))).header("X-Client-Secret", SECRET)),
        Map.entry("another path", get(anyOrigin, "/v1/checkouts/" + ID + "/payment-options").header("X-Client-Secret", SECRET)),
        Map.entry("trailing slash", get(anyOrigin, PATH + "/").header("X-Client-Secret", SECRET)),
        Map.entry("secret too long", get(anyOrigin, PATH).header("X-Client-Secret", "x".repeat(201))),
        Map.entry("POST", HttpRequest.newBuilder(URI.create(anyOrigin + PATH)).POST(HttpRequest.BodyPublishers.noBody())),
        Map.entry("HEAD", HttpRequest.newBuilder(URI.create(anyOrigin + PATH)).method("HEAD", HttpRequest.BodyPublishers.noBody())),
        Map.entry("preflight", HttpRequest.newBuilder(URI.create(anyOrigin + PATH)).header("Origin", "https://shop.example")
            .header("Access-Control-Request-Method", "GET").method("OPTIONS", HttpRequest.BodyPublishers.noBody())),
        Map.entry("GET with a body", HttpRequest.newBuilder(URI.create(anyOrigin + PATH)).header("X-Client-Secret", SECRET)
            .method("GET", HttpRequest.BodyPublishers.ofString("{}"))),
        Map.entry("origin null", get(anyOrigin, PATH).header("X-Client-Secret", SECRET).header("Origin", "null")),
        Map.entry("origin not listed", get(twoShops, PATH).header("X-Client-Secret", SECRET).header("Origin", "https://evil.example")),
        Map.entry("listed origin, other case", get(twoShops, PATH).header("X-Client-Secret", SECRET).header("Origin", "https://Shop.example")));
    for (Map.Entry<String, HttpRequest.Builder> other : others.entrySet()) {
      HttpResponse<String> r = send(other.getValue());
      assertThat(r.statusCode()).as(other.getKey()).isEqualTo(299);
    }
  }

  @Test
  void onlyAPathWithOneParameterSegmentIsATemplate() {
    StatusFastLane.PathTemplate t = StatusFastLane.PathTemplate.parse("/v1/checkouts/{checkoutId}/status");
    assertThat(t).isEqualTo(new StatusFastLane.PathTemplate("/v1/checkouts/", "checkoutId", "/status"));
    assertThatThrownBy(() -> StatusFastLane.PathTemplate.parse("/v1/checkouts")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> StatusFastLane.PathTemplate.parse("/v1/{a}/{b}")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> StatusFastLane.PathTemplate.parse("/v1/x{a}")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> StatusFastLane.forOperation(contract, "submitPayment", null, null, null, null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static String serve(StatusCache cache, List<String> origins) throws Exception {
    BuyerLimits off = new BuyerLimits(60, Duration.ofMinutes(1), 120, Duration.ofMinutes(5), false);
    BuyerAccess access = new BuyerAccess(SECRETS, cache, buckets -> Future.failedFuture("no limits here"), off, request -> "192.0.2.1");
    StatusView view = new StatusView(new ChainRegistry(List.of(
        new ChainConfig(8453, "base", List.of("http://x"), 3, Duration.ofSeconds(1), Map.of()))), new ChainHeads());
    StatusPoll poll = new StatusPoll(access, cache, view, Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));
    StatusFastLane lane = StatusFastLane.forOperation(contract, "getCheckoutStatus",
        HotPathValidation.forOperation(contract, "getCheckoutStatus"), new CorsRules(origins), poll,
        request -> request.response().setStatusCode(299).end("routed"));
    HttpServer server = vertx.createHttpServer().requestHandler(lane).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    return "http://127.0.0.1:" + server.actualPort();
  }

  private static HttpRequest.Builder get(String base, String path) {
    return HttpRequest.newBuilder(URI.create(base + path)).GET();
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static byte[] filled(int value) {
    byte[] bytes = new byte[32];
    Arrays.fill(bytes, (byte) value);
    return bytes;
  }
}
