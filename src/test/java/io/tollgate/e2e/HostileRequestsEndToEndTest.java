package io.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Requests a client can send that used to earn a 500 (issue 22): bodies on GETs, NUL characters
 * and deep nesting. Each now gets its 2xx or 4xx with a code, and stores nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileRequestsEndToEndTest {
  private TollgateFixture app;
  private String base;

  @BeforeAll
  void start() {
    app = TollgateFixture.start();
    base = "http://127.0.0.1:" + app.tollgate.httpPort();
  }

  @AfterAll
  void stop() {
    app.close();
  }

  private TollgateFixture.Response getWithBody(String path, String contentType, String body) {
    return app.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + app.apiKey)
        .header("Content-Type", contentType).method("GET", HttpRequest.BodyPublishers.ofString(body)));
  }

  @Test
  void aGetCarryingAFormOrMultipartBodyIsAnsweredAsIfItHadNone() {
    TollgateFixture.Response form = getWithBody("/v1/webhook-endpoints", "application/x-www-form-urlencoded", "a=b");
    TollgateFixture.Response multipart = getWithBody("/v1/webhook-events", "multipart/form-data; boundary=x",
        "--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb\r\n--x--\r\n");

    assertThat(form.status()).as(form.body()).isEqualTo(200);
    assertThat(multipart.status()).as(multipart.body()).isEqualTo(200);
  }

  @Test
  void aNulCharacterInAnyStringIsA400AndNothingIsStored() {
    TollgateFixture.Response order = app.createCheckout("nul-" + UUID.randomUUID(), checkout().put("orderReference", "A\u0000B"));
    TollgateFixture.Response metadata = app.createCheckout("nul-" + UUID.randomUUID(),
        checkout().put("metadata", new JsonObject().put("seat", "12\u0000")));

    for (TollgateFixture.Response r : java.util.List.of(order, metadata)) {
      assertThat(r.status()).as(r.body()).isEqualTo(400);
      assertThat(r.errorCode()).isEqualTo("invalid_request");
      assertThat(r.json().getJsonObject("error").getString("detail")).contains("NUL");
    }
    TollgateFixture.Response endpoint = app.send(HttpRequest.newBuilder(URI.create(base + "/v1/webhook-endpoints"))
        .header("Authorization", "Bearer " + app.apiKey).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("url", "https://example.com/hook")
            .put("description", "ops\u0000").encode())));
    assertThat(endpoint.status()).as(endpoint.body()).isEqualTo(400);
    assertThat(app.merchantGet("/v1/webhook-endpoints").json().getJsonArray("data", new JsonArray())).isEmpty();
  }

  @Test
  void metadataNestedDeeperThanTheLimitIsA400() {
    JsonObject deep = new JsonObject().put("leaf", 1);
    for (int i = 0; i < 100; i++) deep = new JsonObject().put("n", deep);
    TollgateFixture.Response r = app.createCheckout("deep-" + UUID.randomUUID(), checkout().put("metadata", deep));

    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("invalid_request");
    assertThat(r.json().getJsonObject("error").getString("detail")).contains("nested deeper");
    // an ordinary nesting still passes
    JsonObject shallow = new JsonObject().put("a", new JsonObject().put("b", new JsonArray().add(new JsonObject())));
    assertThat(app.createCheckout("ok-" + UUID.randomUUID(), checkout().put("metadata", shallow)).status()).isEqualTo(201);
  }

  private static JsonObject checkout() {
    return new JsonObject().put("orderReference", "ORDER-H").put("amount", "1.00")
        .put("paymentOptions", new JsonArray().add(new JsonObject().put("chainId", TollgateFixture.CHAIN_ID).put("token", "USDC")));
  }
}
