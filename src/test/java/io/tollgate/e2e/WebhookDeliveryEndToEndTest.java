package io.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.e2e.WebhookReceiver.Answer;
import io.tollgate.e2e.WebhookReceiver.Received;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.web3j.crypto.Credentials;

/**
 * Outbound webhooks end to end: a merchant registers an endpoint on a real HTTP receiver, checkouts
 * change state through HTTP, PostgreSQL and anvil, and the receiver asserts what arrives and checks
 * every signature (with our verifier and the official npm {@code standardwebhooks} library).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookDeliveryEndToEndTest {
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
  void aPaidCheckoutSendsPendingThenPaidSignedPerStandardWebhooks() {
    try (WebhookReceiver receiver = new WebhookReceiver()) {
      JsonObject endpoint = createEndpoint(receiver.url("/hooks/tollgate"), List.of());
      String secret = endpoint.getString("secret");
      assertThat(secret).startsWith("whsec_");
      assertThat(app.merchantGet("/v1/webhook-endpoints/" + endpoint.getString("id")).json().containsKey("secret")).isFalse();
      // no types named: every type there is
      assertThat(endpoint.getJsonArray("eventTypes")).containsExactlyInAnyOrder("checkout.pending", "checkout.paid",
          "checkout.failed", "checkout.expired", "checkout.paid_late", "checkout.underpaid", "checkout.canceled",
          "checkout.duplicate_payment", "checkout.payment_reversed", "refund.created", "refund.succeeded",
          "refund.failed", "refund.canceled", "refund.extra_transfer");

      JsonObject checkout = app.createCheckout("wh-" + System.nanoTime(), new JsonObject().put("orderReference", "ORDER-W1")
          .put("amount", "12.50").put("metadata", new JsonObject().put("ticket", "A-17"))
          .put("paymentOptions", new JsonArray().add(new JsonObject().put("chainId", TollgateFixture.CHAIN_ID).put("token", "USDC"))))
          .json();
      Credentials buyer = app.buyer(100);
      app.bindPayer(checkout, buyer);
      String tx = app.chain.transferToken(buyer, app.usdc, TollgateFixture.RECIPIENT, BigInteger.valueOf(12_500_000));
      assertThat(app.submit(checkout, "USDC", tx).status()).isEqualTo(202);

      List<Received> arrived = receiver.await(forCheckout(checkout, "checkout.paid"), 1);
      List<Received> all = receiver.matching(r -> checkout.getString("id").equals(r.checkoutId()));
      assertThat(all.stream().map(Received::type).toList()).containsSubsequence("checkout.pending", "checkout.paid");
      assertThat(all.stream().map(Received::type).toList()).doesNotContain("checkout.failed", "checkout.expired");

      Received paid = arrived.get(0);
      paid.verify(secret);
      assertThat(paid.header("webhook-id")).isEqualTo(paid.json().getString("id")).startsWith("evt_");
      assertThat(paid.header("content-type")).isEqualTo("application/json");
      assertThat(paid.header("webhook-signature")).startsWith("v1,");
      assertThatThrownBy(() -> paid.verify("whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32])))
          .isInstanceOf(RuntimeException.class);
      assertOfficialLibraryAccepts(paid, secret);

      // one naming convention with the API: camelCase keys everywhere, RFC 3339 times with milliseconds
      assertThat(keysOf(paid.json())).allMatch(k -> k.matches("[a-z][a-zA-Z0-9]*"), "camelCase");
      assertThat(paid.json().getString("mode")).isEqualTo("test");
      assertThat(paid.json().getString("createdAt")).matches(MILLIS);
      JsonObject data = paid.json().getJsonObject("data");
      assertThat(data.getJsonObject("checkout").getString("createdAt")).matches(MILLIS);
      assertThat(data.getJsonObject("payment").getString("blockTime")).matches(MILLIS);
      assertThat(data.getJsonObject("checkout").getString("status")).isEqualTo("paid");
      assertThat(data.getJsonObject("checkout").getString("orderReference")).isEqualTo("ORDER-W1");
      assertThat(data.getJsonObject("checkout").getString("amount")).isEqualTo("12.50");
      assertThat(data.getJsonObject("checkout").getJsonObject("metadata").getString("ticket")).isEqualTo("A-17");
      JsonObject payment = data.getJsonObject("payment");
      assertThat(payment.getString("txHash")).isEqualTo(tx);
      assertThat(payment.getLong("chainId")).isEqualTo(TollgateFixture.CHAIN_ID);
      assertThat(payment.getString("token")).isEqualTo("USDC");
      assertThat(payment.getString("tokenAddress")).isEqualTo(app.usdc);
      assertThat(payment.getString("payer")).isEqualTo(buyer.getAddress().toLowerCase(Locale.ROOT));
      assertThat(payment.getString("amount")).isEqualTo("12500000");
      assertThat(payment.getLong("blockNumber")).isPositive();
      assertThat(payment.getBoolean("late")).isFalse();

      // The delivery log of the event shows the successful attempt.
      JsonObject log = app.merchantGet("/v1/webhook-events/" + paid.header("webhook-id")).json();
      JsonObject delivery = deliveryTo(log, endpoint.getString("id"));
      assertThat(delivery.getString("status")).isEqualTo("succeeded");
      JsonObject attempt = delivery.getJsonArray("attemptLog").getJsonObject(0);
      assertThat(attempt.getInteger("statusCode")).isEqualTo(200);
      assertThat(attempt.getString("outcome")).isEqualTo("success");
      assertThat(attempt.getInteger("latencyMs")).isNotNegative();
      assertThat(attempt.getString("attemptedAt")).isNotBlank();
      delete(endpoint);
    }
  }

  @Test
  void aFailingReceiverGetsTheSameEventAgainWithTheSameWebhookIdAndTheLogShowsBothAttempts() {
    try (WebhookReceiver receiver = new WebhookReceiver()) {
      receiver.answer(r -> r.sequence() == 1 ? Answer.of(500) : Answer.of(200));
      JsonObject endpoint = createEndpoint(receiver.url("/flaky"), List.of("checkout.expired"));
      JsonObject checkout = expiringCheckout();

      List<Received> twice = receiver.await(forCheckout(checkout, "checkout.expired"), 2);
      assertThat(twice.get(0).header("webhook-id")).isEqualTo(twice.get(1).header("webhook-id"));
      assertThat(twice.get(0).body()).isEqualTo(twice.get(1).body());
      twice.get(1).verify(endpoint.getString("secret"));

      JsonObject delivery = awaitDelivery(twice.get(0).header("webhook-id"), endpoint, "succeeded");
      JsonArray attempts = delivery.getJsonArray("attemptLog");
      assertThat(attempts).hasSize(2);
      assertThat(attempts.getJsonObject(0).getInteger("statusCode")).isEqualTo(500);
      assertThat(attempts.getJsonObject(0).getString("outcome")).isEqualTo("retry");
      assertThat(attempts.getJsonObject(0).getString("error")).contains("500");
      assertThat(attempts.getJsonObject(1).getInteger("statusCode")).isEqualTo(200);
      // the schedule's second attempt comes 5 s after the first
      assertThat(Duration.between(Instant.parse(attempts.getJsonObject(0).getString("attemptedAt")),
          Instant.parse(attempts.getJsonObject(1).getString("attemptedAt")))).isGreaterThanOrEqualTo(Duration.ofSeconds(4));
      JsonArray endpointLog = app.merchantGet("/v1/webhook-endpoints/" + endpoint.getString("id") + "/attempts").json()
          .getJsonArray("data");
      assertThat(endpointLog).hasSize(2);
      assertThat(endpointLog.getJsonObject(0).getInteger("attempt")).isEqualTo(2); // newest first
      delete(endpoint);
    }
  }

  @Test
  void aRedirectIsAFailedAttemptAndIsNotFollowed() {
    try (WebhookReceiver receiver = new WebhookReceiver(); WebhookReceiver elsewhere = new WebhookReceiver()) {
      receiver.answer(r -> new Answer(302, Map.of("Location", elsewhere.url("/stolen"))));
      JsonObject endpoint = createEndpoint(receiver.url("/moved"), List.of("checkout.expired"));
      JsonObject checkout = expiringCheckout();

      Received first = receiver.await(forCheckout(checkout, "checkout.expired"), 1).get(0);
      JsonObject delivery = awaitAttempts(first.header("webhook-id"), endpoint, 1);
      JsonObject attempt = delivery.getJsonArray("attemptLog").getJsonObject(0);
      assertThat(attempt.getInteger("statusCode")).isEqualTo(302);
      assertThat(attempt.getString("error")).contains("redirects are not followed");
      assertThat(delivery.getString("status")).isEqualTo("pending"); // retried later, by schedule
      assertThat(elsewhere.received()).isEmpty();
      delete(endpoint);
    }
  }

  @Test
  void privateAddressesAreRefusedWhenConfigurationDoesNotAllowThem() {
    TollgateFixture.Instance strict = app.startAnother(Map.of("webhooks.allow-private-targets", "false",
        "webhooks.dispatcher.enabled", "false"));
    try {
      for (String url : List.of("http://127.0.0.1:9/hook", "http://10.0.0.8/hook", "http://169.254.169.254/latest",
          "http://localhost:8080/hook", "http://[::1]/hook")) {
        TollgateFixture.Response refused = app.send(HttpRequest.newBuilder(URI.create(strict.base() + "/v1/webhook-endpoints"))
            .header("Authorization", "Bearer " + app.apiKey).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("url", url).encode())));
        assertThat(refused.status()).as(url).isEqualTo(422);
        assertThat(refused.errorCode()).isEqualTo("webhook_url_not_allowed");
      }
    } finally {
      strict.tollgate().close().toCompletionStage().toCompletableFuture().join();
    }
  }

  @Test
  void a410DisablesTheEndpointAndSaysSoThenRecoverSendsWhatFailed() {
    try (WebhookReceiver receiver = new WebhookReceiver()) {
      receiver.answer(r -> Answer.of(410));
      Instant before = Instant.now().minusSeconds(5);
      JsonObject endpoint = createEndpoint(receiver.url("/gone"), List.of("checkout.expired"));
      JsonObject checkout = expiringCheckout();
      Received gone = receiver.await(forCheckout(checkout, "checkout.expired"), 1).get(0);
      String eventId = gone.header("webhook-id");

      JsonObject disabled = awaitEndpoint(endpoint, e -> !e.getBoolean("enabled"));
      assertThat(disabled.getString("disabledReason")).startsWith("gone");
      assertThat(disabled.getString("disabledAt")).isNotBlank();
      assertThat(awaitDelivery(eventId, endpoint, "failed").getJsonArray("attemptLog").getJsonObject(0).getString("outcome"))
          .isEqualTo("gone");
      // while disabled, nothing is sent to it
      JsonObject another = expiringCheckout();
      awaitEventFor(another, "checkout.expired");
      assertThat(receiver.matching(forCheckout(another, "checkout.expired"))).isEmpty();

      receiver.answer(r -> Answer.of(204));
      JsonObject enabled = patch(endpoint, new JsonObject().put("enabled", true));
      assertThat(enabled.getBoolean("enabled")).isTrue();
      assertThat(enabled.getValue("disabledReason")).isNull();
      TollgateFixture.Response recovered = merchantPost("/v1/webhook-endpoints/" + endpoint.getString("id") + "/recover",
          new JsonObject().put("since", before.toString()));
      assertThat(recovered.status()).isEqualTo(202);
      assertThat(recovered.json().getInteger("scheduled")).isEqualTo(1); // the 410'd event; the other was never queued

      List<Received> again = receiver.await(r -> eventId.equals(r.header("webhook-id")), 2);
      again.get(1).verify(endpoint.getString("secret"));
      assertThat(awaitDelivery(eventId, endpoint, "succeeded").getString("status")).isEqualTo("succeeded");
      delete(endpoint);
    }
  }

  @Test
  void resendSendsOneEventAgainWithItsId() {
    try (WebhookReceiver receiver = new WebhookReceiver()) {
      JsonObject endpoint = createEndpoint(receiver.url("/resend"), List.of("checkout.expired"));
      JsonObject checkout = expiringCheckout();
      String eventId = receiver.await(forCheckout(checkout, "checkout.expired"), 1).get(0).header("webhook-id");
      awaitDelivery(eventId, endpoint, "succeeded");

      TollgateFixture.Response resent = merchantPost("/v1/webhook-events/" + eventId + "/resend",
          new JsonObject().put("endpointId", endpoint.getString("id")));
      assertThat(resent.status()).isEqualTo(202);
      assertThat(resent.json().getInteger("scheduled")).isEqualTo(1);
      List<Received> both = receiver.await(r -> eventId.equals(r.header("webhook-id")), 2);
      assertThat(both.get(1).body()).isEqualTo(both.get(0).body());
      assertThat(merchantPost("/v1/webhook-events/evt_00000000000000000000000000/resend", new JsonObject()).status())
          .isEqualTo(404);
      delete(endpoint);
    }
  }

  @Test
  void duringARotationBothSecretsSignAndTheOfficialLibraryAcceptsEither() {
    try (WebhookReceiver receiver = new WebhookReceiver()) {
      JsonObject endpoint = createEndpoint(receiver.url("/rotating"), List.of("checkout.expired"));
      String oldSecret = endpoint.getString("secret");
      TollgateFixture.Response rotated = merchantPost("/v1/webhook-endpoints/" + endpoint.getString("id") + "/rotate-secret",
          new JsonObject().put("overlapSeconds", 3600));
      assertThat(rotated.status()).isEqualTo(200);
      String newSecret = rotated.json().getString("secret");
      assertThat(newSecret).startsWith("whsec_").isNotEqualTo(oldSecret);
      assertThat(rotated.json().getString("previousSecretExpiresAt")).isNotBlank();

      JsonObject checkout = expiringCheckout();
      Received r = receiver.await(forCheckout(checkout, "checkout.expired"), 1).get(0);
      assertThat(r.header("webhook-signature").split(" ")).hasSize(2);
      r.verify(oldSecret);
      r.verify(newSecret);
      assertOfficialLibraryAccepts(r, oldSecret);
      assertOfficialLibraryAccepts(r, newSecret);
      delete(endpoint);
    }
  }

  @Test
  void aPaymentMinedAfterExpiryReachesTheShopAsPaidLate() {
    try (WebhookReceiver receiver = new WebhookReceiver()) {
      JsonObject endpoint = createEndpoint(receiver.url("/late"), List.of("checkout.expired", "checkout.paid_late"));
      Credentials buyer = app.buyer(10);
      JsonObject checkout = expiringCheckout(buyer);
      receiver.await(forCheckout(checkout, "checkout.expired"), 1);
      // block timestamps are whole seconds: mine strictly after the expiry's second
      TollgateFixture.awaitWallClockPast(Instant.parse(checkout.getString("expiresAt")).plusSeconds(1));

      String tx = app.chain.transferToken(buyer, app.usdc, TollgateFixture.RECIPIENT, BigInteger.valueOf(1_000_000));
      TollgateFixture.Response submitted = app.submit(checkout, "USDC", tx);
      assertThat(submitted.status()).isEqualTo(202);

      Received late;
      try {
        late = receiver.await(forCheckout(checkout, "checkout.paid_late"), 1).get(0);
      } catch (AssertionError e) {
        throw new AssertionError("checkout is " + app.merchantGet("/v1/checkouts/" + checkout.getString("id")).body(), e);
      }
      late.verify(endpoint.getString("secret"));
      JsonObject data = late.json().getJsonObject("data");
      assertThat(data.getJsonObject("checkout").getString("status")).isEqualTo("expired");
      assertThat(data.getJsonObject("checkout").getString("statusReason")).isEqualTo("paid_late");
      assertThat(data.getJsonObject("payment").getString("txHash")).isEqualTo(tx);
      assertThat(data.getJsonObject("payment").getBoolean("late")).isTrue();
      assertThat(data.getJsonObject("payment").getString("payer")).isEqualTo(buyer.getAddress().toLowerCase(Locale.ROOT));
      assertThat(data.getJsonObject("payment").getString("amount")).isEqualTo("1000000");
      assertThat(receiver.matching(forCheckout(checkout, "checkout.expired"))).hasSize(1); // not told twice
      delete(endpoint);
    }
  }

  @Test
  void retryAfterPushesTheNextAttemptLater() {
    try (WebhookReceiver receiver = new WebhookReceiver()) {
      receiver.answer(r -> new Answer(503, Map.of("Retry-After", "120")));
      JsonObject endpoint = createEndpoint(receiver.url("/busy"), List.of("checkout.expired"));
      JsonObject checkout = expiringCheckout();
      String eventId = receiver.await(forCheckout(checkout, "checkout.expired"), 1).get(0).header("webhook-id");
      JsonObject delivery = awaitAttempts(eventId, endpoint, 1);
      Instant attempted = Instant.parse(delivery.getJsonArray("attemptLog").getJsonObject(0).getString("attemptedAt"));
      JsonObject pending = awaitDelivery(eventId, endpoint, "pending");
      // the schedule says 5 s; the receiver asked for 120 s
      assertThat(Duration.between(attempted, Instant.parse(pending.getString("nextAttemptAt"))))
          .isGreaterThanOrEqualTo(Duration.ofSeconds(119));
      assertThat(pending.getInteger("lastStatusCode")).isEqualTo(503);
      delete(endpoint);
    }
  }

  @Test
  void aDeliveryGivesUpAfterItsLastAttemptAndFiveDaysOfFailingDisableTheEndpoint() throws Exception {
    try (WebhookReceiver receiver = new WebhookReceiver()) {
      receiver.answer(r -> Answer.of(500));
      JsonObject endpoint = createEndpoint(receiver.url("/down"), List.of("checkout.expired"));
      JsonObject checkout = expiringCheckout();
      String eventId = receiver.await(forCheckout(checkout, "checkout.expired"), 1).get(0).header("webhook-id");
      awaitAttempts(eventId, endpoint, 1);
      // Fast-forward the history instead of waiting days: seven attempts made, failing for six days.
      app.tollgate.pool().preparedQuery("""
              UPDATE webhook_deliveries SET attempts = 7, next_attempt_at = now() WHERE event_id = $1 AND endpoint_id = $2""")
          .execute(io.vertx.sqlclient.Tuple.of(eventId, java.util.UUID.fromString(endpoint.getString("id"))))
          .compose(v -> app.tollgate.pool().preparedQuery(
                  "UPDATE webhook_endpoints SET failing_since = now() - interval '6 days' WHERE id = $1")
              .execute(io.vertx.sqlclient.Tuple.of(java.util.UUID.fromString(endpoint.getString("id")))))
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

      JsonObject failed = awaitDelivery(eventId, endpoint, "failed");
      assertThat(failed.getValue("nextAttemptAt")).isNull();
      assertThat(failed.getJsonArray("attemptLog").getJsonObject(1).getInteger("attempt")).isEqualTo(8);
      JsonObject disabled = awaitEndpoint(endpoint, e -> !e.getBoolean("enabled"));
      assertThat(disabled.getString("disabledReason")).startsWith("failing");
      delete(endpoint);
    }
  }

  @Test
  void endpointsCanBeListedUpdatedAndDeletedAndBadInputIsRefused() {
    JsonObject endpoint = createEndpoint("http://127.0.0.1:9/crud", List.of("checkout.paid"));
    JsonArray listed = app.merchantGet("/v1/webhook-endpoints").json().getJsonArray("data");
    assertThat(listed.stream().map(o -> ((JsonObject) o).getString("id"))).contains(endpoint.getString("id"));
    JsonObject updated = patch(endpoint, new JsonObject().put("eventTypes", new JsonArray().add("checkout.failed"))
        .put("description", "ops"));
    assertThat(updated.getJsonArray("eventTypes")).containsExactly("checkout.failed");
    assertThat(updated.getString("description")).isEqualTo("ops");
    JsonObject disabled = patch(endpoint, new JsonObject().put("enabled", false));
    assertThat(disabled.getString("disabledReason")).isEqualTo("disabled_by_merchant");

    TollgateFixture.Response badType = merchantPost("/v1/webhook-endpoints",
        new JsonObject().put("url", "http://127.0.0.1:9/x").put("eventTypes", new JsonArray().add("checkout.nope")));
    assertThat(badType.status()).isEqualTo(400);
    TollgateFixture.Response notAUrl = merchantPost("/v1/webhook-endpoints", new JsonObject().put("url", "ftp://example.com/x"));
    assertThat(notAUrl.status()).isEqualTo(422);
    assertThat(notAUrl.errorCode()).isEqualTo("webhook_url_not_allowed");
    TollgateFixture.Response anonymous = app.send(HttpRequest.newBuilder(URI.create(app.base() + "/v1/webhook-endpoints")).GET());
    assertThat(anonymous.status()).isEqualTo(401);

    // bodies that break the contract: 400 with where, on every endpoint route with a body
    String path = "/v1/webhook-endpoints/" + endpoint.getString("id");
    assertInvalid(merchantPost("/v1/webhook-endpoints", new JsonObject().put("url", "https://x.example").put("secret", "mine")),
        "#/secret");
    assertInvalid(app.send(HttpRequest.newBuilder(URI.create(app.base() + path)).header("Authorization", "Bearer " + app.apiKey)
        .header("Content-Type", "application/json")
        .method("PATCH", HttpRequest.BodyPublishers.ofString(new JsonObject().put("enabled", "yes").encode()))), "#/enabled");
    assertInvalid(merchantPost(path + "/rotate-secret", new JsonObject().put("overlapSeconds", -1)), "#/overlapSeconds");
    assertInvalid(merchantPost(path + "/recover", new JsonObject().put("since", "yesterday")), "#/since");
    assertInvalid(merchantPost("/v1/webhook-events/evt_00000000000000000000000000/resend", new JsonObject().put("endpointId", "x")),
        "#/endpointId");
    TollgateFixture.Response malformed = app.send(HttpRequest.newBuilder(URI.create(app.base() + "/v1/webhook-endpoints"))
        .header("Authorization", "Bearer " + app.apiKey).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"url\": ")));
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.errorCode()).isEqualTo("malformed_json");

    delete(endpoint);
    assertThat(app.merchantGet("/v1/webhook-endpoints/" + endpoint.getString("id")).status()).isEqualTo(404);
  }

  // ---- helpers ----

  private JsonObject createEndpoint(String url, List<String> types) {
    JsonObject body = new JsonObject().put("url", url);
    if (!types.isEmpty()) body.put("eventTypes", new JsonArray(types));
    TollgateFixture.Response created = merchantPost("/v1/webhook-endpoints", body);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json();
  }

  private static void assertInvalid(TollgateFixture.Response r, String where) {
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("invalid_request");
    // the field at fault is named (was the validator's "#/field" location)
    assertThat("#/" + r.json().getJsonObject("error").getString("field")).isEqualTo(where);
  }

  private JsonObject patch(JsonObject endpoint, JsonObject body) {
    TollgateFixture.Response r = app.send(HttpRequest.newBuilder(URI.create(app.base() + "/v1/webhook-endpoints/"
            + endpoint.getString("id"))).header("Authorization", "Bearer " + app.apiKey)
        .header("Content-Type", "application/json").method("PATCH", HttpRequest.BodyPublishers.ofString(body.encode())));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  private void delete(JsonObject endpoint) {
    TollgateFixture.Response r = app.send(HttpRequest.newBuilder(URI.create(app.base() + "/v1/webhook-endpoints/"
        + endpoint.getString("id"))).header("Authorization", "Bearer " + app.apiKey).DELETE());
    assertThat(r.status()).isEqualTo(204);
  }

  private TollgateFixture.Response merchantPost(String path, JsonObject body) {
    return app.send(HttpRequest.newBuilder(URI.create(app.base() + path)).header("Authorization", "Bearer " + app.apiKey)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.encode())));
  }

  private JsonObject expiringCheckout() {
    return expiringCheckout(null);
  }

  /** With {@code payer} preset when given: a checkout a late transfer of the payer's can be claimed for. */
  private JsonObject expiringCheckout(Credentials payer) {
    JsonObject body = new JsonObject().put("orderReference", "ORDER-X").put("amount", "1.00").put("expiresInSeconds", 1);
    if (payer != null) body.put("payer", payer.getAddress());
    TollgateFixture.Response created = app.createCheckout("exp-" + System.nanoTime(), body
        .put("paymentOptions", new JsonArray().add(new JsonObject().put("chainId", TollgateFixture.CHAIN_ID).put("token", "USDC"))));
    assertThat(created.status()).isEqualTo(201);
    return created.json();
  }

  private static Predicate<Received> forCheckout(JsonObject checkout, String type) {
    return r -> checkout.getString("id").equals(r.checkoutId()) && type.equals(r.type());
  }

  private String awaitEventFor(JsonObject checkout, String type) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      JsonArray events = app.merchantGet("/v1/webhook-events?checkoutId=" + checkout.getString("id")).json().getJsonArray("data");
      for (Object e : events) {
        if (type.equals(((JsonObject) e).getString("type"))) return ((JsonObject) e).getString("id");
      }
      TollgateFixture.sleep(50);
    }
    throw new AssertionError("no " + type + " event for " + checkout.getString("id"));
  }

  private JsonObject awaitDelivery(String eventId, JsonObject endpoint, String status) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    JsonObject delivery = null;
    while (System.nanoTime() < deadline) {
      delivery = deliveryTo(app.merchantGet("/v1/webhook-events/" + eventId).json(), endpoint.getString("id"));
      if (delivery != null && status.equals(delivery.getString("status"))) return delivery;
      TollgateFixture.sleep(50);
    }
    throw new AssertionError("delivery of " + eventId + " never became " + status + ": " + delivery);
  }

  private JsonObject awaitAttempts(String eventId, JsonObject endpoint, int attempts) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      JsonObject delivery = deliveryTo(app.merchantGet("/v1/webhook-events/" + eventId).json(), endpoint.getString("id"));
      if (delivery != null && delivery.getJsonArray("attemptLog").size() >= attempts) return delivery;
      TollgateFixture.sleep(50);
    }
    throw new AssertionError("no " + attempts + " attempts of " + eventId);
  }

  private JsonObject awaitEndpoint(JsonObject endpoint, Predicate<JsonObject> condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      JsonObject current = app.merchantGet("/v1/webhook-endpoints/" + endpoint.getString("id")).json();
      if (condition.test(current)) return current;
      TollgateFixture.sleep(50);
    }
    throw new AssertionError("endpoint never reached the expected state");
  }

  private static JsonObject deliveryTo(JsonObject eventLog, String endpointId) {
    JsonArray deliveries = eventLog.getJsonArray("deliveries");
    if (deliveries == null) return null;
    for (Object d : deliveries) {
      if (endpointId.equals(((JsonObject) d).getString("endpointId"))) return (JsonObject) d;
    }
    return null;
  }

  /** The official npm standardwebhooks library verifies the request (skipped when node or the package is missing). */
  static void assertOfficialLibraryAccepts(Received r, String secret) {
    Path project = Path.of(System.getProperty("tollgate.project.dir", "."));
    if (!Files.isDirectory(project.resolve("node_modules/standardwebhooks"))) return;
    JsonObject headers = new JsonObject().put("webhook-id", r.header("webhook-id"))
        .put("webhook-timestamp", r.header("webhook-timestamp")).put("webhook-signature", r.header("webhook-signature"));
    JsonObject request = new JsonObject().put("op", "verify").put("secret", secret).put("headers", headers)
        .put("payload", r.body());
    try {
      Process node = new ProcessBuilder("node", project.resolve("scripts/test/standardwebhooks.cjs").toString())
          .redirectErrorStream(true).start();
      node.getOutputStream().write(request.encode().getBytes(StandardCharsets.UTF_8));
      node.getOutputStream().close();
      String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!node.waitFor(30, TimeUnit.SECONDS)) throw new AssertionError("node did not finish");
      JsonObject answer = new JsonObject(out);
      assertThat(answer.getBoolean("ok")).as(out).isTrue();
      assertThat(answer.getJsonObject("parsed").getString("id")).isEqualTo(r.header("webhook-id"));
    } catch (IOException e) {
      // node is not installed: the Java verifier above already checked the signature
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static final String MILLIS = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z";

  /** Every key of a JSON document, nested ones included (metadata is the shop's own and left out). */
  private static java.util.List<String> keysOf(JsonObject json) {
    java.util.List<String> keys = new java.util.ArrayList<>();
    for (String key : json.fieldNames()) {
      keys.add(key);
      if (json.getValue(key) instanceof JsonObject nested && !key.equals("metadata")) keys.addAll(keysOf(nested));
    }
    return keys;
  }
}
