package io.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.e2e.WebhookReceiver.Answer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.web3j.crypto.Credentials;

/**
 * What the operator console reads, through HTTP, PostgreSQL and anvil: the sign-in check, a paid
 * checkout found by transaction and order reference (merchant and operator-wide), its audit trail
 * and webhook deliveries, failed deliveries, the live drop figures and the relayers with a stuck relay.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleApiEndToEndTest {
  private static final String TOKEN = "operator-token-" + UUID.randomUUID();
  private TollgateFixture app;
  private JsonObject paid;
  private String tx;
  private String order;
  private Credentials buyer;

  @BeforeAll
  void start() throws Exception {
    String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(TOKEN.getBytes(StandardCharsets.UTF_8)));
    app = TollgateFixture.start(Map.of("admin.token-sha256", hash,
        "chain.31337.relayer.private-key", GaslessEndToEndTest.RELAYER_KEY,
        "chain.31337.token.USDC.eip712-name", "USD Coin", "chain.31337.token.USDC.eip712-version", "2"));
    buyer = app.buyer(100);
    order = "CONSOLE-" + UUID.randomUUID();
    paid = app.createCheckout("c-" + UUID.randomUUID(), new JsonObject().put("orderReference", order)
        .put("amount", "2.50").put("payer", buyer.getAddress())
        .put("paymentOptions", new JsonArray().add(new JsonObject().put("chainId", TollgateFixture.CHAIN_ID).put("token", "USDC"))))
        .json();
    tx = app.chain.transferToken(buyer, app.usdc, TollgateFixture.RECIPIENT, BigInteger.valueOf(2_500_000));
    assertThat(app.submit(paid, "USDC", tx).status()).isEqualTo(202);
    assertThat(app.awaitSettled(paid).getString("status")).isEqualTo("paid");
  }

  @AfterAll
  void stop() {
    app.close();
  }

  @Test
  void theSessionSaysWhoACredentialIs() {
    JsonObject merchant = get("/v1/session", app.apiKey).json();
    assertThat(merchant.getString("role")).isEqualTo("merchant");
    assertThat(merchant.getString("merchantId")).isEqualTo(app.merchantId.toString());
    assertThat(merchant.getString("mode")).isEqualTo("test");
    assertThat(get("/v1/session", TOKEN).json().getString("role")).isEqualTo("operator");
    assertThat(get("/v1/session", "wrong-token").status()).isEqualTo(401);
    assertThat(get("/v1/session", "tg_test_" + "a".repeat(43)).status()).isEqualTo(401);
    assertThat(get("/v1/session", null).errorCode()).isEqualTo("unauthenticated");
  }

  @Test
  void theAuditTrailShowsEveryChangeWithItsActor() {
    JsonArray trail = get("/v1/checkouts/" + paid.getString("id") + "/audit", app.apiKey).json().getJsonArray("data");
    List<String> to = trail.stream().map(e -> ((JsonObject) e).getString("toStatus")).toList();
    assertThat(to).contains("pending", "paid");
    assertThat(to.get(to.size() - 1)).isEqualTo("paid");
    JsonObject paidEntry = (JsonObject) trail.stream().filter(e -> "paid".equals(((JsonObject) e).getString("toStatus")))
        .findFirst().orElseThrow();
    assertThat(paidEntry.getString("actor")).isNotBlank();
    assertThat(paidEntry.getLong("paymentId")).isNotNull();
    assertThat(paidEntry.getString("at")).endsWith("Z");
    // the operator reads the same trail; another merchant's key does not find it
    assertThat(get("/v1/admin/checkouts/" + paid.getString("id") + "/audit", TOKEN).json().getJsonArray("data")).isEqualTo(trail);
    assertThat(get("/v1/checkouts/" + UUID.randomUUID() + "/audit", app.apiKey).errorCode()).isEqualTo("checkout_not_found");
    assertThat(get("/v1/admin/checkouts/" + paid.getString("id") + "/audit", app.apiKey).status()).isEqualTo(401);
  }

  @Test
  void theOperatorFindsAnyMerchantsCheckoutByTransactionOrderReferenceAndPayer() {
    assertThat(adminIds("txHash=" + tx)).containsExactly(paid.getString("id"));
    assertThat(adminIds("txHash=" + tx.toUpperCase().replace("0X", "0x"))).containsExactly(paid.getString("id"));
    assertThat(adminIds("orderReference=" + order)).containsExactly(paid.getString("id"));
    assertThat(adminIds("payer=" + buyer.getAddress())).containsExactly(paid.getString("id"));
    assertThat(adminIds("merchantId=" + UUID.randomUUID() + "&orderReference=" + order)).isEmpty();
    assertThat(adminIds("mode=live&orderReference=" + order)).isEmpty();
    assertThat(adminIds("status=paid&mode=test")).contains(paid.getString("id"));
    JsonObject row = get("/v1/admin/checkouts?orderReference=" + order, TOKEN).json().getJsonArray("data").getJsonObject(0);
    assertThat(row.getString("merchantId")).isEqualTo(app.merchantId.toString());
    assertThat(get("/v1/admin/checkouts?mode=both", TOKEN).status()).isEqualTo(400);
    assertThat(get("/v1/admin/checkouts", app.apiKey).status()).isEqualTo(401);

    JsonObject detail = get("/v1/admin/checkouts/" + paid.getString("id"), TOKEN).json();
    assertThat(detail.getString("status")).isEqualTo("paid");
    assertThat(detail.getString("merchantName")).isEqualTo("Test shop");
    assertThat(detail.containsKey("clientSecret")).isFalse();
    assertThat(detail.getJsonArray("payments").getJsonObject(0).getString("txHash")).isEqualTo(tx.toLowerCase());
    assertThat(detail.getJsonObject("money")).isNotNull();
    assertThat(get("/v1/admin/checkouts/" + UUID.randomUUID(), TOKEN).errorCode()).isEqualTo("checkout_not_found");
  }

  @Test
  void failedDeliveriesAreListedPerEventAndCountedPerEndpoint() {
    try (WebhookReceiver receiver = new WebhookReceiver()) {
      receiver.answer(r -> Answer.of(410)); // gone: the delivery gives up at once
      JsonObject endpoint = post("/v1/webhook-endpoints", new JsonObject().put("url", receiver.url("/gone"))
          .put("eventTypes", new JsonArray().add("checkout.paid"))).json();
      JsonObject checkout = app.newCheckout("1.00", "USDC", buyer);
      String hash = app.chain.transferToken(buyer, app.usdc, TollgateFixture.RECIPIENT, BigInteger.valueOf(1_000_000));
      app.submit(checkout, "USDC", hash);
      assertThat(app.awaitSettled(checkout).getString("status")).isEqualTo("paid");
      JsonArray failed = await(() -> get("/v1/webhook-events?deliveryStatus=failed", app.apiKey).json().getJsonArray("data"),
          events -> !events.isEmpty());
      JsonObject event = failed.getJsonObject(0);
      assertThat(event.getString("checkoutId")).isEqualTo(checkout.getString("id"));
      JsonObject delivery = event.getJsonArray("deliveries").getJsonObject(0);
      assertThat(delivery.getString("status")).isEqualTo("failed");
      assertThat(delivery.getInteger("lastStatusCode")).isEqualTo(410);
      assertThat(get("/v1/webhook-events?deliveryStatus=succeeded&checkoutId=" + checkout.getString("id"), app.apiKey)
          .json().getJsonArray("data")).isEmpty();
      JsonObject listed = get("/v1/webhook-endpoints", app.apiKey).json().getJsonArray("data").stream()
          .map(o -> (JsonObject) o).filter(e -> e.getString("id").equals(endpoint.getString("id"))).findFirst().orElseThrow();
      assertThat(listed.getLong("failedDeliveries")).isEqualTo(1);
      // the operator sees the checkout's events with their deliveries
      JsonArray operatorView = get("/v1/admin/checkouts/" + checkout.getString("id") + "/webhook-events", TOKEN).json()
          .getJsonArray("data");
      assertThat(operatorView.stream().map(o -> ((JsonObject) o).getString("id"))).contains(event.getString("id"));
      assertThat(get("/v1/webhook-events?deliveryStatus=lost", app.apiKey).status()).isEqualTo(400);
    }
  }

  @Test
  void theLiveViewCountsTheWindowsCheckouts() {
    JsonObject open = app.newCheckout("3.00", "USDC");
    JsonObject live = get("/v1/stats/live?minutes=5", app.apiKey).json();
    assertThat(live.getInteger("minutes")).isEqualTo(5);
    assertThat(live.getJsonArray("perMinute")).hasSize(6);
    long created = live.getJsonArray("perMinute").stream().mapToLong(m -> ((JsonObject) m).getLong("created")).sum();
    assertThat(created).isEqualTo(live.getLong("created")).isGreaterThanOrEqualTo(2);
    assertThat(live.getLong("paid")).isGreaterThanOrEqualTo(1);
    assertThat(live.getLong("pending")).isGreaterThanOrEqualTo(1);
    JsonObject delay = live.getJsonObject("confirmationDelaySeconds");
    assertThat(delay.getLong("count")).isGreaterThanOrEqualTo(1);
    assertThat(delay.getDouble("p50")).isGreaterThanOrEqualTo(0.0).isLessThan(120.0);
    assertThat(open.getString("status")).isEqualTo("open");

    JsonObject all = get("/v1/admin/stats/live", TOKEN).json();
    assertThat(all.getInteger("minutes")).isEqualTo(15);
    assertThat(all.getLong("created")).isGreaterThanOrEqualTo(live.getLong("created"));
    assertThat(get("/v1/stats/live?minutes=61", app.apiKey).status()).isEqualTo(400);
    assertThat(get("/v1/admin/stats/live", app.apiKey).status()).isEqualTo(401);
  }

  @Test
  void theRelayersShowTheirFundsAndAStuckRelay() throws Exception {
    UUID stuck = UUID.randomUUID();
    // a relay of another key on this chain, sent five minutes ago, bumped twice and still unmined
    app.tollgate.pool().preparedQuery("""
            INSERT INTO relays (relay_id, chain_id, token, from_address, auth_nonce, token_contract, calldata, valid_before,
                                purpose, relayer, gas_limit, state, tx_nonce, current_hash, tx_hashes, bumps, broadcast_at, created_at)
            VALUES ($1, 31337, 'usdc', $2, $3, $4, '\\x00'::bytea, now() + interval '1 hour', 'checkout:test', $5, 100000, 'SENT',
                    7, $6, ARRAY[$6], 2, now() - interval '4 minutes', now() - interval '5 minutes')""")
        .execute(Tuple.of(stuck, "0x" + "1".repeat(40), "0x" + "2".repeat(64), app.usdc, "0x" + "3".repeat(40), "0x" + "4".repeat(64)))
        .await(10, TimeUnit.SECONDS);
    JsonObject chain = get("/v1/admin/relayers", TOKEN).json().getJsonArray("data").getJsonObject(0);
    assertThat(chain.getLong("chainId")).isEqualTo(TollgateFixture.CHAIN_ID);
    assertThat(chain.getString("relayer")).startsWith("0x");
    assertThat(new BigInteger(chain.getString("balanceWei"))).isPositive();
    assertThat(chain.getBoolean("canPayNext")).isTrue();
    JsonObject relay = chain.getJsonArray("openRelays").stream().map(o -> (JsonObject) o)
        .filter(r -> r.getString("relayId").equals(stuck.toString())).findFirst().orElseThrow();
    assertThat(relay.getBoolean("stuck")).isTrue();
    assertThat(relay.getInteger("bumps")).isEqualTo(2);
    assertThat(relay.getLong("txNonce")).isEqualTo(7);
    assertThat(relay.getLong("ageSeconds")).isGreaterThanOrEqualTo(299);
    assertThat(get("/v1/admin/relayers", app.apiKey).status()).isEqualTo(401);
  }

  @Test
  void theConsolePageIsServedWithAStrictPolicy() {
    TollgateFixture.Response page = get("/console", null);
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("Content-Type")).startsWith("text/html");
    String policy = page.header("Content-Security-Policy");
    assertThat(policy).contains("script-src 'self'").contains("frame-ancestors 'none'").doesNotContain("unsafe-inline");
    // the bundled script and style sheet, hashed; no inline script
    assertThat(page.body()).containsPattern("<script src=\"/web/console/assets/main-[A-Z0-9]+\\.js\" defer>")
        .containsPattern("<link rel=\"stylesheet\" href=\"/web/console/assets/main-[A-Z0-9]+\\.css\">")
        .doesNotContain("<script>");
    String script = page.body().replaceAll("(?s).*<script src=\"([^\"]+)\".*", "$1");
    TollgateFixture.Response asset = get(script, null);
    assertThat(asset.status()).isEqualTo(200);
    assertThat(asset.body()).contains("/v1/session").doesNotContain("sourceMappingURL");
  }

  // ---- helpers ----

  private List<String> adminIds(String query) {
    TollgateFixture.Response r = get("/v1/admin/checkouts?limit=100&" + query, TOKEN);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().getJsonArray("data").stream().map(o -> ((JsonObject) o).getString("id")).toList();
  }

  private TollgateFixture.Response get(String path, String bearer) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(app.base() + path)).GET();
    if (bearer != null) request.header("Authorization", "Bearer " + bearer);
    return app.send(request);
  }

  private TollgateFixture.Response post(String path, JsonObject body) {
    return app.send(HttpRequest.newBuilder(URI.create(app.base() + path)).header("Authorization", "Bearer " + app.apiKey)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.encode())));
  }

  private static <T> T await(java.util.function.Supplier<T> read, java.util.function.Predicate<T> done) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    T last = null;
    while (System.nanoTime() < deadline) {
      last = read.get();
      if (done.test(last)) return last;
      TollgateFixture.sleep(100);
    }
    throw new AssertionError("never happened: " + last);
  }

  @SuppressWarnings("unused")
  private static Stream<JsonObject> objects(JsonArray array) {
    return array.stream().map(o -> (JsonObject) o);
  }
}
