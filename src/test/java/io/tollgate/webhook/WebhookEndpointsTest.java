package io.tollgate.webhook;

import static io.tollgate.testing.Async.await;
import static io.tollgate.testing.Async.awaitFailure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.tollgate.testing.MutableClock;
import io.tollgate.testing.TestRows;
import io.tollgate.testing.TestVertx;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The merchant's webhook endpoints and delivery operations on a real PostgreSQL, without HTTP:
 * what is stored (the secret only sealed), what another merchant can reach (nothing), and which
 * deliveries resend, recover and delete touch. Names resolve through pinned addresses, never DNS.
 */
class WebhookEndpointsTest {
  private static final String SHOP = "https://shop.example/hooks";

  private static TestVertx env;
  private static SecretBox box;
  private final MutableClock clock = MutableClock.atNow();
  private WebhookEndpoints endpoints;
  private UUID merchant;
  private UUID otherMerchant;

  @BeforeAll
  static void start() {
    env = TestVertx.withDatabase();
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    box = new SecretBox(Map.of(1, key), 1, new SecureRandom());
  }

  @AfterAll
  static void stop() {
    env.close();
  }

  @BeforeEach
  void newMerchants() {
    EndpointUrlPolicy policy = new EndpointUrlPolicy(EndpointUrlPolicyTest.pinned(Map.of(
        "shop.example", List.of("93.184.215.14"), "internal.example", List.of("10.1.2.3"))),
        EndpointUrlPolicy.Options.production());
    endpoints = new WebhookEndpoints(env.pool(), box, policy, new SecureRandom(), clock, Duration.ofHours(24));
    merchant = TestRows.merchant(env.pool());
    otherMerchant = TestRows.merchant(env.pool());
  }

  private JsonObject create(String... types) {
    JsonArray eventTypes = new JsonArray();
    for (String t : types) eventTypes.add(t);
    return await(endpoints.create(merchant, "live", new JsonObject().put("url", SHOP).put("eventTypes", eventTypes)));
  }

  private static UUID id(JsonObject endpoint) {
    return UUID.fromString(endpoint.getString("id"));
  }

  private static byte[] sealed(UUID endpoint, String column) {
    return env.one("SELECT " + column + " FROM webhook_endpoints WHERE id = $1", endpoint).getBuffer(column).getBytes();
  }

