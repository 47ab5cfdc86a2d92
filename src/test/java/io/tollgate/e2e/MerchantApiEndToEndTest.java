package io.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Idempotent creation and bad input over HTTP: every refusal is a 4xx with a machine-readable code. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MerchantApiEndToEndTest {
  private TollgateFixture app;

  @BeforeAll
  void start() {
    app = TollgateFixture.start();
  }

  @AfterAll
  void stop() {
    app.close();
  }

  private static JsonObject order(String amount) {
    return new JsonObject().put("orderReference", "ORDER-42").put("amount", amount).put("metadata", new JsonObject().put("cart", "A1"));
  }

  @Test
  void theSameKeyAndBodyReplaysTheStoredResponse() {
    String key = "idem-" + UUID.randomUUID();
    TollgateFixture.Response first = app.createCheckout(key, order("10.00"));
    TollgateFixture.Response retry = app.createCheckout(key, order("10.00"));
    assertThat(first.status()).isEqualTo(201);
    assertThat(retry.status()).isEqualTo(201);
    assertThat(retry.json()).isEqualTo(first.json());
    assertThat(first.json().getString("clientSecret")).startsWith(first.json().getString("id"));
    assertThat(first.json().getJsonArray("paymentOptions")).hasSize(2); // USDC and ETH, all the merchant accepts
  }

  @Test
  void theSameKeyWithAnotherBodyIsRefused() {
    String key = "idem-" + UUID.randomUUID();
    assertThat(app.createCheckout(key, order("10.00")).status()).isEqualTo(201);
    TollgateFixture.Response other = app.createCheckout(key, order("11.00"));
    assertThat(other.status()).isEqualTo(422);
    assertThat(other.errorCode()).isEqualTo("idempotency_key_reused");
  }

  @Test
  void concurrentRequestsWithOneKeyCreateOneCheckout() throws Exception {
    String key = "idem-" + UUID.randomUUID();
    var pool = java.util.concurrent.Executors.newFixedThreadPool(10);
    try {
      var calls = java.util.stream.IntStream.range(0, 10)
          .<java.util.concurrent.Callable<TollgateFixture.Response>>mapToObj(i -> () -> app.createCheckout(key, order("5.00"))).toList();
      var ids = new java.util.HashSet<String>();
      for (var f : pool.invokeAll(calls)) {
        assertThat(f.get().status()).isEqualTo(201);
        ids.add(f.get().json().getString("id"));
      }
      assertThat(ids).hasSize(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aValidationErrorAfterTheKeyWasClaimedIsReplayedToo() {
    String key = "idem-" + UUID.randomUUID();
    JsonObject unknownChain = order("10.00").put("paymentOptions",
        new io.vertx.core.json.JsonArray().add(new JsonObject().put("chainId", 999).put("token", "USDC")));
    TollgateFixture.Response first = app.createCheckout(key, unknownChain);
    assertThat(first.status()).isEqualTo(422);
    assertThat(first.errorCode()).isEqualTo("payment_method_not_available");
    assertThat(app.createCheckout(key, unknownChain).json()).isEqualTo(first.json());
  }

  @Test
  void creationNeedsAValidApiKeyAndAnIdempotencyKey() {
    var noKey = app.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(baseOf() + "/v1/checkouts"))
        .header("Idempotency-Key", "x").header("Authorization", "Bearer tg_wrong").header("Content-Type", "application/json")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(order("1.00").encode())));
    assertThat(noKey.status()).isEqualTo(401);
    assertThat(noKey.errorCode()).isEqualTo("unauthenticated");
    var noIdempotency = app.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(baseOf() + "/v1/checkouts"))
        .header("Authorization", "Bearer " + app.apiKey).header("Content-Type", "application/json")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(order("1.00").encode())));
    assertThat(noIdempotency.status()).isEqualTo(400);
  }

  @Test
  void badInputIsA4xxWithACode() {
    TollgateFixture.Response malformed = app.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(baseOf() + "/v1/checkouts"))
        .header("Authorization", "Bearer " + app.apiKey).header("Idempotency-Key", "bad-json").header("Content-Type", "application/json")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"orderReference\": ")));
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.errorCode()).isIn("malformed_json", "invalid_request");

    TollgateFixture.Response badAmount = app.createCheckout("bad-amount", order("12.5.0"));
    assertThat(badAmount.status()).isEqualTo(400);
    assertThat(badAmount.errorCode()).isEqualTo("invalid_request");

    JsonObject checkout = app.newCheckout("2.00", "USDC");
    String id = checkout.getString("id");
    String secret = checkout.getString("clientSecret");
    TollgateFixture.Response badHex = app.post("/v1/checkouts/" + id + "/payments", secret,
        new JsonObject().put("chainId", 31337).put("token", "USDC").put("txHash", "0x" + "zz".repeat(32)).encode());
    TollgateFixture.Response shortHash = app.post("/v1/checkouts/" + id + "/payments", secret,
        new JsonObject().put("chainId", 31337).put("token", "USDC").put("txHash", "0x1234").encode());
    TollgateFixture.Response notJson = app.post("/v1/checkouts/" + id + "/payments", secret, "not json");
    assertThat(badHex.status()).isEqualTo(400);
    assertThat(shortHash.status()).isEqualTo(400);
    assertThat(notJson.status()).isEqualTo(400);
    assertThat(java.util.List.of(badHex.errorCode(), shortHash.errorCode())).containsOnly("invalid_request");

    TollgateFixture.Response wrongSecret = app.get("/v1/checkouts/" + id + "/status", "nope", Map.of());
    assertThat(wrongSecret.status()).isEqualTo(401);
    assertThat(wrongSecret.errorCode()).isEqualTo("invalid_client_secret");

    UUID unknown = UUID.randomUUID();
    TollgateFixture.Response missing = app.get("/v1/checkouts/" + unknown + "/status", app.clientSecrets.secretFor(unknown), Map.of());
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.errorCode()).isEqualTo("checkout_not_found");

    TollgateFixture.Response notUuid = app.get("/v1/checkouts/not-a-uuid/status", "x", Map.of());
    assertThat(notUuid.status()).isEqualTo(400);

    TollgateFixture.Response otherToken = app.post("/v1/checkouts/" + id + "/payments", secret,
        new JsonObject().put("chainId", 31337).put("token", "ETH").put("txHash", "0x" + "ab".repeat(32)).encode());
    assertThat(otherToken.status()).isEqualTo(422);
    assertThat(otherToken.errorCode()).isEqualTo("payment_method_not_available");
  }

  @Test
  void healthAndOpenApiAreServed() {
    assertThat(app.get("/health/live", null, Map.of()).status()).isEqualTo(200);
    TollgateFixture.Response ready = app.get("/health/ready", null, Map.of());
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.json().getJsonObject("checks").fieldNames()).contains("database", "redis", "chain-31337");
    assertThat(app.get("/openapi.yaml", null, Map.of()).body()).contains("openapi: 3.1.0");
  }

  private String baseOf() {
    return "http://127.0.0.1:" + app.tollgate.httpPort();
  }
}
