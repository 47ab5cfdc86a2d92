package io.tollgate.inbound;

import static io.tollgate.testing.Async.await;
import static io.tollgate.testing.Async.awaitFailure;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.tollgate.testing.MutableClock;
import io.tollgate.testing.TestRows;
import io.tollgate.testing.TestVertx;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The inbound intake on a real PostgreSQL, without HTTP: signed Stripe-format deliveries to test
 * handlers that write through the intake's transaction, so what is stored, deduplicated, rolled
 * back, captured and retried is visible. Processor semantics are in ProcessorPaymentsTest; the
 * HTTP route in InboundWebhookEndToEndTest.
 */
class InboundWebhooksTest {
  private static final String VARIANT = "stripe-test";
  private static final String SECRET = "whsec_inbound_test_secret_0123456789";

  private static TestVertx env;
  private static UUID merchant;
  private final MutableClock clock = MutableClock.atNow();
  private final AtomicInteger applied = new AtomicInteger();
  private final AtomicBoolean failing = new AtomicBoolean();
  private InboundWebhooks intake;

  @BeforeAll
  static void start() {
    env = TestVertx.withDatabase();
    merchant = TestRows.merchant(env.pool());
    env.sql("CREATE TABLE handler_writes (event_id text NOT NULL)");
  }

  @AfterAll
  static void stop() {
    env.close();
  }

