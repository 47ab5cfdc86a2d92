package io.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.List;
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
  void anyPrintableIdempotencyKeyIsAKeyEvenOneThatReadsAsJsonOrAnEscape() {
    // a timestamp key, a negative number, JSON and a %-escape: each a key of its own, used as sent
    long stamp = System.currentTimeMillis();
    for (String key : List.of(stamp + ".5", "-" + stamp, "{\"order\":" + stamp + "}", "k%41" + stamp)) {
      TollgateFixture.Response first = app.createCheckout(key, order("3.00"));
      assertThat(first.status()).as(key + ": " + first.body()).isEqualTo(201);
      assertThat(app.createCheckout(key, order("3.00")).json()).as(key).isEqualTo(first.json());
    }
    // "%41" is not "A": the two keys name different checkouts
    String escaped = "e%41" + stamp;
    String plain = "eA" + stamp;
    assertThat(app.createCheckout(escaped, order("4.00")).json().getString("id"))
        .isNotEqualTo(app.createCheckout(plain, order("4.00")).json().getString("id"));
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
    assertThat(malformed.errorCode()).isEqualTo("malformed_json");

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
    assertThat(shortHash.json().getJsonObject("error").getString("field")).isEqualTo("txHash");
    assertThat(notJson.errorCode()).isEqualTo("malformed_json");

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

  /** The body checks of the two drop writes (validators built once, see HotPathValidation): code and where. */
  @Test
  void bodiesThatBreakTheContractAreRefusedWithTheirCodeAndWhere() {
    TollgateFixture.Response extra = app.createCheckout("extra-" + UUID.randomUUID(), order("1.00").put("tip", "0.50"));
    assertThat(extra.status()).isEqualTo(400);
    assertThat(extra.errorCode()).isEqualTo("invalid_request");
    assertThat(extra.json().getJsonObject("error").getString("detail"))
        .isEqualTo("tip is not a field of this request (check its spelling; field names are camelCase)");
    JsonObject noAmount = order("1.00");
    noAmount.remove("amount");
    TollgateFixture.Response missing = app.createCheckout("missing-" + UUID.randomUUID(), noAmount);
    assertThat(missing.errorCode()).isEqualTo("invalid_request");
    assertThat(missing.json().getJsonObject("error").getString("detail")).isEqualTo("amount is required");
    TollgateFixture.Response wrongType = app.createCheckout("type-" + UUID.randomUUID(), order("1.00").put("amount", 1));
    assertThat(wrongType.errorCode()).isEqualTo("invalid_request");
    assertThat(wrongType.json().getJsonObject("error").getString("field")).isEqualTo("amount");

    TollgateFixture.Response textPlain = app.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(baseOf() + "/v1/checkouts"))
        .header("Authorization", "Bearer " + app.apiKey).header("Idempotency-Key", "text-" + UUID.randomUUID())
        .header("Content-Type", "text/plain").POST(java.net.http.HttpRequest.BodyPublishers.ofString(order("1.00").encode())));
    assertThat(textPlain.status()).isEqualTo(400);
    assertThat(textPlain.json().getJsonObject("error").getString("detail")).isEqualTo("the body must be JSON, sent with Content-Type: application/json");
    TollgateFixture.Response empty = app.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(baseOf() + "/v1/checkouts"))
        .header("Authorization", "Bearer " + app.apiKey).header("Idempotency-Key", "empty-" + UUID.randomUUID())
        .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.noBody()));
    assertThat(empty.status()).isEqualTo(400);
    assertThat(empty.json().getJsonObject("error").getString("detail")).isEqualTo("a JSON body is required");
    TollgateFixture.Response huge = app.createCheckout("huge-" + UUID.randomUUID(),
        order("1.00").put("metadata", new JsonObject().put("note", "x".repeat(70_000))));
    assertThat(huge.status()).isEqualTo(413);
    assertThat(huge.errorCode()).isEqualTo("payload_too_large");

    JsonObject checkout = app.newCheckout("2.00", "USDC");
    String path = "/v1/checkouts/" + checkout.getString("id") + "/payments";
    TollgateFixture.Response array = app.post(path, checkout.getString("clientSecret"), "[]");
    assertThat(array.status()).isEqualTo(400);
    assertThat(array.errorCode()).isEqualTo("invalid_request");
    assertThat(array.json().getJsonObject("error").getString("detail")).isEqualTo("body must be a JSON object");
    TollgateFixture.Response stringChain = app.post(path, checkout.getString("clientSecret"),
        new JsonObject().put("chainId", "31337").put("token", "USDC").put("txHash", "0x" + "ab".repeat(32)).encode());
    assertThat(stringChain.errorCode()).isEqualTo("invalid_request");
    assertThat(stringChain.json().getJsonObject("error").getString("field")).isEqualTo("chainId");
    TollgateFixture.Response noHash = app.post(path, checkout.getString("clientSecret"),
        new JsonObject().put("chainId", 31337).put("token", "USDC").encode());
    assertThat(noHash.json().getJsonObject("error").getString("detail")).isEqualTo("txHash is required");
    assertThat(app.status(checkout).json().getString("status")).isEqualTo("open"); // none of it reached the service
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
