package io.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import io.tollgate.e2e.WebhookReceiver.Answer;
import io.tollgate.signature.TestSigner;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.Credentials;

/**
 * The log an on-call engineer reads, in both formats, captured through the production encoder
 * while a shop and a buyer go through everything that handles a secret: an API key, client
 * secrets, two webhook endpoints' signing secrets, a payer's signature, an inbound processor's
 * secret, the instance's own keys. Each business event has its line with the ids to follow it,
 * request lines carry the request id the answer echoes, and no secret appears anywhere.
 */
class BusinessLogEndToEndTest {
  private static final BigInteger USDC_12_50 = BigInteger.valueOf(12_500_000);
  private static final String INBOUND_SECRET = "whsec_" + Base64.getEncoder().encodeToString(
      "inbound-processor-secret-32bytes".getBytes(StandardCharsets.UTF_8));
  private static final Pattern TEXT_LINE_START =
      Pattern.compile("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}(Z|[+-]\\d{2}:\\d{2}) (TRACE|DEBUG|INFO |WARN |ERROR) ");

  @Test
  void aFullFlowLogsEveryBusinessEventWithItsIdsAndNoSecretInEitherFormat() throws Exception {
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    ByteArrayOutputStream json = new ByteArrayOutputStream();
    List<OutputStreamAppender<ILoggingEvent>> appenders = List.of(LogCapture.capture("text", text), LogCapture.capture("json", json));
    List<String> secrets = new ArrayList<>();
    String created;
    String paid;
    String failed;
    String okEndpoint;
    String failingEndpoint;
    String rejectedId;
    String expiredId;
    try (TollgateFixture app = TollgateFixture.start();
        WebhookReceiver ok = new WebhookReceiver();
        WebhookReceiver failing = new WebhookReceiver()) {
      secrets.add(app.apiKey);
      secrets.add(app.setting("secrets.client-secret-key"));
      secrets.add(app.setting("secrets.webhook-keys").substring(2));
      failing.answer(r -> Answer.of(500));
      JsonObject okHook = merchantPost(app, "/v1/webhook-endpoints", new JsonObject().put("url", ok.url("/ok"))).json();
      JsonObject failingHook = merchantPost(app, "/v1/webhook-endpoints",
          new JsonObject().put("url", failing.url("/failing"))).json();
      okEndpoint = okHook.getString("id");
      failingEndpoint = failingHook.getString("id");
      for (JsonObject hook : List.of(okHook, failingHook)) {
        secrets.add(hook.getString("secret"));
        secrets.add(hook.getString("secret").substring("whsec_".length()));
      }

      // a shop's own request id is kept and echoed; a malformed one is replaced
      TollgateFixture.Response create = app.send(HttpRequest.newBuilder(URI.create(app.base() + "/v1/checkouts"))
          .header("Authorization", "Bearer " + app.apiKey).header("Idempotency-Key", "log-" + UUID.randomUUID())
          .header("X-Request-Id", "shop-req-0001").header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(checkoutBody().encode())));
      assertThat(create.status()).as(create.body()).isEqualTo(201);
      assertThat(create.header("X-Request-Id")).isEqualTo("shop-req-0001");
      JsonObject checkout = create.json();
      created = checkout.getString("id");
      secrets.add(checkout.getString("clientSecret"));
      TollgateFixture.Response odd = app.get("/v1/checkouts/" + created + "/status", checkout.getString("clientSecret"),
          Map.of("X-Request-Id", "spaces and {braces}"));
      assertThat(odd.header("X-Request-Id")).isNotBlank().isNotEqualTo("spaces and {braces}").matches("[0-9a-f]+-[0-9a-f]+");

      Credentials buyer = app.buyer(100);
      secrets.add(buyer.getEcKeyPair().getPrivateKey().toString(16));
      String signature = bindPayer(app, checkout, buyer);
      secrets.add(signature);
      secrets.add(signature.substring(2));
      app.submit(checkout, "USDC", app.chain.transferToken(buyer, app.usdc, TollgateFixture.RECIPIENT, USDC_12_50));
      assertThat(app.awaitSettled(checkout).getString("status")).isEqualTo("paid");
      paid = created;

      JsonObject underpaid = app.newCheckout("12.50", "USDC", buyer);
      failed = underpaid.getString("id");
      secrets.add(underpaid.getString("clientSecret"));
      app.submit(underpaid, "USDC", app.chain.transferToken(buyer, app.usdc, TollgateFixture.RECIPIENT, BigInteger.ONE));
      assertThat(app.awaitSettled(underpaid).getString("status")).isEqualTo("underpaid");

      // a transfer to another address fails its checkout; a checkout nobody pays expires
      JsonObject misdirected = app.newCheckout("12.50", "USDC", buyer);
      rejectedId = misdirected.getString("id");
      secrets.add(misdirected.getString("clientSecret"));
      app.submit(misdirected, "USDC", app.chain.transferToken(buyer, app.usdc, "0x000000000000000000000000000000000000dead",
          USDC_12_50));
      assertThat(app.awaitSettled(misdirected).getString("status")).isEqualTo("failed");
      JsonObject lapsing = app.createCheckout(UUID.randomUUID().toString(), new JsonObject().put("orderReference", "LAPSE")
          .put("amount", "2.00").put("expiresInSeconds", 1)).json();
      expiredId = lapsing.getString("id");
      secrets.add(lapsing.getString("clientSecret"));
      assertThat(app.awaitSettled(lapsing).getString("status")).isEqualTo("expired");

      ok.await(r -> r.body().contains(paid) && r.body().contains("checkout.paid"), 1);
      failing.await(r -> r.body().contains(failed) && r.body().contains("checkout.underpaid"), 1);

      // an inbound processor's event, on a second instance configured for it
      secrets.add(INBOUND_SECRET);
      secrets.add(INBOUND_SECRET.substring("whsec_".length()));
      try (TollgateFixture.Instance intake = app.startAnother(Map.of("webhooks.dispatcher.enabled", "false",
          "webhooks.inbound.variants", "std", "webhooks.inbound.std.provider", "standard_webhooks",
          "webhooks.inbound.std.secrets", INBOUND_SECRET, "webhooks.inbound.std.merchant", app.merchantId.toString()))) {
        TollgateFixture.Response inbound = sendInbound(app, intake.base(), "msg_logtest_1");
        assertThat(inbound.status()).as(inbound.body()).isEqualTo(200);
      }
      TollgateFixture.sleep(500); // the last attempts' lines are written once their records commit
    } finally {
      Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
      appenders.forEach(a -> {
        root.detachAppender(a);
        a.stop();
      });
    }

