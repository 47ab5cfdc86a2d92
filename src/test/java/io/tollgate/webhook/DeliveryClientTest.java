package io.tollgate.webhook;

import static io.tollgate.testing.Async.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.webhook.DeliveryResult.Outcome;
import io.tollgate.webhook.EndpointUrlPolicy.Options;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Deliveries to a real HTTP receiver on 127.0.0.1 that records and checks what arrives. */
@ExtendWith(VertxExtension.class)
class DeliveryClientTest {

  /** What the receiver saw: headers, raw body, the Host it was addressed as. */
  record Received(String path, MultiMap headers, byte[] body) {}

  final List<Received> received = new CopyOnWriteArrayList<>();
  final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
  final WebhookSecret secret = WebhookSecret.generate(new SecureRandom());
  Vertx vertx;
  HttpServer server;
  int port;
  DeliveryClient client;

  @BeforeEach
  void startReceiver(Vertx vertx) {
    this.vertx = vertx;
    server = await(vertx.createHttpServer().requestHandler(this::receive).listen(0, "127.0.0.1"));
    port = server.actualPort();
    client = newClient(Options.development(), DeliveryClient.Options.defaults());
  }

  @AfterEach
  void stop() {
    await(client.close());
    await(server.close());
  }

  DeliveryClient newClient(Options policyOptions, DeliveryClient.Options options) {
    // shop.test does not exist in DNS: reaching the receiver proves we connect to the pinned address.
    EndpointUrlPolicy policy = new EndpointUrlPolicy(
        EndpointUrlPolicyTest.pinned(Map.of("shop.test", List.of("127.0.0.1"))), policyOptions);
    return new DeliveryClient(vertx, policy, Clock.systemUTC(), options);
  }

