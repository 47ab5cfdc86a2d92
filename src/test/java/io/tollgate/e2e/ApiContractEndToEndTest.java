package io.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The contract as a shop developer meets it: validation errors that name the field and say what is
 * wrong (keeping the machine-readable code), authentication before validation, 405 with Allow, and
 * one naming convention with millisecond timestamps.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiContractEndToEndTest {
  private TollgateFixture app;

  @BeforeAll
  void start() {
    app = TollgateFixture.start();
  }

  @AfterAll
  void stop() {
    app.close();
  }

  @Test
  void aNumberAmountIsExplainedAsADecimalString() {
    TollgateFixture.Response r = create(app.apiKey, new JsonObject().put("orderReference", "o-1").put("amount", 12.5));
    assertError(r, 400, "invalid_request", "amount", "amount must be a decimal string like \"12.50\"");
  }

  @Test
  void aMalformedAmountStringIsExplainedTheSameWay() {
    TollgateFixture.Response r = create(app.apiKey, new JsonObject().put("orderReference", "o-1").put("amount", "12,50"));
    assertError(r, 400, "invalid_request", "amount", "amount must be a decimal string like \"12.50\"");
  }

  @Test
  void anUnacceptedCurrencyIsNamed() {
    TollgateFixture.Response r = create(app.apiKey, new JsonObject().put("orderReference", "o-1").put("amount", "12.50")
        .put("currency", "GBP"));
    assertError(r, 422, "unsupported_currency", "currency", "currency GBP is not accepted here (accepted: USD, EUR)");
  }

  @Test
  void aShortTransactionHashSaysWhatAHashIs() {
    JsonObject checkout = app.newCheckout("3.00", "USDC");
    TollgateFixture.Response r = app.post("/v1/checkouts/" + checkout.getString("id") + "/payments",
        checkout.getString("clientSecret"), new JsonObject().put("chainId", TollgateFixture.CHAIN_ID).put("token", "USDC")
            .put("txHash", "0xabc").encode());
    assertError(r, 400, "invalid_request", "txHash", "txHash must be a transaction hash: 0x followed by 64 hex digits (got 5 characters)");
  }

  @Test
  void missingAndUnknownFieldsAreNamed() {
    assertError(create(app.apiKey, new JsonObject().put("orderReference", "o-1")), 400, "invalid_request", "amount",
        "amount is required");
    assertError(create(app.apiKey, new JsonObject().put("orderReference", "o-1").put("amount", "1.00").put("ammount", "1")),
        400, "invalid_request", "ammount", "ammount is not a field of this request");
    TollgateFixture.Response nested = create(app.apiKey, new JsonObject().put("orderReference", "o-1").put("amount", "1.00")
        .put("paymentOptions", new JsonArray().add(new JsonObject().put("chainId", "base").put("token", "USDC"))));
    assertError(nested, 400, "invalid_request", "paymentOptions[0].chainId", "paymentOptions[0].chainId must be a chain id");
  }

  @Test
  void aBadKeyWithABadBodyIsUnauthenticatedNotInvalid() {
    TollgateFixture.Response r = create("tg_live_" + "x".repeat(43), new JsonObject().put("amount", 12.5));
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.errorCode()).isEqualTo("unauthenticated");
    TollgateFixture.Response noKey = app.send(HttpRequest.newBuilder(URI.create(app.base() + "/v1/webhook-endpoints"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"url\": 5}")));
    assertThat(noKey.status()).isEqualTo(401);
    // the buyer's routes too: a wrong client secret with a bad body
    JsonObject checkout = app.newCheckout("3.00", "USDC");
    TollgateFixture.Response buyer = app.post("/v1/checkouts/" + checkout.getString("id") + "/payments", "cs_wrong",
        "{\"txHash\": 1}");
    assertThat(buyer.status()).isEqualTo(401);
    assertThat(buyer.errorCode()).isEqualTo("invalid_client_secret");
    TollgateFixture.Response gasless = app.post("/v1/checkouts/" + checkout.getString("id") + "/authorizations", "cs_wrong",
        "{\"signature\": 1}");
    assertThat(gasless.status()).isEqualTo(401);
    assertThat(gasless.errorCode()).isEqualTo("invalid_client_secret");
    // the money routes (issue 18): a bad key with a bad body on a refund and a recovery
    for (String path : List.of("/refunds", "/recover", "/cancel", "/accept-late")) {
      TollgateFixture.Response money = app.send(HttpRequest.newBuilder(URI.create(app.base() + "/v1/checkouts/"
              + checkout.getString("id") + path))
          .header("Authorization", "Bearer tg_test_" + "x".repeat(43)).header("Idempotency-Key", "k-1")
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"amount\": 5, \"chainId\": \"x\"}")));
      assertThat(money.status()).as(path + ": " + money.body()).isEqualTo(401);
      assertThat(money.errorCode()).isEqualTo("unauthenticated");
    }
  }

  @Test
  void aBadKeyWithABadQueryIsUnauthenticatedNotInvalid() {
    String badKey = "Bearer tg_test_" + "x".repeat(43);
    String checkoutId = app.newCheckout("3.00", "USDC").getString("id");
    for (String path : List.of("/v1/checkouts?limit=abc", "/v1/webhook-events?limit=0", "/v1/checkouts/not-a-uuid",
        "/v1/checkouts/" + checkoutId + "/refunds/not-a-uuid", "/v1/checkouts/not-a-uuid/audit",
        "/v1/stats/live?minutes=abc", "/x402/settlements/not-a-uuid")) {
      TollgateFixture.Response r = app.send(HttpRequest.newBuilder(URI.create(app.base() + path)).header("Authorization", badKey).GET());
      assertThat(r.status()).as(path + ": " + r.body()).isEqualTo(401);
    }
    // the operator's routes: the operator credential first (this fixture has no operator token: 403, still not a 400)
    TollgateFixture.Response admin = app.send(HttpRequest.newBuilder(URI.create(app.base() + "/v1/admin/merchants?limit=abc"))
        .header("Authorization", badKey).GET());
    assertThat(admin.status()).as(admin.body()).isIn(401, 403);
    TollgateFixture.Response delete = app.send(HttpRequest.newBuilder(URI.create(app.base() + "/v1/webhook-endpoints/not-a-uuid"))
        .header("Authorization", badKey).DELETE());
    assertThat(delete.status()).as(delete.body()).isEqualTo(401);
    // with a good key the same query is still refused, naming the parameter
    TollgateFixture.Response invalid = app.send(HttpRequest.newBuilder(URI.create(app.base() + "/v1/checkouts?limit=abc"))
        .header("Authorization", "Bearer " + app.apiKey).GET());
    assertThat(invalid.status()).as(invalid.body()).isEqualTo(400);
    assertThat(invalid.body()).contains("limit");
  }

  @Test
  void aWrongMethodIs405WithAllow() {
    JsonObject checkout = app.newCheckout("3.00", "USDC");
    TollgateFixture.Response r = app.send(HttpRequest.newBuilder(URI.create(app.base() + "/v1/checkouts/" + checkout.getString("id")))
        .header("Authorization", "Bearer " + app.apiKey).DELETE());
    assertThat(r.status()).isEqualTo(405);
    assertThat(r.errorCode()).isEqualTo("method_not_allowed");
    assertThat(r.header("Allow")).isEqualTo("GET");
    TollgateFixture.Response collection = app.send(HttpRequest.newBuilder(URI.create(app.base() + "/v1/checkouts")).PUT(
        HttpRequest.BodyPublishers.noBody()));
    assertThat(collection.status()).isEqualTo(405);
    assertThat(collection.header("Allow")).isEqualTo("GET, POST");
    TollgateFixture.Response refunds = app.send(HttpRequest.newBuilder(URI.create(app.base() + "/v1/checkouts/"
        + checkout.getString("id") + "/refunds")).DELETE());
    assertThat(refunds.status()).isEqualTo(405);
    assertThat(refunds.header("Allow")).isEqualTo("GET, POST");
    TollgateFixture.Response endpoints = app.send(HttpRequest.newBuilder(URI.create(app.base() + "/v1/webhook-endpoints")).PUT(
        HttpRequest.BodyPublishers.noBody()));
    assertThat(endpoints.header("Allow")).isEqualTo("GET, POST");
    assertThat(app.send(HttpRequest.newBuilder(URI.create(app.base() + "/v1/nothing-here")).GET()).status()).isEqualTo(404);
  }

  /** The routes added after the contract was made one (x402, the hosted page, the console, live status, web assets). */
  @Test
  void theNewerRoutesAnswerAWrongMethodWith405AndAllowToo() {
    JsonObject checkout = app.newCheckout("3.00", "USDC");
    String id = checkout.getString("id");
    assertMethodNotAllowed("POST", "/pay/" + id, "GET");
    assertMethodNotAllowed("DELETE", "/console", "GET");
    assertMethodNotAllowed("GET", "/x402/verify", "POST");
    assertMethodNotAllowed("PUT", "/x402/settle", "POST");
    assertMethodNotAllowed("DELETE", "/x402/settlements/" + UUID.randomUUID(), "GET");
    assertMethodNotAllowed("POST", "/x402/supported", "GET");
    assertMethodNotAllowed("POST", "/v1/checkouts/" + id + "/events", "GET");
    assertMethodNotAllowed("PUT", "/v1/admin/merchants", "GET, POST");
    assertMethodNotAllowed("DELETE", "/v1/admin/relayers", "GET");
    assertMethodNotAllowed("POST", "/v1/session", "GET");
    assertMethodNotAllowed("POST", "/web/pay/app.js", "GET, HEAD");
    assertThat(app.send(HttpRequest.newBuilder(URI.create(app.base() + "/pay/")).GET()).status()).isEqualTo(404);
  }

  @Test
  void theNewerRoutesAuthenticateBeforeTheyLookAtTheBody() {
    String badKey = "Bearer tg_test_" + "x".repeat(43);
    for (String path : List.of("/x402/verify", "/x402/settle")) {
      TollgateFixture.Response r = app.send(HttpRequest.newBuilder(URI.create(app.base() + path))
          .header("Authorization", badKey).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"x402Version\": \"two\"}")));
      assertThat(r.status()).as(path + ": " + r.body()).isEqualTo(401);
      assertThat(r.errorCode()).isEqualTo("unauthenticated");
    }
    JsonObject checkout = app.newCheckout("3.00", "USDC");
    for (String path : List.of("/challenge", "/payer")) {
      TollgateFixture.Response r = app.post("/v1/checkouts/" + checkout.getString("id") + path, "cs_wrong",
          "{\"address\": 7, \"signature\": 7}");
      assertThat(r.status()).as(path + ": " + r.body()).isEqualTo(401);
      assertThat(r.errorCode()).isEqualTo("invalid_client_secret");
    }
    TollgateFixture.Response events = app.get("/v1/checkouts/" + checkout.getString("id") + "/events?clientSecret=cs_wrong",
        null, java.util.Map.of());
    assertThat(events.status()).as(events.body()).isEqualTo(401);
    assertThat(events.errorCode()).isEqualTo("invalid_client_secret");
    TollgateFixture.Response patch = app.send(HttpRequest.newBuilder(URI.create(app.base() + "/v1/webhook-endpoints/"
            + UUID.randomUUID()))
        .header("Authorization", badKey).header("Content-Type", "application/json")
        .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"url\": 5}")));
    assertThat(patch.status()).as(patch.body()).isEqualTo(401);
  }

  @Test
  void validationErrorsOnTheNewerRoutesNameTheFieldInWords() {
    JsonObject checkout = app.newCheckout("3.00", "USDC");
    String id = checkout.getString("id");
    TollgateFixture.Response refund = app.send(HttpRequest.newBuilder(URI.create(app.base() + "/v1/checkouts/" + id + "/refunds"))
        .header("Authorization", "Bearer " + app.apiKey).header("Idempotency-Key", "refund-" + UUID.randomUUID())
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"amount\": 5}")));
    assertError(refund, 400, "invalid_request", "amount", "amount must be a decimal string like \"12.50\"");
    TollgateFixture.Response x402 = app.send(HttpRequest.newBuilder(URI.create(app.base() + "/x402/verify"))
        .header("Authorization", "Bearer " + app.apiKey).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"x402Version\": 2, \"paymentPayload\": 5}")));
    assertError(x402, 400, "invalid_request", "paymentPayload", "paymentPayload must be an object");
    TollgateFixture.Response challenge = app.post("/v1/checkouts/" + id + "/challenge", checkout.getString("clientSecret"),
        new JsonObject().put("address", "0x123").put("chainId", TollgateFixture.CHAIN_ID).encode());
    assertError(challenge, 400, "invalid_request", "address", "address must be");
    TollgateFixture.Response hook = app.send(HttpRequest.newBuilder(URI.create(app.base() + "/v1/webhook-endpoints"))
        .header("Authorization", "Bearer " + app.apiKey).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"url\": 5}")));
    assertError(hook, 400, "invalid_request", "url", "url must be");
    TollgateFixture.Response stream = app.get("/v1/checkouts/not-a-checkout/events", checkout.getString("clientSecret"),
        java.util.Map.of());
    assertError(stream, 400, "invalid_request", "checkoutId", "checkoutId must be");
  }

  private void assertMethodNotAllowed(String method, String path, String allow) {
    TollgateFixture.Response r = app.send(HttpRequest.newBuilder(URI.create(app.base() + path))
        .method(method, HttpRequest.BodyPublishers.noBody()));
    assertThat(r.status()).as(method + " " + path + ": " + r.body()).isEqualTo(405);
    assertThat(r.errorCode()).isEqualTo("method_not_allowed");
    assertThat(r.header("Allow")).as(method + " " + path).isEqualTo(allow);
  }

  @Test
  void checkoutsAndPollsAgreeOnNamesAndTimestampsHaveMilliseconds() {
    JsonObject checkout = app.newCheckout("3.00", "USDC");
    String millis = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z";
    assertThat(checkout.getString("createdAt")).matches(millis);
    assertThat(checkout.getString("expiresAt")).matches(millis);
    assertThat(checkout.containsKey("statusReason")).isTrue();
    JsonObject poll = app.status(checkout).json();
    assertThat(poll.fieldNames()).contains("statusReason").doesNotContain("reason");
    assertThat(poll.getString("expiresAt")).isEqualTo(checkout.getString("expiresAt"));
    JsonObject read = app.merchantGet("/v1/checkouts/" + checkout.getString("id")).json();
    assertThat(read.getString("createdAt")).isEqualTo(checkout.getString("createdAt"));
  }

  private TollgateFixture.Response create(String key, JsonObject body) {
    return app.createCheckout(key, UUID.randomUUID().toString(), body);
  }

  private static void assertError(TollgateFixture.Response r, int status, String code, String field, String words) {
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    JsonObject error = r.json().getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo(code);
    assertThat(error.getString("field")).isEqualTo(field);
    assertThat(error.getString("detail")).as(r.body()).startsWith(words);
  }
}