    String textLog = text.toString(StandardCharsets.UTF_8);
    String jsonLog = json.toString(StandardCharsets.UTF_8);
    assertThat(textLog.lines()).allSatisfy(line -> assertThat(line).matches(l -> TEXT_LINE_START.matcher(l).find()
        || l.startsWith("\t") || l.startsWith("Caused by") || l.startsWith("\tat") || l.isBlank(), "a line or a trace"));
    assertThat(line(textLog, "checkout created checkoutId=" + created)).contains("requestId=shop-req-0001");
    assertThat(line(textLog, "payer bound checkoutId=" + paid)).isNotNull();
    // the claim is recorded by the payment-state verticle behind the event bus: the request id travels with it
    assertThat(line(textLog, "payment claimed checkoutId=" + paid)).contains("paymentId=").contains("txHash=0x")
        .containsPattern("requestId=[0-9a-f]+-[0-9a-f]+");
    assertThat(line(textLog, "checkout paid checkoutId=" + paid)).contains("paymentId=").contains("blockNumber=")
        .contains("confirmationDelaySeconds=");
    assertThat(line(textLog, "checkout underpaid checkoutId=" + failed)).contains("paymentId=");
    assertThat(line(textLog, "checkout failed checkoutId=" + rejectedId)).contains("paymentId=").contains("reason=wrong_recipient");
    assertThat(line(textLog, "checkout expired checkoutId=" + expiredId)).contains("INFO"); // unpaid: no reason to give
    assertThat(line(textLog, "webhook delivered eventId=")).contains("endpointId=" + okEndpoint).contains("statusCode=2");
    assertThat(line(textLog, "endpointId=" + failingEndpoint + " attempt=1 statusCode=500"))
        .contains("webhook failed eventId=").contains("nextAttemptAt=");
    assertThat(line(textLog, "inbound event stored variant=std eventId=msg_logtest_1")).isNotNull();
    assertThat(line(textLog, "inbound event ignored variant=std eventId=msg_logtest_1")).isNotNull();

