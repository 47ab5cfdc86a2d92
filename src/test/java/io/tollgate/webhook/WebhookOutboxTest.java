package io.tollgate.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.checkout.CheckoutTransition;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Which checkout transitions become events for the shop. */
class WebhookOutboxTest {

  private static Optional<WebhookEventType> type(String from, String to, String reason) {
    return WebhookOutbox.typeOf(new CheckoutTransition(UUID.randomUUID(), 1L, from, to, reason, "test", null));
  }

  @Test
  void shouldSendAnEventForEveryStateTheShopActsOn() {
    assertThat(type("open", "pending", null)).contains(WebhookEventType.CHECKOUT_PENDING);
    assertThat(type("pending", "paid", null)).contains(WebhookEventType.CHECKOUT_PAID);
    assertThat(type("pending", "failed", "underpaid")).contains(WebhookEventType.CHECKOUT_FAILED);
    assertThat(type("open", "expired", null)).contains(WebhookEventType.CHECKOUT_EXPIRED);
    assertThat(type("expired", "paid_late", null)).contains(WebhookEventType.CHECKOUT_PAID_LATE);
    assertThat(type("pending", "pending", null)).as("a further hash claimed").contains(WebhookEventType.CHECKOUT_PENDING);
  }

  @Test
  void shouldSendNothingForCreationProgressOrBookkeeping() {
    assertThat(type(null, "open", null)).isEmpty();
    assertThat(type("pending", "pending", "mined")).isEmpty();
    assertThat(type("expired", "expired", "late_payment_submitted")).isEmpty();
    assertThat(type(null, "payment_rejected", "checkout_already_paid")).isEmpty();
    assertThat(type(null, "refunded", null)).isEmpty();
    assertThat(type(null, "dispute_opened", "fraudulent")).isEmpty();
  }
}
