package io.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The status poll's fast lane must not be observable: every request, whether the fast lane answers
 * it or leaves it to the router, gets the answer the router alone gives. Two instances on the same
 * database, one with the fast lane and one without ({@code http.status-fast-lane=false}), are asked
 * the same things (good and bad secrets, conditional requests, unknown and malformed ids, query
 * strings, other methods, bodies, origins allowed, listed and not), over HTTP/1.1 and HTTP/2, and
 * must give the same status, headers and body. Rate-limit counters move between the two calls, and
 * each answer has its own X-Request-Id, so those header values are compared for presence only. Once with any origin allowed, once with a list of two.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StatusPollFastLaneEndToEndTest {
  private static final String SHOP = "https://shop.example";
  private static final Map<String, String> LISTED = Map.of("http.cors.allowed-origins", SHOP + ",https://other.example");
  private TollgateFixture app;
  private JsonObject checkout;

  @BeforeAll
  void start() {
    app = TollgateFixture.start();
    checkout = app.newCheckout("4.00", "USDC");
  }

  @AfterAll
  void stop() {
    app.close();
  }

  @Test
  void withAnyOriginTheFastLaneAnswersExactlyAsTheRouter() {
    TollgateFixture.Instance fast = app.firstInstance();
    TollgateFixture.Instance routed = app.startAnother(Map.of("http.status-fast-lane", "false"));
    try {
      assertSameAnswers(fast, routed);
    } finally {
      routed.close();
    }
  }

  @Test
  void withAListOfOriginsTheFastLaneAnswersExactlyAsTheRouter() {
    Map<String, String> routedSettings = new LinkedHashMap<>(LISTED);
    routedSettings.put("http.status-fast-lane", "false");
    TollgateFixture.Instance fast = app.startAnother(LISTED);
    TollgateFixture.Instance routed = app.startAnother(routedSettings);
    try {
      assertSameAnswers(fast, routed);
    } finally {
      fast.close();
      routed.close();
    }
  }

  private void assertSameAnswers(TollgateFixture.Instance fast, TollgateFixture.Instance routed) {
    String id = checkout.getString("id");
    String secret = checkout.getString("clientSecret");
    String path = "/v1/checkouts/" + id + "/status";
    String etag = app.send(get(fast.base(), path).header("X-Client-Secret", secret)).header("ETag");
    UUID unknown = UUID.randomUUID();

    Map<String, Function<String, HttpRequest.Builder>> requests = new LinkedHashMap<>();
    requests.put("ok", base -> get(base, path).header("X-Client-Secret", secret));
    requests.put("ok, upper-case id", base -> get(base, path.replace(id, id.toUpperCase(Locale.ROOT))).header("X-Client-Secret", secret));
    requests.put("ok from the shop", base -> get(base, path).header("X-Client-Secret", secret).header("Origin", SHOP));
    requests.put("ok from another origin", base -> get(base, path).header("X-Client-Secret", secret).header("Origin", "https://evil.example"));
    requests.put("ok from the shop, other case", base -> get(base, path).header("X-Client-Secret", secret).header("Origin", "HTTPS://Shop.Example"));
    requests.put("ok from the shop, default port", base -> get(base, path).header("X-Client-Secret", secret).header("Origin", SHOP + ":443"));
    requests.put("ok from origin null", base -> get(base, path).header("X-Client-Secret", secret).header("Origin", "null"));
    requests.put("ok from a malformed origin", base -> get(base, path).header("X-Client-Secret", secret).header("Origin", "shop.example"));
    requests.put("not modified", base -> get(base, path).header("X-Client-Secret", secret).header("If-None-Match", etag));
    requests.put("not modified, from the shop", base -> get(base, path).header("X-Client-Secret", secret)
        .header("If-None-Match", etag).header("Origin", SHOP));
    requests.put("stale etag", base -> get(base, path).header("X-Client-Secret", secret).header("If-None-Match", "\"0-0-open\""));
    requests.put("secret in the query", base -> get(base, path + "?clientSecret=" + secret));
    requests.put("secret in header and query", base -> get(base, path + "?clientSecret=nope").header("X-Client-Secret", secret));
    requests.put("other query", base -> get(base, path + "?t=1").header("X-Client-Secret", secret));
    requests.put("wrong secret", base -> get(base, path).header("X-Client-Secret", "nope"));
    requests.put("wrong secret from the shop", base -> get(base, path).header("X-Client-Secret", "nope").header("Origin", SHOP));
    requests.put("no secret", base -> get(base, path));
    requests.put("secret too long", base -> get(base, path).header("X-Client-Secret", "x".repeat(201)));
    requests.put("another checkout's secret", base -> get(base, path).header("X-Client-Secret", app.clientSecrets.secretFor(unknown)));
    requests.put("unknown checkout", base -> get(base, "/v1/checkouts/" + unknown + "/status")
        .header("X-Client-Secret", app.clientSecrets.secretFor(unknown)).header("Origin", SHOP));
    requests.put("not a uuid", base -> get(base, "/v1/checkouts/" + id.replace('-', 'x') + "/status").header("X-Client-Secret", secret));
    requests.put("uuid without hyphens", base -> get(base, "/v1/checkouts/" + id.replace("-", "") + "/status").header("X-Client-Secret", secret));
    requests.put("trailing slash", base -> get(base, path + "/").header("X-Client-Secret", secret));
    requests.put("dot segment", base -> get(base, "/v1/checkouts/x/../" + id + "/status").header("X-Client-Secret", secret));
    requests.put("with a body", base -> HttpRequest.newBuilder(URI.create(base + path)).header("X-Client-Secret", secret)
        .method("GET", HttpRequest.BodyPublishers.ofString("{}")));
    requests.put("POST", base -> HttpRequest.newBuilder(URI.create(base + path)).header("X-Client-Secret", secret)
        .POST(HttpRequest.BodyPublishers.noBody()));
    requests.put("HEAD", base -> HttpRequest.newBuilder(URI.create(base + path)).header("X-Client-Secret", secret)
        .method("HEAD", HttpRequest.BodyPublishers.noBody()));
    requests.put("preflight", base -> HttpRequest.newBuilder(URI.create(base + path)).header("Origin", SHOP)
        .header("Access-Control-Request-Method", "GET").method("OPTIONS", HttpRequest.BodyPublishers.noBody()));

    List<String> compared = new ArrayList<>();
    // browsers and wrk speak HTTP/1.1; the JDK client upgrades to cleartext HTTP/2 unless told not to
    for (HttpClient.Version version : HttpClient.Version.values()) {
      requests.forEach((name, request) -> {
        // Vert.x 5.0.10 sends the body of a HEAD answer over HTTP/2 (the router's 404 here), and the JDK
        // client keeps or drops it depending on timing, with or without the fast lane: HEAD over HTTP/1.1 only
        if (name.equals("HEAD") && version == HttpClient.Version.HTTP_2) return;
        Answer viaFastLane = Answer.of(app.send(request.apply(fast.base()).version(version)));
        Answer viaRouter = Answer.of(app.send(request.apply(routed.base()).version(version)));
        assertThat(viaFastLane).as(version + " " + name).isEqualTo(viaRouter);
        compared.add(name + ": " + viaFastLane.status());
      });
    }
    // the matrix covers answers of every kind (a guard against a fixture that answers everything alike)
    assertThat(compared).contains("ok: 200", "not modified: 304", "wrong secret: 401", "unknown checkout: 404",
        "not a uuid: 400", "secret too long: 400");
  }

  private static HttpRequest.Builder get(String base, String path) {
    return HttpRequest.newBuilder(URI.create(base + path)).GET();
  }

  /** What a client can observe of an answer, with the moving rate-limit counters masked. */
  record Answer(int status, Map<String, List<String>> headers, String body) {
    static Answer of(TollgateFixture.Response r) {
      Map<String, List<String>> headers = new TreeMap<>();
      r.headers().forEach((name, values) -> {
        if (name.startsWith(":")) return; // HTTP/2 pseudo-headers: whether the client had upgraded its connection yet
        String lower = name.toLowerCase(Locale.ROOT);
        boolean moving = lower.equals("ratelimit-remaining") || lower.equals("ratelimit-reset");
        // every answer has a request id of its own: both lanes must send one, their values differ
        boolean requestId = lower.equals("x-request-id") && values.size() == 1 && !values.get(0).isBlank();
        headers.put(name, moving ? List.of("<counter>") : requestId ? List.of("<request id>") : values);
      });
      return new Answer(r.status(), headers, r.body());
    }
  }
}