    List<JsonObject> lines = jsonLog.lines().map(JsonObject::new).toList();
    JsonObject paidLine = lines.stream().filter(l -> l.getString("message").startsWith("checkout paid ")
        && paid.equals(l.getString("checkoutId"))).findFirst().orElseThrow();
    assertThat(paidLine.getString("level")).isEqualTo("INFO");
    assertThat(paidLine.getString("logger_name")).isEqualTo("io.tollgate.events");
    assertThat(paidLine.getValue("paymentId")).isInstanceOf(Number.class);
    assertThat(Instant.parse(paidLine.getString("@timestamp").replace("+00:00", "Z"))).isBefore(Instant.now());
    assertThat(paidLine.getString("@timestamp")).matches(".*T.*(Z|[+-]\\d{2}:\\d{2})$");
    assertThat(lines).anyMatch(l -> "shop-req-0001".equals(l.getString("requestId"))
        && created.equals(l.getString("checkoutId")));

    for (String secret : secrets) {
      assertThat(textLog).as("a secret in the text log").doesNotContain(secret);
      assertThat(jsonLog).as("a secret in the JSON log").doesNotContain(secret);
    }
  }

  private static String line(String log, String fragment) {
    return log.lines().filter(l -> l.contains(fragment)).findFirst()
        .orElseThrow(() -> new AssertionError("no line with \"" + fragment + "\" in:\n" + log));
  }

  private static JsonObject checkoutBody() {
    return new JsonObject().put("orderReference", "ORDER-LOG").put("amount", "12.50").put("paymentOptions",
        new JsonArray().add(new JsonObject().put("chainId", TollgateFixture.CHAIN_ID).put("token", "USDC")));
  }

  /** As {@link TollgateFixture#bindPayer}, answering the signature sent. */
  private static String bindPayer(TollgateFixture app, JsonObject checkout, Credentials payer) {
    TollgateFixture.Response challenge = app.post("/v1/checkouts/" + checkout.getString("id") + "/challenge",
        checkout.getString("clientSecret"),
        new JsonObject().put("address", payer.getAddress()).put("chainId", TollgateFixture.CHAIN_ID).encode());
    String message = challenge.json().getString("message");
    String signature = TestSigner.signHex(TestSigner.personalSignHash(message), payer.getEcKeyPair());
    TollgateFixture.Response bound = app.post("/v1/checkouts/" + checkout.getString("id") + "/payer",
        checkout.getString("clientSecret"), new JsonObject().put("message", message).put("signature", signature).encode());
    assertThat(bound.status()).as(bound.body()).isEqualTo(200);
    return signature;
  }

  private static TollgateFixture.Response merchantPost(TollgateFixture app, String path, JsonObject body) {
    TollgateFixture.Response r = app.send(HttpRequest.newBuilder(URI.create(app.base() + path))
        .header("Authorization", "Bearer " + app.apiKey).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r;
  }

  private static TollgateFixture.Response sendInbound(TollgateFixture app, String base, String id) throws Exception {
    String body = new JsonObject().put("type", "invoice.something_new").put("data", new JsonObject()).encode();
    long t = Instant.now().getEpochSecond();
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(Base64.getDecoder().decode(INBOUND_SECRET.substring("whsec_".length())), "HmacSHA256"));
    String signature = "v1," + Base64.getEncoder().encodeToString(
        mac.doFinal((id + "." + t + "." + body).getBytes(StandardCharsets.UTF_8)));
    return app.send(HttpRequest.newBuilder(URI.create(base + "/v1/webhooks/std")).header("Content-Type", "application/json")
        .header("webhook-id", id).header("webhook-timestamp", Long.toString(t)).header("webhook-signature", signature)
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }
}
