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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Test and live never mix, over HTTP, PostgreSQL and anvil (chain 31337, a test network): the
 * fixture's merchant holds a test key (its only chain is a test network) and gets a live key from
 * the operator API. A live key may not create checkouts on the test network nor read test checkouts;
 * webhook endpoints and events belong to one mode, and a test event reaches test endpoints only.
 * (The other direction, a test key on a live network, is CheckoutServiceTest's.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TestModeEndToEndTest {
  private static final String TOKEN = "operator-" + UUID.randomUUID();
  private TollgateFixture app;
  private String liveKey;

  @BeforeAll
  void start() throws Exception {
    String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(TOKEN.getBytes(StandardCharsets.UTF_8)));
    app = TollgateFixture.start(Map.of("admin.token-sha256", hash));
    TollgateFixture.Response key = send("POST", "/v1/admin/merchants/" + app.merchantId + "/api-keys", TOKEN,
        new JsonObject().put("mode", "live"));
    assertThat(key.status()).as(key.body()).isEqualTo(201);
    liveKey = key.json().getString("key");
    assertThat(app.apiKey).as("the fixture's merchant is on a test network only").startsWith("tg_test_");
  }

  @AfterAll
  void stop() {
    app.close();
  }

  @Test
  void aLiveKeyMayNotCreateCheckoutsOnATestNetwork() {
    TollgateFixture.Response refused = app.createCheckout(liveKey, UUID.randomUUID().toString(),
        new JsonObject().put("orderReference", "o-1").put("amount", "5.00"));
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.errorCode()).isEqualTo("mode_mismatch");
    assertThat(refused.json().getJsonObject("error").getString("detail")).contains("tg_test_");
    TollgateFixture.Response named = app.createCheckout(liveKey, UUID.randomUUID().toString(),
        new JsonObject().put("orderReference", "o-1").put("amount", "5.00").put("paymentOptions",
            new JsonArray().add(new JsonObject().put("chainId", TollgateFixture.CHAIN_ID).put("token", "USDC"))));
    assertThat(named.errorCode()).isEqualTo("mode_mismatch");
    assertThat(named.json().getJsonObject("error").getString("detail")).startsWith("chain 31337 is a test network");
  }

  @Test
  void checkoutsCarryTheirModeAndTheOtherModeCannotReadThem() {
    JsonObject checkout = app.newCheckout("5.00", "USDC");
    assertThat(checkout.getString("mode")).isEqualTo("test");
    TollgateFixture.Response read = send("GET", "/v1/checkouts/" + checkout.getString("id"), liveKey, null);
    assertThat(read.status()).isEqualTo(403);
    assertThat(read.errorCode()).isEqualTo("mode_mismatch");
    assertThat(app.merchantGet("/v1/checkouts/" + checkout.getString("id")).json().getString("mode")).isEqualTo("test");
  }

  @Test
  void listingStatsAndMoneyRoutesStayInTheKeysMode() {
    JsonObject checkout = app.newCheckout("5.00", "USDC");
    String id = checkout.getString("id");
    String query = "/v1/checkouts?limit=1";
    assertThat(ids(app.merchantGet(query))).containsExactly(id);
    JsonObject listed = app.merchantGet(query).json().getJsonArray("data").getJsonObject(0);
    assertThat(listed.getString("mode")).isEqualTo("test");
    assertThat(listed.getString("createdAt")).matches(".*T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
    assertThat(ids(send("GET", query, liveKey, null))).isEmpty();

    JsonObject liveStats = send("GET", "/v1/stats", liveKey, null).json();
    assertThat(liveStats.getString("mode")).isEqualTo("live");
    assertThat(liveStats.getJsonArray("checkouts")).isEmpty();
    assertThat(app.merchantGet("/v1/stats").json().getJsonArray("checkouts")).isNotEmpty();

    TollgateFixture.Response refunds = send("GET", "/v1/checkouts/" + id + "/refunds", liveKey, null);
    assertThat(refunds.status()).isEqualTo(403);
    assertThat(refunds.errorCode()).isEqualTo("mode_mismatch");
    TollgateFixture.Response cancel = keyed("/v1/checkouts/" + id + "/cancel", liveKey, new JsonObject());
    assertThat(cancel.status()).as(cancel.body()).isEqualTo(403);
    assertThat(cancel.errorCode()).isEqualTo("mode_mismatch");
    TollgateFixture.Response canceled = keyed("/v1/checkouts/" + id + "/cancel", app.apiKey, new JsonObject());
    assertThat(canceled.status()).as(canceled.body()).isEqualTo(200);
    assertThat(canceled.json().getString("status")).isEqualTo("canceled");
  }

  @Test
  void endpointsAndEventsBelongToOneModeAndATestEventReachesTestEndpointsOnly() {
    try (WebhookReceiver testShop = new WebhookReceiver(); WebhookReceiver liveShop = new WebhookReceiver()) {
      JsonObject testEndpoint = endpoint(app.apiKey, testShop.url("/hooks"));
      JsonObject liveEndpoint = endpoint(liveKey, liveShop.url("/hooks"));
      assertThat(testEndpoint.getString("mode")).isEqualTo("test");
      assertThat(liveEndpoint.getString("mode")).isEqualTo("live");
      assertThat(ids(send("GET", "/v1/webhook-endpoints", app.apiKey, null))).contains(testEndpoint.getString("id"))
          .doesNotContain(liveEndpoint.getString("id"));
      assertThat(ids(send("GET", "/v1/webhook-endpoints", liveKey, null))).contains(liveEndpoint.getString("id"))
          .doesNotContain(testEndpoint.getString("id"));
      assertThat(send("GET", "/v1/webhook-endpoints/" + testEndpoint.getString("id"), liveKey, null).status()).isEqualTo(404);

      // a test checkout that expires: its event goes to the test endpoint, carrying the mode
      JsonObject checkout = app.createCheckout(UUID.randomUUID().toString(), new JsonObject().put("orderReference", "exp")
          .put("amount", "2.00").put("expiresInSeconds", 1)).json();
      WebhookReceiver.Received expired = testShop.await(r -> checkout.getString("id").equals(r.checkoutId()), 1).get(0);
      assertThat(expired.type()).isEqualTo("checkout.expired");
      assertThat(expired.json().getString("mode")).isEqualTo("test");
      assertThat(expired.json().getJsonObject("data").getJsonObject("checkout").getString("mode")).isEqualTo("test");

      // listings: the test key sees the event, the live key does not (nor can it read or resend it)
      String eventId = expired.header("webhook-id");
      JsonArray testEvents = send("GET", "/v1/webhook-events?checkoutId=" + checkout.getString("id"), app.apiKey, null)
          .json().getJsonArray("data");
      assertThat(testEvents).extracting(o -> ((JsonObject) o).getString("id")).contains(eventId);
      assertThat(testEvents.getJsonObject(0).getString("mode")).isEqualTo("test");
      assertThat(send("GET", "/v1/webhook-events?checkoutId=" + checkout.getString("id"), liveKey, null)
          .json().getJsonArray("data")).isEmpty();
      assertThat(send("GET", "/v1/webhook-events/" + eventId, liveKey, null).status()).isEqualTo(404);
      assertThat(send("POST", "/v1/webhook-events/" + eventId + "/resend", liveKey,
          new JsonObject().put("endpointId", liveEndpoint.getString("id"))).status()).isEqualTo(404);
      // nothing of it reached the live shop (the expiry above was delivered: anything for the live endpoint would have been too)
      assertThat(liveShop.received()).isEmpty();
      assertThat(app.merchantGet("/v1/webhook-events/" + eventId).json().getJsonArray("deliveries"))
          .extracting(o -> ((JsonObject) o).getString("endpointId")).containsExactly(testEndpoint.getString("id"));
    }
  }

  private JsonObject endpoint(String key, String url) {
    TollgateFixture.Response created = send("POST", "/v1/webhook-endpoints", key, new JsonObject().put("url", url)
        .put("eventTypes", new JsonArray().add("checkout.expired")));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json();
  }

  private static java.util.List<String> ids(TollgateFixture.Response listed) {
    return listed.json().getJsonArray("data").stream().map(o -> ((JsonObject) o).getString("id")).toList();
  }

  private TollgateFixture.Response keyed(String path, String key, JsonObject body) {
    return app.send(HttpRequest.newBuilder(URI.create(app.base() + path))
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())).header("Content-Type", "application/json")
        .header("Idempotency-Key", UUID.randomUUID().toString()).header("Authorization", "Bearer " + key));
  }

  private TollgateFixture.Response send(String method, String path, String key, JsonObject body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(app.base() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.encode()));
    if (body != null) b.header("Content-Type", "application/json");
    b.header("Authorization", "Bearer " + key);
    return app.send(b);
  }
}
