package io.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.e2e.WebhookReceiver.Received;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The outbox's guarantees with more than one Tollgate: an event committed while no dispatcher runs is
 * delivered by the next instance that starts (nothing lost across a restart), and two instances
 * dispatching from one database send each delivery once per attempt.
 */
class WebhookOutboxEndToEndTest {

  @Test
  void anEventCommittedBeforeAStopIsDeliveredByTheNextInstance() {
    try (TollgateFixture app = TollgateFixture.start(Map.of("webhooks.dispatcher.enabled", "false"));
         WebhookReceiver receiver = new WebhookReceiver()) {
      JsonObject endpoint = createEndpoint(app, app.base(), receiver.url("/restart"));
      org.web3j.crypto.Credentials buyer = app.buyer(100);
      JsonObject checkout = app.newCheckout("12.50", "USDC", buyer);
      String tx = app.chain.transferToken(buyer, app.usdc, TollgateFixture.RECIPIENT, BigInteger.valueOf(12_500_000));
      assertThat(app.submit(checkout, "USDC", tx).status()).isEqualTo(202);
      assertThat(app.awaitSettled(checkout).getString("status")).isEqualTo("paid");
      // Both events are committed with their state changes, and nothing was sent: this instance does not dispatch.
      assertThat(pendingDeliveries(app, endpoint)).isEqualTo(2);
      assertThat(receiver.received()).isEmpty();

      app.stopFirst();
      app.startAnother(Map.of("webhooks.dispatcher.enabled", "true"));

      List<Received> delivered = receiver.await(r -> checkout.getString("id").equals(r.checkoutId()), 2);
      assertThat(delivered.stream().map(Received::type).toList())
          .containsExactlyInAnyOrder("checkout.pending", "checkout.paid");
      delivered.forEach(r -> r.verify(endpoint.getString("secret")));
    }
  }

  @Test
  void twoDispatchersOnOneDatabaseSendEachDeliveryOncePerAttempt() throws Exception {
    try (TollgateFixture app = TollgateFixture.start(); WebhookReceiver receiver = new WebhookReceiver()) {
      TollgateFixture.Instance second = app.startAnother(Map.of());
      JsonObject endpoint = createEndpoint(app, app.base(), receiver.url("/race"));
      int count = 40;
      List<String> checkouts = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        // alternate instances, so both write to the outbox and both dispatch
        String base = i % 2 == 0 ? app.base() : second.base();
        TollgateFixture.Response created = app.send(HttpRequest.newBuilder(URI.create(base + "/v1/checkouts"))
            .header("Authorization", "Bearer " + app.apiKey).header("Idempotency-Key", "race-" + UUID.randomUUID())
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("orderReference", "RACE-" + i)
                .put("amount", "1.00").put("expiresInSeconds", 1).encode())));
        assertThat(created.status()).isEqualTo(201);
        checkouts.add(created.json().getString("id"));
      }
      Set<String> expected = new HashSet<>(checkouts);
      receiver.await(r -> expected.contains(r.checkoutId()), count);
      // Wait until the database records every delivery as done: after that no attempt can still be in flight.
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < deadline && succeededDeliveries(app, endpoint) < count) TollgateFixture.sleep(100);
      assertThat(succeededDeliveries(app, endpoint)).isEqualTo(count);

      Map<String, Long> perId = receiver.matching(r -> expected.contains(r.checkoutId())).stream()
          .collect(Collectors.groupingBy(r -> r.header("webhook-id"), Collectors.counting()));
      assertThat(perId).hasSize(count);
      assertThat(perId.values()).allMatch(n -> n == 1L);
      assertThat(attemptsLogged(app, endpoint)).isEqualTo(count);
    }
  }

  private static JsonObject createEndpoint(TollgateFixture app, String base, String url) {
    TollgateFixture.Response created = app.send(HttpRequest.newBuilder(URI.create(base + "/v1/webhook-endpoints"))
        .header("Authorization", "Bearer " + app.apiKey).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("url", url)
            .put("eventTypes", new JsonArray().add("checkout.pending").add("checkout.paid").add("checkout.expired")).encode())));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json();
  }

  private static long pendingDeliveries(TollgateFixture app, JsonObject endpoint) {
    return count(app, "SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = $1 AND status = 'pending'", endpoint);
  }

  private static long succeededDeliveries(TollgateFixture app, JsonObject endpoint) {
    return count(app, "SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = $1 AND status = 'succeeded'", endpoint);
  }

  private static long attemptsLogged(TollgateFixture app, JsonObject endpoint) {
    return count(app, "SELECT count(*) FROM webhook_attempts WHERE endpoint_id = $1", endpoint);
  }

  private static long count(TollgateFixture app, String sql, JsonObject endpoint) {
    try {
      Row row = app.tollgate.pool().preparedQuery(sql).execute(Tuple.of(UUID.fromString(endpoint.getString("id"))))
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).iterator().next();
      return row.getLong(0);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
