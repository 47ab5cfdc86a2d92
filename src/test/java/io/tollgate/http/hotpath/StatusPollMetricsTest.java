package io.tollgate.http.hotpath;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Polls leave Vert.x's per-request HTTP meters and are counted by status code; other requests are measured as before. */
class StatusPollMetricsTest {
  private final MeterRegistry registry = new SimpleMeterRegistry();
  private Vertx vertx;
  private HttpClient client;
  private int port;

  @BeforeEach
  void start() throws Exception {
    MicrometerMetricsOptions options = new MicrometerMetricsOptions().setEnabled(true).setRegistryName("poll-metrics-" + UUID.randomUUID());
    vertx = Vertx.builder().with(new VertxOptions().setMetricsOptions(options))
        .withMetrics(new StatusPollMetrics(new MicrometerMetricsFactory(registry), () -> registry)).build();
    HttpServer server = vertx.createHttpServer()
        .requestHandler(req -> req.response().setStatusCode(req.path().endsWith("/status") ? 200 : 404).end("x"))
        .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    port = server.actualPort();
    client = vertx.createHttpClient();
  }

  @AfterEach
  void stop() {
    vertx.close();
  }

  @Test
  void pollsAreCountedByStatusCodeAndNothingElseIsMissing() throws Exception {
    String poll = "/v1/checkouts/" + UUID.randomUUID() + "/status";
    for (int i = 0; i < 3; i++) send(HttpMethod.GET, poll);
    send(HttpMethod.GET, "/v1/checkouts/" + UUID.randomUUID() + "/payment-options");
    send(HttpMethod.GET, poll + "?clientSecret=x"); // a poll with a query string: measured as any other request
    send(HttpMethod.POST, poll);

    // the server records an answer once written, which may be just after the client has read it
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while ((polls("200") < 3 || httpRequests() < 3) && System.nanoTime() < deadline) Thread.sleep(10);
    Thread.sleep(50);
    assertThat(polls("200")).isEqualTo(3);
    assertThat(httpRequests()).isEqualTo(3); // payment-options, the query string, the POST
    assertThat(registry.find("vertx.http.server.bytes.read").meters()).isNotEmpty(); // connection metrics unchanged
  }

  @Test
  void whatCountsAsAPoll() {
    assertThat(isPoll(HttpMethod.GET, "/v1/checkouts/" + UUID.randomUUID() + "/status")).isTrue();
    assertThat(isPoll(HttpMethod.GET, "/v1/checkouts/" + UUID.randomUUID() + "/status?x=1")).isFalse();
    assertThat(isPoll(HttpMethod.HEAD, "/v1/checkouts/" + UUID.randomUUID() + "/status")).isFalse();
    assertThat(isPoll(HttpMethod.GET, "/v1/checkouts/" + UUID.randomUUID() + "/payment-options")).isFalse();
    assertThat(isPoll(HttpMethod.GET, "/v1/checkouts/x/status")).isFalse();
  }

  private long polls(String code) {
    FunctionCounter counter = registry.find("tollgate.status.polls").tag("code", code).functionCounter();
    return counter == null ? 0 : (long) counter.count();
  }

  private long httpRequests() {
    return (long) registry.find("vertx.http.server.requests").counters().stream().mapToDouble(Counter::count).sum();
  }

  private void send(HttpMethod method, String uri) throws Exception {
    io.tollgate.testing.Async.onLoop(vertx, () -> client.request(new RequestOptions().setMethod(method).setHost("127.0.0.1")
            .setPort(port).setURI(uri)).compose(req -> req.send().compose(resp -> resp.body())))
        .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private static boolean isPoll(HttpMethod method, String uri) {
    return StatusPollMetrics.isStatusPoll(new io.vertx.core.spi.observability.HttpRequest() {
      @Override public int id() { return 1; }
      @Override public String uri() { return uri; }
      @Override public String absoluteURI() { return "http://h" + uri; }
      @Override public HttpMethod method() { return method; }
      @Override public io.vertx.core.MultiMap headers() { return io.vertx.core.MultiMap.caseInsensitiveMultiMap(); }
      @Override public io.vertx.core.net.SocketAddress remoteAddress() { return null; }
    });
  }
}
