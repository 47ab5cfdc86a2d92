package io.tollgate.http.hotpath;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.impl.Origin;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fast lane's CORS answers are the router's: for every configuration and every origin
 * {@link CorsRules#forActualRequest} is certain about, a router with {@link CorsRules#handler()}
 * puts exactly those headers on the answer.
 */
class CorsRulesTest {
  private static final List<List<String>> CONFIGURATIONS = List.of(
      List.of(), List.of("*"), List.of("https://shop.example"), List.of("https://shop.example", "http://localhost:5173"),
      List.of("https://shop.example", "*"));
  private static final List<String> ORIGINS = java.util.Arrays.asList(null, "https://shop.example", "http://localhost:5173",
      "https://other.example", "https://SHOP.example", "https://shop.example:443", "https://shop.example/", "null",
      "shop.example", "ftp://shop.example", "https://", "https://shop.example:", "https://shop.example:123456",
      "https://[::1]:8080", "https://shop_example", "https://shöp.example", "chrome-extension://abcdefghijklmnopabcdefghijklmnop");

  static Vertx vertx;
  static HttpClient client;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    client = vertx.createHttpClient();
  }

  @AfterAll
  static void stop() {
    vertx.close();
  }

  @Test
  void whatTheFastLaneIsCertainOfIsWhatTheRouterAnswers() throws Exception {
    int certain = 0;
    for (List<String> configured : CONFIGURATIONS) {
      CorsRules rules = new CorsRules(configured);
      Router router = Router.router(vertx);
      router.route().handler(rules.handler());
      router.route().handler(ctx -> ctx.response().end("ok"));
      HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
          .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      try {
        for (String origin : ORIGINS) {
          List<CorsRules.Header> fast = rules.forActualRequest(origin);
          if (fast == null) continue; // left to the router, which decides
          certain++;
          Map<String, String> expected = new TreeMap<>();
          fast.forEach(h -> expected.put(h.name().toString().toLowerCase(Locale.ROOT), h.value().toString()));
          assertThat(corsHeaders(server.actualPort(), origin)).as(configured + " from " + origin).isEqualTo(expected);
        }
      } finally {
        server.close();
      }
    }
    assertThat(certain).isGreaterThanOrEqualTo(12); // the fast lane is certain of the usual cases
  }

  @Test
  void certainOfPlainOriginsAndOfListedOnesOnlyAsSpelt() {
    CorsRules any = new CorsRules(List.of());
    assertThat(any.forActualRequest(null)).isEmpty();
    assertThat(any.forActualRequest("https://shop.example:8443")).extracting(h -> h.value().toString())
        .containsExactly("*", String.join(",", CorsRules.EXPOSED_HEADERS));
    assertThat(any.forActualRequest("null")).isNull();

    CorsRules two = new CorsRules(List.of("https://shop.example", "https://other.example"));
    assertThat(two.forActualRequest(null)).extracting(h -> h.name().toString()).containsExactly("vary");
    assertThat(two.forActualRequest("https://shop.example")).extracting(h -> h.value().toString())
        .containsExactly("origin", "https://shop.example", String.join(",", CorsRules.EXPOSED_HEADERS));
    assertThat(two.forActualRequest("https://SHOP.example")).isNull();
    assertThat(two.forActualRequest("https://evil.example")).isNull();

    CorsRules one = new CorsRules(List.of("https://shop.example"));
    assertThat(one.forActualRequest(null)).isEmpty();
    assertThat(one.forActualRequest("https://shop.example")).extracting(h -> h.name().toString())
        .containsExactly("access-control-allow-origin", "access-control-expose-headers");
  }

  @Test
  void aPlainOriginIsAlwaysOneTheHandlerCallsValid() {
    for (String origin : ORIGINS) {
      if (origin != null && CorsRules.isPlainOrigin(origin)) assertThat(Origin.isValid(origin)).as(origin).isTrue();
    }
    assertThat(CorsRules.isPlainOrigin("https://shop.example")).isTrue();
    assertThat(CorsRules.isPlainOrigin("http://127.0.0.1:8080")).isTrue();
    assertThat(CorsRules.isPlainOrigin("https://shop.example/")).isFalse();
    assertThat(CorsRules.isPlainOrigin("https://shop.example:123456")).isFalse();
    assertThat(CorsRules.isPlainOrigin("null")).isFalse();
  }

  private static Map<String, String> corsHeaders(int port, String origin) throws Exception {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port).setURI("/x");
    if (origin != null) options.putHeader("Origin", origin);
    HttpClientResponse response = io.tollgate.testing.Async.onLoop(vertx, () -> client.request(options).compose(req -> req.send()))
        .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(response.statusCode()).isEqualTo(200);
    Map<String, String> cors = new TreeMap<>();
    response.headers().forEach((name, value) -> {
      String lower = name.toLowerCase(Locale.ROOT);
      if (lower.equals("vary") || lower.startsWith("access-control-")) cors.merge(lower, value, (a, b) -> a + "|" + b);
    });
    return cors;
  }
}
