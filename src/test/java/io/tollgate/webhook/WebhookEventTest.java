package io.tollgate.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class WebhookEventTest {

  @Test
  void idsAreUniqueTimeOrderedAndSafeAsWebhookIds() {
    String earlier = WebhookEvent.newId(Instant.parse("2026-01-01T00:00:00Z"));
    String later = WebhookEvent.newId(Instant.parse("2026-01-01T00:00:01Z"));
    assertThat(earlier).matches("evt_[0-9A-HJKMNP-TV-Z]{26}");
    assertThat(earlier).isLessThan(later);
    assertThat(WebhookEvent.newId(Instant.EPOCH)).isNotEqualTo(WebhookEvent.newId(Instant.EPOCH));
  }

  @Test
  void bodyHasTheDocumentedShapeAndRoundTrips() {
    Clock clock = Clock.fixed(Instant.parse("2026-01-02T03:04:05.678Z"), ZoneOffset.UTC);
    JsonObject data = new JsonObject().put("checkoutId", "co_1").put("txHash", "0xabc");
    WebhookEvent event = WebhookEvent.create(WebhookEventType.CHECKOUT_PAID_LATE, "test", data, clock);
    data.put("mutated", true);

    JsonObject body = new JsonObject(event.body());
    assertThat(body.fieldNames()).containsExactly("id", "type", "mode", "createdAt", "data");
    assertThat(body.getString("type")).isEqualTo("checkout.paid_late");
    assertThat(body.getString("mode")).isEqualTo("test");
    assertThat(body.getString("createdAt")).isEqualTo("2026-01-02T03:04:05.678Z");
    assertThat(body.getJsonObject("data").containsKey("mutated")).isFalse();
    assertThat(WebhookEvent.fromJson(body)).isEqualTo(event);
  }

  @Test
  void wholeSecondsStillCarryMilliseconds() {
    Clock clock = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);
    WebhookEvent event = WebhookEvent.create(WebhookEventType.CHECKOUT_PAID, "live", new JsonObject(), clock);
    assertThat(new JsonObject(event.body()).getString("createdAt")).isEqualTo("2026-01-02T03:04:05.000Z");
  }
}
