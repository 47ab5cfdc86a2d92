package io.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.merchant.MerchantAdmin;
import io.tollgate.merchant.PaymentMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Fair webhook delivery (issue 22, item 5): one merchant's tarpit endpoint (accepts the TCP
 * connection, never answers) holds at most its own few places and delays no other merchant's
 * events; a merchant's number of endpoints is capped with a clear 422.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookFairnessEndToEndTest {
  private static final int PER_ENDPOINT = 2;
  private TollgateFixture app;

  @BeforeAll
  void start() {
    app = TollgateFixture.start(Map.of("webhooks.max-in-flight-per-endpoint", Integer.toString(PER_ENDPOINT),
        "webhooks.max-endpoints-per-merchant", "3", "webhooks.delivery-timeout-ms", "15000"));
  }

  @AfterAll
  void stop() {
    app.close();
  }

  @Test
  void aTarpitEndpointDelaysNoOtherMerchantsEventsByMoreThanASecond() throws Exception {
    try (Tarpit tarpit = new Tarpit(); WebhookReceiver receiver = new WebhookReceiver()) {
      String shopB = new MerchantAdmin(app.database.settings()).create("Shop B",
          List.of(new PaymentMethod(TollgateFixture.CHAIN_ID, "USDC", TollgateFixture.RECIPIENT))).apiKey();
      assertThat(post(app.apiKey, "/v1/webhook-endpoints", new JsonObject().put("url", tarpit.url())).status()).isEqualTo(201);
      assertThat(post(shopB, "/v1/webhook-endpoints", new JsonObject().put("url", receiver.url("/b"))).status()).isEqualTo(201);

      // Shop A: a dozen checkouts expire, each event bound for the tarpit.
      for (int i = 0; i < 12; i++) {
        assertThat(app.createCheckout("a-" + i + "-" + System.nanoTime(), expiringCheckout()).status()).isEqualTo(201);
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (tarpit.accepted.get() < PER_ENDPOINT && System.nanoTime() < deadline) TollgateFixture.sleep(20);
      assertThat(tarpit.accepted.get()).as("the tarpit holds attempts").isGreaterThanOrEqualTo(PER_ENDPOINT);

      // Shop B: its checkouts expire while the tarpit holds shop A's attempts.
      for (int i = 0; i < 3; i++) {
        JsonObject checkout = app.createCheckout(shopB, "b-" + i + "-" + System.nanoTime(), expiringCheckout()).json();
        List<WebhookReceiver.Received> arrived = receiver.await(
            r -> checkout.getString("id").equals(r.checkoutId()) && "checkout.expired".equals(r.type()), 1);
        Instant arrivedAt = Instant.now();
        Instant createdAt = eventCreatedAt(shopB, arrived.get(0).json().getString("id"));
        assertThat(Duration.between(createdAt, arrivedAt)).as("shop B's event %d waited", i)
            .isLessThan(Duration.ofSeconds(1));
      }
      assertThat(tarpit.accepted.get()).as("at most %d attempts at once to one endpoint", PER_ENDPOINT)
          .isLessThanOrEqualTo(PER_ENDPOINT);
    }
  }

  @Test
  void aMerchantMayRegisterOnlyAsManyEndpointsAsTheCapAllows() {
    String shopC = new MerchantAdmin(app.database.settings()).create("Shop C",
        List.of(new PaymentMethod(TollgateFixture.CHAIN_ID, "USDC", TollgateFixture.RECIPIENT))).apiKey();
    String first = null;
    for (int i = 0; i < 3; i++) {
      TollgateFixture.Response created = post(shopC, "/v1/webhook-endpoints",
          new JsonObject().put("url", "http://127.0.0.1:9/c" + i));
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      if (first == null) first = created.json().getString("id");
    }
    TollgateFixture.Response refused = post(shopC, "/v1/webhook-endpoints", new JsonObject().put("url", "http://127.0.0.1:9/c3"));
    assertThat(refused.status()).as(refused.body()).isEqualTo(422);
    assertThat(refused.errorCode()).isEqualTo("webhook_endpoint_limit_reached");
    assertThat(refused.json().getJsonObject("error").getString("detail")).contains("at most 3");

    TollgateFixture.Response deleted = app.send(HttpRequest.newBuilder(URI.create(app.base() + "/v1/webhook-endpoints/" + first))
        .header("Authorization", "Bearer " + shopC).DELETE());
    assertThat(deleted.status()).isBetween(200, 204);
    assertThat(post(shopC, "/v1/webhook-endpoints", new JsonObject().put("url", "http://127.0.0.1:9/c4")).status())
        .isEqualTo(201);
  }

  private Instant eventCreatedAt(String merchantKey, String eventId) {
    TollgateFixture.Response event = app.send(HttpRequest.newBuilder(URI.create(app.base() + "/v1/webhook-events/" + eventId))
        .header("Authorization", "Bearer " + merchantKey).GET());
    assertThat(event.status()).as(event.body()).isEqualTo(200);
    return Instant.parse(event.json().getString("createdAt"));
  }

  private TollgateFixture.Response post(String merchantKey, String path, JsonObject body) {
    return app.send(HttpRequest.newBuilder(URI.create(app.base() + path)).header("Authorization", "Bearer " + merchantKey)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.encode())));
  }

  private static JsonObject expiringCheckout() {
    return new JsonObject().put("orderReference", "FAIR").put("amount", "1.00").put("expiresInSeconds", 1)
        .put("paymentOptions", new JsonArray().add(new JsonObject().put("chainId", TollgateFixture.CHAIN_ID).put("token", "USDC")));
  }

  /** Accepts every connection and never reads or answers; counts the connections open at once. */
  private static final class Tarpit implements AutoCloseable {
    final AtomicInteger accepted = new AtomicInteger();
    private final ServerSocket server;
    private final List<Socket> held = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    Tarpit() throws IOException {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      acceptor = new Thread(() -> {
        while (!server.isClosed()) {
          try {
            held.add(server.accept());
            accepted.incrementAndGet();
          } catch (IOException closed) {
            return;
          }
        }
      }, "tarpit");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    String url() {
      return "http://127.0.0.1:" + server.getLocalPort() + "/tarpit";
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Socket s : held) s.close();
    }
  }
}