  void receive(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      String path = request.path();
      received.add(new Received(path, MultiMap.caseInsensitiveMultiMap().addAll(request.headers()), body.getBytes()));
      int hit = hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
      var response = request.response();
      switch (path) {
        case "/ok" -> response.setStatusCode(204).end();
        case "/flaky" -> {
          if (hit == 1) {
            response.setStatusCode(500).end("boom");
          } else {
            response.setStatusCode(200).end("ok");
          }
        }
        case "/busy" -> response.setStatusCode(429).putHeader("Retry-After", "120").end("slow down");
        case "/bad-gateway" -> response.setStatusCode(502)
            .putHeader("Retry-After", DateTimeFormatter.RFC_1123_DATE_TIME.format(
                Instant.now().plusSeconds(3600).atZone(ZoneOffset.UTC)))
            .end();
        case "/gone" -> response.setStatusCode(410).end("endpoint deleted");
        case "/redirect-302" -> response.setStatusCode(302).putHeader("Location", "/ok").end();
        case "/redirect-303" -> response.setStatusCode(303).putHeader("Location", "/ok").end();
        case "/redirect-307" -> response.setStatusCode(307).putHeader("Location", "/ok").end();
        case "/slow" -> { } // never answers
        case "/big" -> response.setStatusCode(500).end("x".repeat(100_000));
        default -> response.setStatusCode(404).end();
      }
    });
  }

  DeliveryRequest request(String path, String body, List<WebhookSecret> secrets) {
    return new DeliveryRequest("http://shop.test:" + port + path, "evt_01HZZTESTEVENT0000000001",
        body.getBytes(StandardCharsets.UTF_8), secrets);
  }

  @Test
  void deliversASignedEventThatTheReceiverCanVerify() {
    WebhookEvent event = WebhookEvent.create(WebhookEventType.CHECKOUT_PAID, "live",
        new JsonObject().put("checkoutId", "co_123").put("amount", "42.00"), Clock.systemUTC());
    DeliveryResult result = await(client.deliver(new DeliveryRequest("http://shop.test:" + port + "/ok",
        event.id(), event.body().getBytes(StandardCharsets.UTF_8), List.of(secret))));

    assertThat(result.outcome()).isEqualTo(Outcome.SUCCESS);
    assertThat(result.statusCode()).isEqualTo(204);
    assertThat(result.error()).isNull();
    assertThat(result.latency()).isPositive();
    assertThat(received).hasSize(1);
    Received got = received.get(0);
    assertThat(got.headers().get("Host")).isEqualTo("shop.test:" + port);
    assertThat(got.headers().get("Content-Type")).isEqualTo("application/json");
    assertThat(got.headers().get("webhook-id")).isEqualTo(event.id());
    assertThat(new String(got.body(), StandardCharsets.UTF_8)).isEqualTo(event.body());
    JsonObject body = new JsonObject(new String(got.body(), StandardCharsets.UTF_8));
    assertThat(body.fieldNames()).containsExactly("id", "type", "mode", "createdAt", "data");
    assertThat(body.getString("type")).isEqualTo("checkout.paid");
    StandardWebhookHeaders verified = new StandardWebhookVerifier(Clock.systemUTC())
        .verify(got.headers(), got.body(), List.of(secret));
    assertThat(verified.id()).isEqualTo(event.id());
  }

  @Test
  void signsWithEveryActiveSecretDuringRotation() {
    WebhookSecret next = WebhookSecret.generate(new SecureRandom());
    await(client.deliver(request("/ok", "{}", List.of(secret, next))));
    Received got = received.get(0);
    assertThat(got.headers().get("webhook-signature").split(" ")).hasSize(2);
    StandardWebhookVerifier verifier = new StandardWebhookVerifier(Clock.systemUTC());
    verifier.verify(got.headers(), got.body(), List.of(secret));
    verifier.verify(got.headers(), got.body(), List.of(next));
  }

  @Test
  void aFlakyReceiverIsRetriedWithTheSameEventId() {
    DeliveryResult first = await(client.deliver(request("/flaky", "{\"n\":1}", List.of(secret))));
    assertThat(first.outcome()).isEqualTo(Outcome.RETRY);
    assertThat(first.statusCode()).isEqualTo(500);
    assertThat(first.responseBody()).isEqualTo("boom");
    assertThat(first.error()).contains("500");

    DeliveryResult second = await(client.deliver(request("/flaky", "{\"n\":1}", List.of(secret))));
    assertThat(second.outcome()).isEqualTo(Outcome.SUCCESS);
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(received).extracting(r -> r.headers().get("webhook-id")).containsOnly("evt_01HZZTESTEVENT0000000001");
  }

  @Test
  void slowDownAnswersCarryTheirRetryAfter() {
    DeliveryResult busy = await(client.deliver(request("/busy", "{}", List.of(secret))));
    assertThat(busy.outcome()).isEqualTo(Outcome.RETRY);
    assertThat(busy.statusCode()).isEqualTo(429);
    assertThat(busy.retryAfter()).isEqualTo(Duration.ofSeconds(120));
    assertThat(RetrySchedule.standard().nextAttemptAt(1, busy.attemptedAt(), java.util.Optional.of(busy.retryAfter())))
        .contains(busy.attemptedAt().plusSeconds(120));

    DeliveryResult badGateway = await(client.deliver(request("/bad-gateway", "{}", List.of(secret))));
    assertThat(badGateway.statusCode()).isEqualTo(502);
    assertThat(badGateway.retryAfter()).isBetween(Duration.ofMinutes(55), Duration.ofMinutes(61));
  }

  @Test
  void goneMeansDisableTheEndpoint() {
    DeliveryResult gone = await(client.deliver(request("/gone", "{}", List.of(secret))));
    assertThat(gone.outcome()).isEqualTo(Outcome.GONE);
    assertThat(gone.statusCode()).isEqualTo(410);
    assertThat(gone.responseBody()).isEqualTo("endpoint deleted");
  }

  @ParameterizedTest
  @ValueSource(ints = {302, 303, 307})
  void redirectsAreFailuresAndAreNotFollowed(int status) {
    DeliveryResult redirected = await(client.deliver(request("/redirect-" + status, "{}", List.of(secret))));
    assertThat(redirected.outcome()).isEqualTo(Outcome.RETRY);
    assertThat(redirected.statusCode()).isEqualTo(status);
    assertThat(redirected.error()).contains("redirect");
    assertThat(hits.get("/ok")).isNull();
    assertThat(received).hasSize(1);
  }

  @Test
  void aReceiverThatNeverAnswersTimesOut() {
    DeliveryClient impatient = newClient(Options.development(),
        DeliveryClient.Options.defaults().withTimeout(Duration.ofMillis(300)));
    try {
      DeliveryResult result = await(impatient.deliver(request("/slow", "{}", List.of(secret))));
      assertThat(result.outcome()).isEqualTo(Outcome.RETRY);
      assertThat(result.statusCode()).isNull();
      assertThat(result.error()).contains("timeout");
      assertThat(hits.get("/slow")).hasValue(1);
    } finally {
      await(impatient.close());
    }
  }

  @Test
  void keepsOnlyTheStartOfALargeResponseBody() {
    DeliveryResult result = await(client.deliver(request("/big", "{}", List.of(secret))));
    assertThat(result.statusCode()).isEqualTo(500);
    assertThat(result.responseBody()).hasSize(1024);
  }

  @Test
  void privateTargetsAreRefusedUnlessConfiguredAndNothingIsSent() {
    DeliveryClient strict = newClient(new Options(true, false), DeliveryClient.Options.defaults());
    try {
      for (String url : List.of("http://127.0.0.1:" + port + "/ok", "http://shop.test:" + port + "/ok",
          "http://[::ffff:127.0.0.1]:" + port + "/ok")) {
        DeliveryResult result = await(strict.deliver(new DeliveryRequest(url, "evt_1", new byte[0], List.of(secret))));
        assertThat(result.outcome()).as(url).isEqualTo(Outcome.RETRY);
        assertThat(result.statusCode()).isNull();
        assertThat(result.error()).contains("url_refused").contains("forbidden_address");
      }
      assertThat(received).isEmpty();
    } finally {
      await(strict.close());
    }
  }

  @Test
  void connectionFailuresAreRetries() {
    int closedPort = port;
    await(server.close());
    DeliveryResult result = await(client.deliver(new DeliveryRequest(
        "http://127.0.0.1:" + closedPort + "/ok", "evt_1", new byte[0], List.of(secret))));
    assertThat(result.outcome()).isEqualTo(Outcome.RETRY);
    assertThat(result.statusCode()).isNull();
    assertThat(result.error()).isNotBlank();
    server = await(vertx.createHttpServer().requestHandler(this::receive).listen(0, "127.0.0.1"));
  }
}
