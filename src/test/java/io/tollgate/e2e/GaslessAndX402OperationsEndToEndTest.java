package io.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.Credentials;

/**
 * What an on-call engineer sees of the features added after the business-event log: an x402
 * settlement made with a facilitator key the operator API created, relayed by the chain's relayer
 * key, and a live status stream opened with the client secret in its URL. The relay's lines and the
 * settlement's outcome are business events with ids that lead to each other, both are counted in
 * {@code /metrics} (with the relayer's balance series the alert rules query), and none of the new
 * kinds of secret (relayer private key, facilitator key, operator token, authorization signature,
 * a client secret in an SSE URL) is in the log, in either format.
 */
class GaslessAndX402OperationsEndToEndTest {
  /** anvil's development key #6, as X402FacilitatorEndToEndTest's relayer. */
  private static final String RELAYER_KEY = X402FacilitatorEndToEndTest.RELAYER_KEY;
  private static final String PAY_TO = X402FacilitatorEndToEndTest.PAY_TO;
  private static final String ADMIN_TOKEN = "operator-" + UUID.randomUUID();

  @Test
  void aRelayedX402SettlementIsLoggedAndCountedAndNoNewKindOfSecretIsLogged() throws Exception {
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    ByteArrayOutputStream json = new ByteArrayOutputStream();
    List<OutputStreamAppender<ILoggingEvent>> appenders = List.of(LogCapture.capture("text", text), LogCapture.capture("json", json));
    List<String> secrets = new ArrayList<>(List.of(RELAYER_KEY, RELAYER_KEY.substring(2), ADMIN_TOKEN));
    String settlementId;
    String transaction;
    String scrape;
    EventStreamClient streams = new EventStreamClient(4);
    List<JsonObject> wire = new ArrayList<>();
    try (WebhookReceiver receiver = new WebhookReceiver();
        TollgateFixture app = TollgateFixture.startWithMetrics(Map.of(
        "chain.31337.tokens", "USDC,ETH",
        "chain.31337.token.USDC.eip712-name", "USD Coin", "chain.31337.token.USDC.eip712-version", "2",
        "chain.31337.relayer.private-key", RELAYER_KEY,
        "admin.token-sha256", sha256(ADMIN_TOKEN)))) {
      secrets.add(app.apiKey);
      secrets.add(app.setting("secrets.client-secret-key"));

      // the operator makes the resource server's key
      TollgateFixture.Response key = app.send(HttpRequest.newBuilder(URI.create(app.base() + "/v1/admin/merchants/"
              + app.merchantId + "/api-keys"))
          .header("Authorization", "Bearer " + ADMIN_TOKEN).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("mode", "test").put("scope", "facilitator").encode())));
      assertThat(key.status()).as(key.body()).isEqualTo(201);
      String facilitatorKey = key.json().getString("key");
      secrets.add(facilitatorKey);
      TollgateFixture.Response hook = app.send(HttpRequest.newBuilder(URI.create(app.base() + "/v1/webhook-endpoints"))
          .header("Authorization", "Bearer " + app.apiKey).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("url", receiver.url("/x402"))
              .put("eventTypes", new io.vertx.core.json.JsonArray().add("x402.settlement.settled")).encode())));
      assertThat(hook.status()).as(hook.body()).isEqualTo(201);
      secrets.add(hook.json().getString("secret"));
      secrets.add(hook.json().getString("secret").substring("whsec_".length()));

      // a buyer follows a checkout live, the client secret in the URL as EventSource sends it
      JsonObject checkout = app.newCheckout("2.00", "USDC");
      String clientSecret = checkout.getString("clientSecret");
      secrets.add(clientSecret);
      secrets.add(URLEncoder.encode(clientSecret, StandardCharsets.UTF_8));
      EventStreamClient.Stream stream = streams.open(app.base(), checkout.getString("id"), clientSecret, true, null)
          .toCompletionStage().toCompletableFuture().get();
      assertThat(stream.status).isEqualTo(200);
      assertThat(stream.awaitStatus("open", 10)).isNotNull();
      stream.close();

      // an x402 payment settled through the relayer
      Credentials payer = app.chain.newAccount(BigInteger.ZERO);
      app.chain.mintToken(app.usdc, payer.getAddress(), BigInteger.valueOf(2_000_000));
      JsonObject body = X402Payloads.paying(payer,
          X402Payloads.requirements(app.usdc, "1250000", PAY_TO, "USD Coin", "2"), app.usdc);
      String signature = body.getJsonObject("paymentPayload").getJsonObject("payload").getString("signature");
      secrets.add(signature);
      secrets.add(signature.substring(2));
      TollgateFixture.Response settled = app.send(HttpRequest.newBuilder(URI.create(app.base() + "/x402/settle"))
          .header("Authorization", "Bearer " + facilitatorKey).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body.encode())));
      assertThat(settled.status()).as(settled.body()).isEqualTo(200);
      assertThat(settled.json().getBoolean("success")).as(settled.body()).isTrue();
      settlementId = settled.json().getJsonObject("extra").getString("settlementId");
      transaction = settled.json().getString("transaction");

      // the newer answers and bodies speak the API's one convention: camelCase, RFC 3339 with milliseconds
      String id = settlementId;
      WebhookReceiver.Received told = receiver.await(r -> r.body().contains(id), 1).get(0);
      assertThat(told.type()).isEqualTo("x402.settlement.settled");
      wire.add(told.json());
      wire.add(settled.json());
      wire.add(app.send(HttpRequest.newBuilder(URI.create(app.base() + "/x402/settlements/" + settlementId))
          .header("Authorization", "Bearer " + facilitatorKey).GET()).json());
      for (String console : List.of("/v1/admin/relayers", "/v1/admin/stats/live", "/v1/admin/checkouts/" + checkout.getString("id"),
          "/v1/admin/checkouts/" + checkout.getString("id") + "/audit")) {
        TollgateFixture.Response read = app.send(HttpRequest.newBuilder(URI.create(app.base() + console))
            .header("Authorization", "Bearer " + ADMIN_TOKEN).GET());
        assertThat(read.status()).as(console + ": " + read.body()).isEqualTo(200);
        wire.add(read.json());
      }
      wire.add(stream.events.get(0).json());

      scrape = "";
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (System.nanoTime() < deadline) {
        scrape = app.get("/metrics", null, Map.of()).body();
        if (scrape.contains("tollgate_x402_settlements_total{")) break;
        TollgateFixture.sleep(100);
      }
    } finally {
      streams.close();
      Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
      appenders.forEach(a -> {
        root.detachAppender(a);
        a.stop();
      });
    }

    String textLog = text.toString(StandardCharsets.UTF_8);
    String jsonLog = json.toString(StandardCharsets.UTF_8);
    String purpose = "purpose=x402:" + settlementId;
    String sent = line(textLog, "relay sent relayId=");
    assertThat(sent).contains(purpose).contains("chainId=31337").contains("txHash=0x").contains("INFO");
    String relayId = sent.replaceAll(".*relayId=([0-9a-f-]{36}).*", "$1");
    assertThat(line(textLog, "relay mined relayId=" + relayId)).contains(purpose).contains("txHash=" + transaction);
    assertThat(line(textLog, "x402 settlement settled settlementId=" + settlementId)).contains("merchantId=")
        .contains("network=eip155:31337").contains("txHash=" + transaction);
    List<JsonObject> lines = jsonLog.lines().map(JsonObject::new).toList();
    assertThat(lines).anyMatch(l -> "io.tollgate.events".equals(l.getString("logger_name"))
        && settlementId.equals(l.getString("settlementId")) && transaction.equals(l.getString("txHash")));
    assertThat(lines).anyMatch(l -> relayId.equals(l.getString("relayId")) && ("x402:" + settlementId).equals(l.getString("purpose")));

    Map<String, Double> m = MetricsEndToEndTest.parse(scrape);
    assertThat(m.get("tollgate_x402_settlements_total{network=\"eip155:31337\",outcome=\"settled\",reason=\"none\"}"))
        .as(scrape).isGreaterThanOrEqualTo(1.0);
    assertThat(m.get("tollgate_relays_total{chain=\"31337\",outcome=\"sent\",reason=\"none\"}")).isGreaterThanOrEqualTo(1.0);
    assertThat(m.get("tollgate_relays_total{chain=\"31337\",outcome=\"mined\",reason=\"none\"}")).isGreaterThanOrEqualTo(1.0);
    // what the relayer alerts query exists where a relayer key is set
    String relayer = Credentials.create(RELAYER_KEY).getAddress().toLowerCase();
    for (String series : List.of("tollgate_relay_balance_wei", "tollgate_relay_relays_left", "tollgate_relay_balance_low_total")) {
      assertThat(m.keySet()).as(series).contains(series + "{chain=\"31337\",relayer=\"" + relayer + "\"}");
    }

    for (JsonObject body : wire) {
      List<String> odd = new ArrayList<>();
      offConvention(body, "", odd);
      assertThat(odd).as(body.encode()).isEmpty();
    }
    assertThat(wire.get(0).getString("createdAt")).matches(MILLIS);

    for (String secret : secrets) {
      assertThat(textLog).as("a secret in the text log").doesNotContain(secret);
      assertThat(jsonLog).as("a secret in the JSON log").doesNotContain(secret);
    }
  }

  private static final String MILLIS = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z";

  /** Field names that are not camelCase, and timestamps without exactly three fraction digits in UTC. */
  private static void offConvention(Object value, String at, List<String> odd) {
    if (value instanceof JsonObject o) {
      for (String name : o.fieldNames()) {
        if (!name.matches("[a-z][a-zA-Z0-9]*")) odd.add(at + name + " is not camelCase");
        offConvention(o.getValue(name), at + name + ".", odd);
      }
    } else if (value instanceof io.vertx.core.json.JsonArray a) {
      for (int i = 0; i < a.size(); i++) offConvention(a.getValue(i), at + i + ".", odd);
    } else if (value instanceof String text && text.matches("\\d{4}-\\d{2}-\\d{2}T.*") && !text.matches(MILLIS)) {
      odd.add(at + " " + text + " is not RFC 3339 with milliseconds in UTC");
    }
  }

  private static String line(String log, String fragment) {
    return log.lines().filter(l -> l.contains(fragment)).findFirst()
        .orElseThrow(() -> new AssertionError("no line with \"" + fragment + "\" in:\n" + log));
  }

  private static String sha256(String text) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }
}
