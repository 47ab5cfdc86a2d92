package io.tollgate.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Our signer and verifier against the official npm {@code standardwebhooks} library. Skipped only
 * when node or the package is missing (run {@code npm install} at the project root).
 */
class StandardWebhooksInteropTest {
  static final Path PROJECT = Path.of(System.getProperty("tollgate.project.dir", "."));
  static final Path SCRIPT = PROJECT.resolve("scripts/test/standardwebhooks.cjs");

  @BeforeAll
  static void requireNode() {
    assumeTrue(Files.isDirectory(PROJECT.resolve("node_modules/standardwebhooks")),
        "npm package standardwebhooks not installed");
    assumeTrue(run(new JsonObject().put("op", "sign").put("secret", StandardWebhookSignatureTest.SECRET.serialized())
        .put("id", "msg_probe").put("timestamp", 1).put("payload", "{}")) != null, "node is not available");
  }

  @Test
  void officialLibraryVerifiesWhatWeSendIncludingDuringRotation() {
    WebhookSecret old = WebhookSecret.generate(new SecureRandom());
    WebhookSecret current = WebhookSecret.generate(new SecureRandom());
    String body = new WebhookEvent("evt_01HZX3K6Q4M2V9N8B7C6D5E4F3", WebhookEventType.CHECKOUT_PAID, "live",
        Instant.parse("2026-01-02T03:04:05.123Z"), new JsonObject().put("checkoutId", "co_1").put("amount", "12.50"))
        .body();
    MultiMap headers = new StandardWebhookSigner(Clock.systemUTC())
        .sign("evt_01HZX3K6Q4M2V9N8B7C6D5E4F3", body.getBytes(StandardCharsets.UTF_8), List.of(old, current))
        .applyTo(MultiMap.caseInsensitiveMultiMap());
    JsonObject wireHeaders = new JsonObject();
    headers.forEach(e -> wireHeaders.put(e.getKey(), e.getValue()));

    for (WebhookSecret secret : List.of(old, current)) {
      JsonObject answer = run(new JsonObject().put("op", "verify").put("secret", secret.serialized())
          .put("headers", wireHeaders).put("payload", body));
      assertThat(answer.getBoolean("ok")).as(answer.encode()).isTrue();
      assertThat(answer.getJsonObject("parsed").getString("type")).isEqualTo("checkout.paid");
    }
    JsonObject tampered = run(new JsonObject().put("op", "verify").put("secret", current.serialized())
        .put("headers", wireHeaders).put("payload", body.replace("12.50", "99.99")));
    assertThat(tampered.getBoolean("ok")).isFalse();
    JsonObject stranger = run(new JsonObject().put("op", "verify")
        .put("secret", WebhookSecret.generate(new SecureRandom()).serialized())
        .put("headers", wireHeaders).put("payload", body));
    assertThat(stranger.getBoolean("ok")).isFalse();
  }

  @Test
  void weVerifyWhatTheOfficialLibrarySigns() {
    WebhookSecret secret = WebhookSecret.generate(new SecureRandom());
    long now = Instant.now().getEpochSecond();
    String payload = "{\"type\":\"invoice.paid\",\"data\":{\"ü\":\"€\"}}";
    String signature = run(new JsonObject().put("op", "sign").put("secret", secret.serialized())
        .put("id", "msg_2b3c").put("timestamp", now).put("payload", payload)).getString("signature");
    StandardWebhookHeaders verified = new StandardWebhookVerifier(Clock.systemUTC())
        .verify("msg_2b3c", Long.toString(now), signature, payload.getBytes(StandardCharsets.UTF_8), List.of(secret));
    assertThat(verified.timestamp().getEpochSecond()).isEqualTo(now);
  }

  /** Runs the node script; null when node cannot be started. */
  static JsonObject run(JsonObject request) {
    try {
      Process process = new ProcessBuilder("node", SCRIPT.toString()).directory(PROJECT.toFile()).start();
      process.getOutputStream().write(request.encode().getBytes(StandardCharsets.UTF_8));
      process.getOutputStream().close();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new AssertionError("node failed: " + err);
      }
      return new JsonObject(out);
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
