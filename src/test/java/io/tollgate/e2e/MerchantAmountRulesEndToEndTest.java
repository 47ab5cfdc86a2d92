package io.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
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
import org.web3j.crypto.Credentials;

/**
 * A merchant's amount rules (underpayment tolerance per asset kind, over-payments accepted or
 * refused) set by the operator API, read by the shop, validated, and applied to checkouts created
 * after the change on another instance, never to one created before; through HTTP, PostgreSQL,
 * Redis and anvil.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MerchantAmountRulesEndToEndTest {
  private static final String TOKEN = "operator-token-" + UUID.randomUUID();
  private TollgateFixture app;
  private TollgateFixture.Instance first;
  private TollgateFixture.Instance second;

  @BeforeAll
  void start() throws Exception {
    String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(TOKEN.getBytes(StandardCharsets.UTF_8)));
    app = TollgateFixture.start(Map.of("admin.token-sha256", hash));
    first = app.firstInstance();
    second = app.startInstance();
  }

  @AfterAll
  void stop() {
    app.close();
  }

  @Test
  void theOperatorSetsTheRulesTheShopReadsThemAndNewCheckoutsOnEveryInstanceFollowThem() {
    JsonObject shown = app.merchantGet("/v1/merchant").json();
    assertThat(shown.getJsonObject("underpaymentTolerance"))
        .isEqualTo(new JsonObject().put("stablecoinBps", 0).put("nativeBps", 50));
    assertThat(shown.getString("overpayments")).isEqualTo("accept");
    assertThat(shown.getString("mode")).isEqualTo("test");
    assertThat(shown.getJsonArray("paymentMethods")).isNotEmpty();

    Credentials buyer = app.buyer(100);
    JsonObject before = checkout(buyer); // created under tolerance 0

    app.target(first);
    TollgateFixture.Response patched = admin("PATCH", "/v1/admin/merchants/" + app.merchantId, new JsonObject()
        .put("underpaymentTolerance", new JsonObject().put("stablecoinBps", 100)));
    assertThat(patched.status()).as(patched.body()).isEqualTo(200);
    assertThat(patched.json().getJsonObject("underpaymentTolerance"))
        .isEqualTo(new JsonObject().put("stablecoinBps", 100).put("nativeBps", 50));

    app.target(second);
    assertThat(app.merchantGet("/v1/merchant").json().getJsonObject("underpaymentTolerance").getInteger("stablecoinBps"))
        .isEqualTo(100);
    JsonObject after = checkout(buyer); // created on the other instance, under 100 bps
    // 1 % short: the checkout made before the change stays underpaid, the one after is paid.
    assertThat(pay(before, buyer, 9_900_000).getString("status")).isEqualTo("underpaid");
    assertThat(pay(after, buyer, 9_900_000).getString("status")).isEqualTo("paid");

    app.target(first);
    assertThat(admin("PATCH", "/v1/admin/merchants/" + app.merchantId, new JsonObject().put("overpayments", "refuse")
        .put("underpaymentTolerance", new JsonObject().put("stablecoinBps", 0))).status()).isEqualTo(200);
    app.target(second);
    JsonObject refusing = checkout(buyer);
    JsonObject overpaid = pay(refusing, buyer, 10_000_001);
    assertThat(overpaid.getString("status")).isEqualTo("failed");
    assertThat(overpaid.getString("statusReason")).isEqualTo("overpaid");

    app.target(first);
    assertThat(admin("PATCH", "/v1/admin/merchants/" + app.merchantId, new JsonObject().put("overpayments", "accept"))
        .status()).isEqualTo(200);
  }

  @Test
  void badRulesAreRefusedWithACodeAndASentence() {
    app.target(first);
    assertRefused(new JsonObject().put("underpaymentTolerance", new JsonObject().put("stablecoinBps", 1001)), "stablecoinBps");
    assertRefused(new JsonObject().put("underpaymentTolerance", new JsonObject().put("nativeBps", -1)), "nativeBps");
    assertRefused(new JsonObject().put("underpaymentTolerance", new JsonObject().put("nativeBps", 2.5)), "nativeBps");
    assertRefused(new JsonObject().put("underpaymentTolerance", new JsonObject().put("percent", 1)), "percent");
    assertRefused(new JsonObject().put("overpayments", "keep"), "overpayments");
    TollgateFixture.Response created = admin("POST", "/v1/admin/merchants", new JsonObject().put("name", "Strict")
        .put("paymentMethods", new JsonArray().add(new JsonObject().put("chainId", TollgateFixture.CHAIN_ID)
            .put("token", "ETH").put("recipient", TollgateFixture.RECIPIENT)))
        .put("underpaymentTolerance", new JsonObject().put("nativeBps", 0)).put("overpayments", "refuse"));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(created.json().getJsonObject("underpaymentTolerance"))
        .isEqualTo(new JsonObject().put("stablecoinBps", 0).put("nativeBps", 0));
    assertThat(created.json().getString("overpayments")).isEqualTo("refuse");
    // Nothing changed on the fixture's merchant.
    assertThat(app.merchantGet("/v1/merchant").json().getJsonObject("underpaymentTolerance").getInteger("nativeBps"))
        .isEqualTo(50);
  }

  private void assertRefused(JsonObject body, String field) {
    TollgateFixture.Response r = admin("PATCH", "/v1/admin/merchants/" + app.merchantId, body);
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("invalid_request");
    JsonObject error = r.json().getJsonObject("error");
    assertThat(error.getString("detail")).as(r.body()).isNotBlank().contains(field);
  }

  private JsonObject checkout(Credentials payer) {
    TollgateFixture.Response r = app.createCheckout("k-" + UUID.randomUUID(), new JsonObject().put("orderReference", "R-1")
        .put("amount", "10.00").put("payer", payer.getAddress())
        .put("paymentOptions", new JsonArray().add(new JsonObject().put("chainId", TollgateFixture.CHAIN_ID).put("token", "USDC"))));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json();
  }

  private JsonObject pay(JsonObject checkout, Credentials buyer, long units) {
    String tx = app.chain.transferToken(buyer, app.usdc, TollgateFixture.RECIPIENT, BigInteger.valueOf(units));
    assertThat(app.submit(checkout, "USDC", tx).status()).isEqualTo(202);
    return app.awaitSettled(checkout);
  }

  private TollgateFixture.Response admin(String method, String path, JsonObject body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(app.base() + path))
        .method(method, HttpRequest.BodyPublishers.ofString(body.encode()))
        .header("Content-Type", "application/json").header("Authorization", "Bearer " + TOKEN);
    return app.send(b);
  }
}