  private String newEvent(String type) {
    String id = "evt_" + UUID.randomUUID().toString().replace("-", "");
    env.sql("INSERT INTO webhook_events (id, merchant_id, type, body, created_at) VALUES ($1, $2, $3, $4, $5)",
        id, merchant, type, new JsonObject().put("id", id).put("type", type).encode(),
        OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC));
    return id;
  }

  private long delivery(String eventId, UUID endpoint, String status) {
    return env.one("""
        INSERT INTO webhook_deliveries (event_id, endpoint_id, status, attempts, next_attempt_at)
        VALUES ($1, $2, $3, 3, CASE WHEN $3 = 'pending' THEN now() END) RETURNING id""", eventId, endpoint, status)
        .getLong("id");
  }

  private static Row deliveryRow(long id) {
    return env.one("SELECT status, attempts, next_attempt_at, last_error FROM webhook_deliveries WHERE id = $1", id);
  }

  private static ErrorCode refusal(Future<?> future) {
    Throwable cause = awaitFailure(future);
    assertThat(cause).isInstanceOf(ApiException.class);
    return ((ApiException) cause).error();
  }

  @Test
  void shouldShowTheSecretOnceAndStoreItOnlySealedForItsEndpoint() {
    JsonObject created = create();
    UUID id = id(created);
    String secret = created.getString("secret");

    assertThat(secret).startsWith("whsec_");
    assertThat(await(endpoints.get(merchant, "live", id)).containsKey("secret")).isFalse();
    assertThat(await(endpoints.list(merchant, "live")).getJsonObject(0).containsKey("secret")).isFalse();
    byte[] atRest = sealed(id, "secret_sealed");
    assertThat(new String(atRest, StandardCharsets.ISO_8859_1)).doesNotContain(secret.substring("whsec_".length()));
    assertThat(box.openWebhookSecret(atRest, WebhookEndpoints.secretContext(id)).serialized()).isEqualTo(secret);
    assertThatThrownBy(() -> box.openWebhookSecret(atRest, WebhookEndpoints.secretContext(UUID.randomUUID())))
        .as("a sealed secret copied to another endpoint does not open").isInstanceOf(SecretBox.SecretBoxException.class);
    assertThat(created.getJsonArray("eventTypes")).as("no types asked: all of them")
        .hasSize(WebhookEventType.values().length);
  }

  @Test
  void shouldRefuseAUrlThatResolvesToAPrivateAddressAndStoreNothing() {
    JsonObject request = new JsonObject().put("url", "https://internal.example/hooks");

    assertThat(refusal(endpoints.create(merchant, "live", request))).isEqualTo(ErrorCode.WEBHOOK_URL_NOT_ALLOWED);
    JsonObject kept = create();
    assertThat(refusal(endpoints.update(merchant, "live", id(kept), request))).isEqualTo(ErrorCode.WEBHOOK_URL_NOT_ALLOWED);

    assertThat(env.count("SELECT count(*) FROM webhook_endpoints WHERE merchant_id = $1", merchant)).isEqualTo(1);
    assertThat(await(endpoints.get(merchant, "live", id(kept))).getString("url")).isEqualTo(SHOP);
  }

  @Test
  void shouldHideOneMerchantsEndpointsFromAnother() {
    UUID mine = id(create());
    String event = newEvent("checkout.paid");

    assertThat(await(endpoints.list(otherMerchant, "live"))).isEmpty();
    assertThat(refusal(endpoints.get(otherMerchant, "live", mine))).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(refusal(endpoints.update(otherMerchant, "live", mine, new JsonObject().put("enabled", false))))
        .isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(refusal(endpoints.rotateSecret(otherMerchant, "live", mine, null))).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(refusal(endpoints.delete(otherMerchant, "live", mine))).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(refusal(endpoints.endpointAttempts(otherMerchant, "live", mine, 10))).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(refusal(endpoints.event(otherMerchant, "live", event))).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(refusal(endpoints.resend(otherMerchant, "live", event, mine))).isEqualTo(ErrorCode.NOT_FOUND);

    JsonObject untouched = await(endpoints.get(merchant, "live", mine));
    assertThat(untouched.getBoolean("enabled")).isTrue();
    assertThat(env.count("SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = $1", mine)).isZero();
  }

  @Test
  void shouldKeepThePreviousSecretUsableOnlyUntilTheOverlapEnds() {
    JsonObject created = create();
    UUID id = id(created);

    JsonObject rotated = await(endpoints.rotateSecret(merchant, "live", id, 3600L));

    assertThat(rotated.getString("secret")).isNotEqualTo(created.getString("secret"));
    assertThat(rotated.getString("previousSecretExpiresAt")).isEqualTo(io.tollgate.api.Rfc3339.format(clock.instant().plusSeconds(3600)));
    assertThat(box.openWebhookSecret(sealed(id, "secret_sealed"), WebhookEndpoints.secretContext(id)).serialized())
        .isEqualTo(rotated.getString("secret"));
    assertThat(box.openWebhookSecret(sealed(id, "previous_secret_sealed"), WebhookEndpoints.previousSecretContext(id))
        .serialized()).isEqualTo(created.getString("secret"));
    clock.advance(Duration.ofHours(2));
    assertThat(await(endpoints.get(merchant, "live", id)).getString("previousSecretExpiresAt")).isNull();
  }

  @Test
  void shouldFailThePendingDeliveriesOfADeletedEndpointButKeepItsLog() {
    UUID id = id(create());
    long pending = delivery(newEvent("checkout.paid"), id, "pending");
    long done = delivery(newEvent("checkout.paid"), id, "succeeded");

    await(endpoints.delete(merchant, "live", id));

    assertThat(deliveryRow(pending).getString("status")).isEqualTo("failed");
    assertThat(deliveryRow(pending).getString("last_error")).isEqualTo("endpoint deleted");
    assertThat(deliveryRow(pending).getValue("next_attempt_at")).isNull();
    assertThat(deliveryRow(done).getString("status")).isEqualTo("succeeded");
    assertThat(await(endpoints.list(merchant, "live"))).isEmpty();
    assertThat(refusal(endpoints.get(merchant, "live", id))).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(refusal(endpoints.delete(merchant, "live", id))).as("deleted once").isEqualTo(ErrorCode.NOT_FOUND);
  }

  @Test
  void shouldResendAnEventToEveryEnabledSubscribedEndpointOrToTheOneNamed() {
    UUID paid = id(create("checkout.paid"));
    UUID expiredOnly = id(create("checkout.expired"));
    UUID disabled = id(create("checkout.paid"));
    await(endpoints.update(merchant, "live", disabled, new JsonObject().put("enabled", false)));
    String event = newEvent("checkout.paid");

    assertThat(await(endpoints.resend(merchant, "live", event, null))).isEqualTo(1);
    assertThat(env.count("SELECT count(*) FROM webhook_deliveries WHERE event_id = $1", event)).isEqualTo(1);
    assertThat(env.one("SELECT endpoint_id FROM webhook_deliveries WHERE event_id = $1", event).getUUID("endpoint_id"))
        .isEqualTo(paid);

    assertThat(await(endpoints.resend(merchant, "live", event, expiredOnly))).as("named explicitly").isEqualTo(1);
    assertThat(refusal(endpoints.resend(merchant, "live", "evt_unknown", null))).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(refusal(endpoints.resend(merchant, "live", event, UUID.randomUUID()))).isEqualTo(ErrorCode.NOT_FOUND);
  }

  @Test
  void shouldResendAFailedDeliveryFromItsFirstAttemptAgain() {
    UUID id = id(create("checkout.paid"));
    String event = newEvent("checkout.paid");
    long failed = delivery(event, id, "failed");

    assertThat(await(endpoints.resend(merchant, "live", event, id))).isEqualTo(1);

    Row row = deliveryRow(failed);
    assertThat(row.getString("status")).isEqualTo("pending");
    assertThat(row.getInteger("attempts")).isZero();
    assertThat(row.getValue("next_attempt_at")).isNotNull();
  }

  @Test
  void shouldRecoverOnlyTheFailedDeliveriesCreatedSinceTheGivenTime() {
    UUID id = id(create());
    long old = delivery(newEvent("checkout.paid"), id, "failed");
    env.sql("UPDATE webhook_deliveries SET created_at = now() - interval '3 days' WHERE id = $1", old);
    long recent = delivery(newEvent("checkout.paid"), id, "failed");
    long succeeded = delivery(newEvent("checkout.paid"), id, "succeeded");

    int recovered = await(endpoints.recover(merchant, "live", id, clock.instant().minus(Duration.ofDays(1))));

    assertThat(recovered).isEqualTo(1);
    assertThat(deliveryRow(recent).getString("status")).isEqualTo("pending");
    assertThat(deliveryRow(old).getString("status")).isEqualTo("failed");
    assertThat(deliveryRow(succeeded).getString("status")).isEqualTo("succeeded");
  }

  @Test
  void shouldClearTheFailingStreakAndReasonWhenAnEndpointIsEnabledAgain() {
    UUID id = id(create());
    env.sql("""
        UPDATE webhook_endpoints SET enabled = false, disabled_reason = 'gone', disabled_at = now(), failing_since = now()
        WHERE id = $1""", id);

    JsonObject enabled = await(endpoints.update(merchant, "live", id, new JsonObject().put("enabled", true)));

    assertThat(enabled.getBoolean("enabled")).isTrue();
    assertThat(enabled.getString("disabledReason")).isNull();
    assertThat(enabled.getString("disabledAt")).isNull();
    assertThat(enabled.getString("failingSince")).isNull();
    JsonObject disabled = await(endpoints.update(merchant, "live", id, new JsonObject().put("enabled", false)));
    assertThat(disabled.getString("disabledReason")).isEqualTo("disabled_by_merchant");
  }
}
