package io.tollgate.webhook;

import static io.tollgate.testing.Async.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.testing.CuttableTcpProxy;
import io.tollgate.testing.TestRows;
import io.tollgate.testing.TestVertx;
import io.vertx.core.MultiMap;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Dispatch rounds on a real PostgreSQL to a real HTTP receiver on 127.0.0.1 (reached as shop.test,
 * pinned): what a round claims, what it sends, and what it records for each outcome. Driven by
 * {@link WebhookDispatcher#runOnce} directly, without the verticle's timer or NOTIFY wake-ups.
 */
class WebhookDispatcherTest {
  private static final Duration LEASE = Duration.ofSeconds(60);

  private static TestVertx env;
  private static SecretBox box;
  private static HttpServer receiver;
  private static final List<Received> received = new CopyOnWriteArrayList<>();
  /** Completed when a request to /hold arrives; the test then ends it through {@link #release}. */
  private static volatile Promise<Void> holdArrived;
  private static volatile Promise<Void> release;

  record Received(String path, MultiMap headers, Buffer body) {}

  private final Clock clock = Clock.systemUTC();
  private DeliveryClient client;
  private WebhookDispatcher dispatcher;
  private UUID merchant;

  @BeforeAll
  static void start() {
    env = TestVertx.withDatabase();
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    box = new SecretBox(Map.of(1, key), 1, new SecureRandom());
    receiver = await(env.vertx().createHttpServer().requestHandler(WebhookDispatcherTest::receive).listen(0, "127.0.0.1"));
  }

  @AfterAll
  static void stop() {
    env.close();
  }

  static void receive(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      received.add(new Received(request.path(), MultiMap.caseInsensitiveMultiMap().addAll(request.headers()), body));
      switch (request.path()) {
        case "/ok" -> request.response().setStatusCode(204).end();
        case "/fail" -> request.response().setStatusCode(500).end("try later");
        case "/gone" -> request.response().setStatusCode(410).end();
        case "/hold" -> {
          holdArrived.tryComplete();
          release.future().onComplete(done -> request.response().setStatusCode(200).end());
        }
        default -> request.response().setStatusCode(404).end();
      }
    });
  }

  @BeforeEach
  void newDispatcher() {
    received.clear();
    EndpointUrlPolicy policy = new EndpointUrlPolicy(
        EndpointUrlPolicyTest.pinned(Map.of("shop.test", List.of("127.0.0.1"))), EndpointUrlPolicy.Options.development());
    client = new DeliveryClient(env.vertx(), policy, clock, DeliveryClient.Options.defaults());
    dispatcher = new WebhookDispatcher(env.pool(), client, box, RetrySchedule.standard(), clock, LEASE,
        new WebhookMetrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry()));
    merchant = TestRows.merchant(env.pool());
    // Every test starts with nothing due, whatever earlier tests left behind.
    env.sql("UPDATE webhook_deliveries SET status = 'failed', next_attempt_at = NULL WHERE status = 'pending'");
  }

  @AfterEach
  void closeClient() {
    await(client.close());
  }

  private record Endpoint(UUID id, WebhookSecret secret) {}

  private Endpoint endpoint(String path) {
    return endpoint(path, box);
  }

  private Endpoint endpoint(String path, SecretBox sealedWith) {
    UUID id = UUID.randomUUID();
    WebhookSecret secret = WebhookSecret.generate(new SecureRandom());
    env.sql("""
        INSERT INTO webhook_endpoints (id, merchant_id, url, event_types, secret_sealed) VALUES ($1, $2, $3, $4, $5)""",
        id, merchant, "http://shop.test:" + receiver.actualPort() + path, new String[] {"checkout.paid"},
        Buffer.buffer(sealedWith.seal(secret, WebhookEndpoints.secretContext(id))));
    return new Endpoint(id, secret);
  }

  /** An event with one delivery to {@code endpoint}, due {@code dueIn} from now (negative: overdue). */
  private long due(Endpoint endpoint, Duration dueIn) {
    String event = "evt_" + UUID.randomUUID().toString().replace("-", "");
    env.sql("INSERT INTO webhook_events (id, merchant_id, type, body, created_at) VALUES ($1, $2, 'checkout.paid', $3, $4)",
        event, merchant, new JsonObject().put("id", event).put("type", "checkout.paid").encode(),
        OffsetDateTime.now(ZoneOffset.UTC));
    return env.one("""
        INSERT INTO webhook_deliveries (event_id, endpoint_id, status, next_attempt_at)
        VALUES ($1, $2, 'pending', now() + make_interval(secs => $3)) RETURNING id""",
        event, endpoint.id(), (double) dueIn.toSeconds()).getLong("id");
  }

  private static Row delivery(long id) {
    return env.one("SELECT * FROM webhook_deliveries WHERE id = $1", id);
  }

  private static Row attemptOf(long deliveryId) {
    return env.one("SELECT * FROM webhook_attempts WHERE delivery_id = $1", deliveryId);
  }

  private static Row endpointRow(Endpoint endpoint) {
    return env.one("SELECT * FROM webhook_endpoints WHERE id = $1", endpoint.id());
  }

  @Test
  void shouldSendADueDeliveryOnceSignedAndRecordTheAttempt() {
    Endpoint ok = endpoint("/ok");
    long id = due(ok, Duration.ZERO);

    assertThat(await(dispatcher.runOnce(10))).isEqualTo(1);
    assertThat(await(dispatcher.runOnce(10))).as("nothing left to claim").isZero();

    assertThat(received).hasSize(1);
    Received got = received.get(0);
    String eventId = delivery(id).getString("event_id");
    assertThat(got.headers().get("webhook-id")).isEqualTo(eventId);
    new StandardWebhookVerifier(clock).verify(got.headers(), got.body().getBytes(), List.of(ok.secret()));
    Row row = delivery(id);
    assertThat(row.getString("status")).isEqualTo("succeeded");
    assertThat(row.getInteger("attempts")).isEqualTo(1);
    assertThat(row.getValue("next_attempt_at")).isNull();
    Row attempt = attemptOf(id);
    assertThat(attempt.getString("outcome")).isEqualTo("success");
    assertThat(attempt.getInteger("status_code")).isEqualTo(204);
    assertThat(attempt.getInteger("attempt")).isEqualTo(1);
  }

  @Test
  void shouldScheduleTheNextAttemptAfterAFailureAndStartTheEndpointsFailingStreak() {
    Endpoint failing = endpoint("/fail");
    long id = due(failing, Duration.ZERO);

    await(dispatcher.runOnce(10));
    assertThat(await(dispatcher.runOnce(10))).as("not due again yet").isZero();

    Row row = delivery(id);
    Row attempt = attemptOf(id);
    assertThat(row.getString("status")).isEqualTo("pending");
    assertThat(row.getInteger("last_status_code")).isEqualTo(500);
    assertThat(attempt.getString("outcome")).isEqualTo("retry");
    assertThat(attempt.getString("response_body")).isEqualTo("try later");
    assertThat(row.getOffsetDateTime("next_attempt_at").toInstant()).isEqualTo(RetrySchedule.standard()
        .nextAttemptAt(1, attempt.getOffsetDateTime("attempted_at").toInstant(), Optional.empty()).orElseThrow());
    assertThat(endpointRow(failing).getOffsetDateTime("failing_since").toInstant())
        .isEqualTo(attempt.getOffsetDateTime("attempted_at").toInstant());
    assertThat(endpointRow(failing).getBoolean("enabled")).isTrue();
  }

  @Test
  void shouldDisableAnEndpointThatAnswersGoneAndStopItsOtherDeliveries() {
    Endpoint gone = endpoint("/gone");
    long now = due(gone, Duration.ZERO);
    long later = due(gone, Duration.ofHours(1));

    await(dispatcher.runOnce(10));

    Row endpoint = endpointRow(gone);
    assertThat(endpoint.getBoolean("enabled")).isFalse();
    assertThat(endpoint.getString("disabled_reason")).startsWith("gone");
    assertThat(delivery(now).getString("status")).isEqualTo("failed");
    assertThat(delivery(later).getString("status")).isEqualTo("failed");
    assertThat(delivery(later).getValue("next_attempt_at")).isNull();
    assertThat(attemptOf(now).getString("outcome")).isEqualTo("gone");
  }

  @Test
  void shouldNotClaimDeliveriesThatAreNotDueOrWhoseEndpointIsDisabled() {
    Endpoint disabled = endpoint("/ok");
    env.sql("UPDATE webhook_endpoints SET enabled = false WHERE id = $1", disabled.id());
    long toDisabled = due(disabled, Duration.ofSeconds(-5));
    long notYet = due(endpoint("/ok"), Duration.ofMinutes(5));

    assertThat(await(dispatcher.runOnce(10))).isZero();

    assertThat(received).isEmpty();
    assertThat(delivery(toDisabled).getInteger("attempts")).isZero();
    assertThat(delivery(notYet).getInteger("attempts")).isZero();
  }

  @Test
  void shouldRetryWithoutSendingWhenTheSecretCannotBeOpened() {
    byte[] otherKey = new byte[32];
    new SecureRandom().nextBytes(otherKey);
    Endpoint sealedElsewhere = endpoint("/ok", new SecretBox(Map.of(2, otherKey), 2, new SecureRandom()));
    long id = due(sealedElsewhere, Duration.ZERO);

    await(dispatcher.runOnce(10));

    assertThat(received).as("never sent unsigned").isEmpty();
    assertThat(delivery(id).getString("status")).isEqualTo("pending");
    assertThat(delivery(id).getString("last_error")).startsWith("secret_unavailable");
    assertThat(attemptOf(id).getString("outcome")).isEqualTo("retry");
  }

  @Test
  void shouldHideADeliveryFromOtherDispatchersWhileItsAttemptIsInFlight() {
    holdArrived = Promise.promise();
    release = Promise.promise();
    long id = due(endpoint("/hold"), Duration.ZERO);
    WebhookDispatcher other = new WebhookDispatcher(env.pool(), client, box, RetrySchedule.standard(), clock, LEASE,
        new WebhookMetrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry()));

    Future<Integer> first = dispatcher.runOnce(10);
    await(holdArrived.future());
    int claimedMeanwhile = await(other.runOnce(10));
    release.complete();

    assertThat(claimedMeanwhile).isZero();
    assertThat(await(first)).isEqualTo(1);
    assertThat(received).hasSize(1);
    assertThat(delivery(id).getString("status")).isEqualTo("succeeded");
    assertThat(delivery(id).getInteger("attempts")).isEqualTo(1);
  }

  /**
   * Issue 22: the database restarted while an attempt was in flight, so its success could not be
   * recorded at once. The outcome is recorded when the database is back (within the lease), and
   * the delivery is not sent again.
   */
  @Test
  void aSuccessIsRecordedAfterTheDatabaseComesBackAndNotSentAgain() {
    holdArrived = Promise.promise();
    release = Promise.promise();
    long id = due(endpoint("/hold"), Duration.ZERO);
    Duration shortLease = Duration.ofSeconds(6);
    try (CuttableTcpProxy proxy = new CuttableTcpProxy(env.vertx(), env.db().host(), env.db().port())) {
      io.tollgate.db.DatabaseSettings through = new io.tollgate.db.DatabaseSettings("127.0.0.1", proxy.port(),
          env.db().database(), env.db().user(), env.db().password());
      io.vertx.sqlclient.Pool pool = io.vertx.pgclient.PgBuilder.pool()
          .with(new io.vertx.sqlclient.PoolOptions().setMaxSize(4)).connectingTo(through.connectOptions())
          .using(env.vertx()).build();
      try {
        WebhookDispatcher restarting = new WebhookDispatcher(pool, client, box, RetrySchedule.standard(), clock, shortLease);
        Future<Integer> round = restarting.runOnce(10);
        await(holdArrived.future());
        proxy.cut(); // PostgreSQL "restarts" while the receiver is answering
        release.complete();
        sleep(1_500);
        proxy.restore();
        assertThat(await(round)).isEqualTo(1);
        assertThat(delivery(id).getString("status")).as("recorded once the database answered again").isEqualTo("succeeded");
        // Past the lease, another round finds nothing to send again.
        sleep(shortLease.toMillis());
        assertThat(await(restarting.runOnce(10))).isZero();
        assertThat(received).hasSize(1);
        assertThat(env.count("SELECT count(*) FROM webhook_attempts WHERE delivery_id = $1", id)).isEqualTo(1);
      } finally {
        await(pool.close());
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
