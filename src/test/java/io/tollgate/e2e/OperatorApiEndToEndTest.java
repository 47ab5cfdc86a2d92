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
 * Merchants and keys through the operator API, over HTTP, PostgreSQL and two instances: every
 * operation and every refusal, and a revocation refused at once by an instance that had the key
 * cached for an hour.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperatorApiEndToEndTest {
  private static final String TOKEN = "operator-token-" + UUID.randomUUID();
  private static final String CHECKSUMMED = "0x52908400098527886E0F7030069857D2E4169EE7";
  private TollgateFixture app;
  private TollgateFixture.Instance second;

  @BeforeAll
  void start() throws Exception {
    String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(TOKEN.getBytes(StandardCharsets.UTF_8)));
    // an hour of key cache: a revocation that waited for it would never show in this test
    app = TollgateFixture.start(Map.of("admin.token-sha256", hash, "merchant.key-cache-seconds", "3600"));
    second = app.startInstance();
  }

  @AfterAll
  void stop() {
    app.close();
  }

  @Test
  void createsListsReadsAndUpdatesMerchants() {
    TollgateFixture.Response created = admin("POST", "/v1/admin/merchants", new JsonObject().put("name", "Concert hall")
        .put("paymentMethods", new JsonArray().add(method(31337, "USDC", CHECKSUMMED))));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    JsonObject merchant = created.json();
    assertThat(merchant.getString("name")).isEqualTo("Concert hall");
    assertThat(merchant.getString("payerBinding")).isEqualTo("required");
    assertThat(merchant.getJsonArray("paymentMethods").getJsonObject(0).getString("recipient")).isEqualTo(CHECKSUMMED.toLowerCase());
    assertThat(merchant.getJsonArray("paymentMethods").getJsonObject(0).getString("mode")).isEqualTo("test");
    assertThat(merchant.getString("createdAt")).matches(".*T.*\\.\\d{3}Z");
    String id = merchant.getString("id");

    assertThat(admin("GET", "/v1/admin/merchants", null).json().getJsonArray("data").stream()
        .map(o -> ((JsonObject) o).getString("id"))).contains(id, app.merchantId.toString());
    assertThat(admin("GET", "/v1/admin/merchants/" + id, null).json().getString("name")).isEqualTo("Concert hall");

    TollgateFixture.Response updated = admin("PATCH", "/v1/admin/merchants/" + id, new JsonObject().put("name", "Concert hall 2")
        .put("payerBinding", "optional").put("paymentMethods", new JsonArray().add(method(31337, "ETH", CHECKSUMMED.toLowerCase()))));
    assertThat(updated.status()).as(updated.body()).isEqualTo(200);
    assertThat(updated.json().getString("name")).isEqualTo("Concert hall 2");
    assertThat(updated.json().getString("payerBinding")).isEqualTo("optional");
    assertThat(updated.json().getJsonArray("paymentMethods")).hasSize(1);
    assertThat(updated.json().getJsonArray("paymentMethods").getJsonObject(0).getString("token")).isEqualTo("ETH");
  }

  @Test
  void refusesUnknownChainsTokensAndBadAddressesInOneSentence() {
    assertRefused(method(999, "DOGE", CHECKSUMMED), "invalid_payment_method", "chain 999 is not watched by this deployment");
    assertRefused(method(31337, "DOGE", CHECKSUMMED), "invalid_payment_method", "token DOGE is not configured on chain 31337");
    assertRefused(method(31337, "USDC", "0x52908400098527886E0F7030069857D2E4169Ee7"), "invalid_payment_method",
        "fails its EIP-55 checksum");
    assertRefused(method(31337, "USDC", "0x1234"), "invalid_payment_method", "is not an address");
    assertRefused(method(31337, "USDC", "0x" + "0".repeat(40)), "invalid_payment_method", "zero address");

    TollgateFixture.Response noMethods = admin("POST", "/v1/admin/merchants",
        new JsonObject().put("name", "x").put("paymentMethods", new JsonArray()));
    assertThat(noMethods.status()).isEqualTo(400);
    assertThat(detail(noMethods)).contains("paymentMethods");
    TollgateFixture.Response badBinding = admin("POST", "/v1/admin/merchants", new JsonObject().put("name", "x")
        .put("payerBinding", "sometimes").put("paymentMethods", new JsonArray().add(method(31337, "USDC", CHECKSUMMED))));
    assertThat(badBinding.status()).isEqualTo(400);
    assertThat(admin("GET", "/v1/admin/merchants/" + UUID.randomUUID(), null).errorCode()).isEqualTo("merchant_not_found");
    assertThat(admin("PATCH", "/v1/admin/merchants/" + UUID.randomUUID(), new JsonObject().put("name", "y")).status())
        .isEqualTo(404);
  }

  @Test
  void onlyTheOperatorMayCallAndAuthenticationComesBeforeValidation() {
    TollgateFixture.Response noToken = send("POST", "/v1/admin/merchants", "{\"name\": 5}", null);
    assertThat(noToken.status()).isEqualTo(401);
    TollgateFixture.Response wrong = send("GET", "/v1/admin/merchants", null, "not-the-token");
    assertThat(wrong.status()).isEqualTo(401);
    TollgateFixture.Response merchantKey = send("GET", "/v1/admin/merchants", null, app.apiKey);
    assertThat(merchantKey.status()).isEqualTo(401);
    assertThat(merchantKey.body()).as("says which credential the route wants").contains("operator token");
  }

  @Test
  void keysAreShownOnceListedWithPrefixAndLastUseRotatedWithOverlapAndRevokedEverywhereAtOnce() {
    String merchant = app.merchantId.toString();
    TollgateFixture.Response created = admin("POST", keys(merchant), new JsonObject().put("mode", "test"));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String key = created.json().getString("key");
    String keyId = created.json().getString("id");
    assertThat(key).startsWith("tg_test_").hasSize(8 + 43);
    assertThat(created.json().getString("prefix")).isEqualTo(key.substring(0, 12));

    // used on both instances: each now holds it in its (hour-long) cache
    assertThat(checkoutWith(key, app.base()).status()).isEqualTo(201);
    assertThat(checkoutWith(key, second.base()).status()).isEqualTo(201);

    JsonObject listed = find(admin("GET", keys(merchant), null).json().getJsonArray("data"), keyId);
    assertThat(listed.containsKey("key")).isFalse();
    assertThat(listed.getString("prefix")).isEqualTo(key.substring(0, 12));
    assertThat(listed.getString("mode")).isEqualTo("test");
    assertThat(listed.getString("status")).isEqualTo("active");
    assertThat(listed.getString("createdAt")).isNotNull();
    assertThat(listed.getString("lastUsedAt")).as("last use recorded").isNotNull();

    // rotation with an overlap: both keys work
    TollgateFixture.Response rotated = admin("POST", keys(merchant) + "/" + keyId + "/rotate", new JsonObject().put("overlapSeconds", 3600));
    assertThat(rotated.status()).as(rotated.body()).isEqualTo(201);
    String successor = rotated.json().getString("key");
    assertThat(successor).startsWith("tg_test_").isNotEqualTo(key);
    assertThat(checkoutWith(key, second.base()).status()).isEqualTo(201);
    assertThat(checkoutWith(successor, second.base()).status()).isEqualTo(201);
    assertThat(find(admin("GET", keys(merchant), null).json().getJsonArray("data"), keyId).getString("status")).isEqualTo("expiring");
    assertThat(admin("POST", keys(merchant) + "/" + keyId + "/rotate", new JsonObject()).errorCode()).isEqualTo("api_key_revoked");

    // revoked through the first instance: the second refuses it at once, its hour of cache notwithstanding
    TollgateFixture.Response revoked = admin("POST", keys(merchant) + "/" + keyId + "/revoke", null);
    assertThat(revoked.status()).as(revoked.body()).isEqualTo(200);
    assertThat(revoked.json().getString("status")).isEqualTo("revoked");
    long deadline = System.nanoTime() + 2_000_000_000L;
    int status;
    do {
      status = checkoutWith(key, second.base()).status();
    } while (status != 401 && System.nanoTime() < deadline);
    assertThat(status).as("the revoked key on the other instance").isEqualTo(401);
    assertThat(checkoutWith(key, app.base()).status()).isEqualTo(401);
    assertThat(checkoutWith(successor, second.base()).status()).isEqualTo(201);
    // revoking again changes nothing
    assertThat(admin("POST", keys(merchant) + "/" + keyId + "/revoke", null).status()).isEqualTo(200);
  }

  @Test
  void aKeyRevokedWithTheCommandLineIsRefusedAtOnceByTheRunningService() {
    String merchant = app.merchantId.toString();
    JsonObject created = admin("POST", keys(merchant), new JsonObject().put("mode", "test")).json();
    assertThat(checkoutWith(created.getString("key"), second.base()).status()).isEqualTo(201); // cached for an hour

    var db = app.database.settings();
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    java.util.OptionalInt code = io.tollgate.cli.Commands.run(
        new String[] {"key", "revoke", "--merchant", merchant, "--key", created.getString("id")},
        java.nio.file.Path.of("absent.properties"),
        Map.of("TOLLGATE_DATABASE_URL", "postgresql://" + db.user() + "@" + db.host() + ":" + db.port() + "/" + db.database()),
        new java.io.PrintStream(out, true, StandardCharsets.UTF_8), new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).hasValue(0);

    long deadline = System.nanoTime() + 2_000_000_000L;
    int status;
    do {
      status = checkoutWith(created.getString("key"), second.base()).status();
    } while (status != 401 && System.nanoTime() < deadline);
    assertThat(status).isEqualTo(401);
  }

  @Test
  void rotationWithoutOverlapStopsTheOldKeyAtOnce() {
    String merchant = app.merchantId.toString();
    JsonObject created = admin("POST", keys(merchant), new JsonObject().put("mode", "test")).json();
    assertThat(checkoutWith(created.getString("key"), second.base()).status()).isEqualTo(201);
    TollgateFixture.Response rotated = admin("POST", keys(merchant) + "/" + created.getString("id") + "/rotate",
        new JsonObject().put("overlapSeconds", 0));
    assertThat(rotated.status()).isEqualTo(201);
    long deadline = System.nanoTime() + 2_000_000_000L;
    int status;
    do {
      status = checkoutWith(created.getString("key"), second.base()).status();
    } while (status != 401 && System.nanoTime() < deadline);
    assertThat(status).isEqualTo(401);
    assertThat(checkoutWith(rotated.json().getString("key"), second.base()).status()).isEqualTo(201);
  }

  @Test
  void keyRefusals() {
    String merchant = app.merchantId.toString();
    assertThat(admin("POST", keys(merchant), new JsonObject().put("mode", "staging")).status()).isEqualTo(400);
    assertThat(admin("POST", keys(UUID.randomUUID().toString()), new JsonObject().put("mode", "live")).errorCode())
        .isEqualTo("merchant_not_found");
    assertThat(admin("GET", keys(UUID.randomUUID().toString()), null).errorCode()).isEqualTo("merchant_not_found");
    assertThat(admin("POST", keys(merchant) + "/" + UUID.randomUUID() + "/revoke", null).errorCode()).isEqualTo("api_key_not_found");
    assertThat(admin("POST", keys(merchant) + "/" + UUID.randomUUID() + "/rotate", new JsonObject()).errorCode())
        .isEqualTo("api_key_not_found");
    String keyId = admin("POST", keys(merchant), new JsonObject().put("mode", "live")).json().getString("id");
    assertThat(admin("POST", keys(merchant) + "/" + keyId + "/rotate", new JsonObject().put("overlapSeconds", -1)).status())
        .isEqualTo(400);
    // another merchant's key is not this merchant's
    String other = admin("POST", "/v1/admin/merchants", new JsonObject().put("name", "Other")
        .put("paymentMethods", new JsonArray().add(method(31337, "USDC", CHECKSUMMED)))).json().getString("id");
    assertThat(admin("POST", keys(other) + "/" + keyId + "/revoke", null).errorCode()).isEqualTo("api_key_not_found");
  }

  private void assertRefused(JsonObject method, String code, String words) {
    TollgateFixture.Response r = admin("POST", "/v1/admin/merchants",
        new JsonObject().put("name", "Shop").put("paymentMethods", new JsonArray().add(method)));
    assertThat(r.status()).as(r.body()).isEqualTo(422);
    assertThat(r.errorCode()).isEqualTo(code);
    assertThat(detail(r)).contains(words).doesNotContain("\n").doesNotContain("Exception");
  }

  private static String detail(TollgateFixture.Response r) {
    return r.json().getJsonObject("error").getString("detail");
  }

  private static JsonObject method(long chainId, String token, String recipient) {
    return new JsonObject().put("chainId", chainId).put("token", token).put("recipient", recipient);
  }

  private static String keys(String merchant) {
    return "/v1/admin/merchants/" + merchant + "/api-keys";
  }

  private static JsonObject find(JsonArray items, String id) {
    return items.stream().map(o -> (JsonObject) o).filter(o -> id.equals(o.getString("id"))).findFirst().orElseThrow();
  }

  private TollgateFixture.Response checkoutWith(String key, String base) {
    return app.send(HttpRequest.newBuilder(URI.create(base + "/v1/checkouts"))
        .header("Authorization", "Bearer " + key).header("Idempotency-Key", UUID.randomUUID().toString())
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("orderReference", "o").put("amount", "1.00").encode())));
  }

  private TollgateFixture.Response admin(String method, String path, JsonObject body) {
    return send(method, path, body == null ? null : body.encode(), TOKEN);
  }

  private TollgateFixture.Response send(String method, String path, String body, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(app.base() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) b.header("Content-Type", "application/json");
    if (token != null) b.header("Authorization", "Bearer " + token);
    return app.send(b);
  }
}