  @BeforeEach
  void newIntake() {
    WebhookHandler writes = (event, ctx) -> ctx.connection()
        .preparedQuery("INSERT INTO handler_writes (event_id) VALUES ($1)").execute(Tuple.of(event.eventId()))
        .compose(ignored -> {
          if (failing.get()) return Future.failedFuture(new IllegalStateException("handler failed on " + event.eventId()));
          applied.incrementAndGet();
          return Future.succeededFuture(new HandlerOutcome.Applied("wrote " + event.eventId()));
        });
    WebhookHandler throwing = (event, ctx) -> {
      throw new IllegalArgumentException("handler threw on " + event.eventId());
    };
    WebhookHandler unmatched = (event, ctx) -> Future.succeededFuture(new HandlerOutcome.Unmatched("no such checkout"));
    WebhookHandlerRegistry registry = WebhookHandlerRegistry.builder()
        .register(InboundProvider.STRIPE, "test.writes", writes)
        .register(InboundProvider.STRIPE, "test.throws", throwing)
        .register(InboundProvider.STRIPE, "test.unmatched", unmatched)
        .build();
    InboundVariant variant = new InboundVariant(VARIANT, InboundProvider.STRIPE,
        new StripeSignatureScheme(List.of(SECRET), clock), merchant);
    intake = new InboundWebhooks(env.pool(), Map.of(VARIANT, variant), registry, clock,
        new InboundMetrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry()));
  }

  private static String event(String kind) {
    return new JsonObject().put("id", "evt_" + UUID.randomUUID()).put("object", "event").put("type", kind)
        .put("data", new JsonObject().put("object", new JsonObject().put("note", "caf\u00e9"))).encode();
  }

  private MultiMap signed(String body, String secret) {
    long t = clock.instant().getEpochSecond();
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      String v1 = HexFormat.of().formatHex(mac.doFinal((t + "." + body).getBytes(StandardCharsets.UTF_8)));
      return MultiMap.caseInsensitiveMultiMap().add(StripeSignatureScheme.HEADER, "t=" + t + ",v1=" + v1);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private Future<InboundWebhooks.Receipt> receive(String body) {
    return intake.receive(VARIANT, signed(body, SECRET), Buffer.buffer(body));
  }

  private static String idOf(String body) {
    return new JsonObject(body).getString("id");
  }

  private static long writesOf(String body) {
    return env.count("SELECT count(*) FROM handler_writes WHERE event_id = $1", idOf(body));
  }

  @Test
  void shouldStoreTheRawBodyProcessOnceAndAcknowledgeDuplicates() {
    String body = event("test.writes");

    InboundWebhooks.Receipt first = await(receive(body));
    InboundWebhooks.Receipt again = await(receive(body));

    assertThat(first.duplicate()).isFalse();
    assertThat(first.status()).isEqualTo("processed");
    assertThat(again.duplicate()).isTrue();
    assertThat(again.status()).isEqualTo("processed");
    assertThat(again.id()).isEqualTo(first.id());
    assertThat(applied).hasValue(1);
    assertThat(writesOf(body)).isEqualTo(1);
    JsonObject stored = await(intake.event(first.id()));
    assertThat(stored.getInteger("attempts")).isEqualTo(1);
    assertThat(stored.getString("outcome")).isEqualTo("wrote " + idOf(body));
    assertThat(env.one("SELECT raw_body, merchant_id FROM inbound_webhook_events WHERE id = $1", first.id())
        .getString("raw_body")).as("byte for byte, as signed").isEqualTo(body);
  }

  @Test
  void shouldCaptureAHandlerFailureRollBackItsWritesAndApplyItOnceOnRetry() {
    String body = event("test.writes");
    failing.set(true);

    InboundWebhooks.Receipt receipt = await(receive(body));

    assertThat(receipt.status()).as("stored, so acknowledged; the failure is ours to retry").isEqualTo("failed");
    JsonObject failed = await(intake.event(receipt.id()));
    assertThat(failed.getString("lastError")).contains("handler failed on " + idOf(body));
    assertThat(failed.getString("stackTrace")).contains(InboundWebhooksTest.class.getName());
    assertThat(writesOf(body)).as("the handler's write rolled back with it").isZero();

    failing.set(false);
    JsonObject retried = await(intake.retry(receipt.id()));
    JsonObject retriedAgain = await(intake.retry(receipt.id()));

    assertThat(retried.getString("status")).isEqualTo("processed");
    assertThat(retried.getInteger("attempts")).isEqualTo(2);
    assertThat(retried.getString("lastError")).isNull();
    assertThat(retried.getString("stackTrace")).isNull();
    assertThat(retriedAgain.getInteger("attempts")).as("a processed event is left alone").isEqualTo(2);
    assertThat(writesOf(body)).isEqualTo(1);
    assertThat(applied).hasValue(1);
  }

  @Test
  void shouldProcessAgainAFailedEventThatTheProviderRedelivers() {
    String body = event("test.writes");
    failing.set(true);
    await(receive(body));
    failing.set(false);

    InboundWebhooks.Receipt redelivered = await(receive(body));

    assertThat(redelivered.duplicate()).isTrue();
    assertThat(redelivered.status()).isEqualTo("processed");
    assertThat(writesOf(body)).isEqualTo(1);
  }

  @Test
  void shouldCaptureAHandlerThatThrowsInsteadOfFailingItsFuture() {
    String body = event("test.throws");

    InboundWebhooks.Receipt receipt = await(receive(body));

    assertThat(receipt.status()).isEqualTo("failed");
    assertThat(await(intake.event(receipt.id())).getString("lastError")).contains("handler threw on " + idOf(body));
  }

  @Test
  void shouldAcknowledgeUnknownKindsAsIgnoredAndKeepUnmatchedEventsForReview() {
    String unknown = event("customer.created");
    String unmatched = event("test.unmatched");

    assertThat(await(receive(unknown)).status()).isEqualTo("ignored");
    assertThat(await(receive(unmatched)).status()).isEqualTo("unmatched");

    JsonArray forReview = await(intake.list("unmatched", 100));
    assertThat(forReview.stream().map(e -> ((JsonObject) e).getString("eventId")))
        .contains(idOf(unmatched)).doesNotContain(idOf(unknown));
  }

  @Test
  void shouldRefuseBadOrStaleSignaturesAndStoreNothing() {
    String forged = event("test.writes");
    String stale = event("test.writes");
    MultiMap staleHeaders = signed(stale, SECRET);
    clock.advance(Duration.ofMinutes(10));

    Throwable wrongSecret = awaitFailure(intake.receive(VARIANT, signed(forged, "whsec_someone_else"), Buffer.buffer(forged)));
    Throwable tooOld = awaitFailure(intake.receive(VARIANT, staleHeaders, Buffer.buffer(stale)));
    Throwable noVariant = awaitFailure(intake.receive("nope", signed(forged, SECRET), Buffer.buffer(forged)));

    assertThat(((ApiException) wrongSecret).error()).isEqualTo(ErrorCode.INVALID_WEBHOOK_SIGNATURE);
    assertThat(((ApiException) tooOld).error()).isEqualTo(ErrorCode.INVALID_WEBHOOK_SIGNATURE);
    assertThat(((ApiException) noVariant).error()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(env.count("SELECT count(*) FROM inbound_webhook_events WHERE event_id IN ($1, $2)", idOf(forged), idOf(stale)))
        .isZero();
  }

  @Test
  void shouldStoreAndApplyConcurrentDuplicatesOnce() {
    String body = event("test.writes");
    List<Future<InboundWebhooks.Receipt>> deliveries = new ArrayList<>();

    for (int i = 0; i < 8; i++) deliveries.add(receive(body));
    await(Future.all(deliveries));

    assertThat(deliveries).filteredOn(f -> !f.result().duplicate()).hasSize(1);
    assertThat(deliveries).allMatch(f -> f.result().status().equals("processed"));
    assertThat(applied).hasValue(1);
    assertThat(writesOf(body)).isEqualTo(1);
  }
}
