package io.tollgate.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookHandlerRegistryTest {
  static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  static final HandlerContext CTX = new HandlerContext() {
    @Override
    public SqlConnection connection() {
      throw new UnsupportedOperationException("no database in this test");
    }

    @Override
    public Instant now() {
      return NOW;
    }
  };

  static InboundEvent event(InboundProvider provider, String kind, JsonObject payload) {
    return new InboundEvent("stripe-main", provider, "evt_1", kind, payload, NOW);
  }

  final List<ProcessorEvent> applied = new ArrayList<>();
  final WebhookHandlerRegistry registry = WebhookHandlerRegistry.builder()
      .registerProcessorEvents((event, extracted, ctx) -> {
        applied.add(extracted);
        return Future.succeededFuture(extracted.ref().checkoutId() == null
            ? new HandlerOutcome.Unmatched("no checkout for " + extracted.ref().processorPaymentId())
            : new HandlerOutcome.Applied(event.kind()));
      })
      .register(InboundProvider.STANDARD_WEBHOOKS, "throws", (event, ctx) -> {
        throw new IllegalStateException("handler bug");
      })
      .build();

  @Test
  void registersEverySeedKindPerProvider() {
    assertThat(registry.kinds(InboundProvider.STRIPE)).containsExactly(
        "charge.dispute.created", "charge.refunded", "payment_intent.payment_failed", "payment_intent.succeeded");
    assertThat(registry.kinds(InboundProvider.NODERAILS))
        .containsExactly("payment.authorized", "payment.captured", "payment.refunded");
    // Kinds are per provider: a Stripe kind arriving through NodeRails has no handler.
    assertThat(registry.handlerFor(InboundProvider.NODERAILS, "payment_intent.succeeded")).isEmpty();
  }

  @Test
  void dispatchesExtractedEventsToTheSink() {
    JsonObject payload = ProcessorEventsTest.fixture("stripe-payment_intent.succeeded");
    Future<HandlerOutcome> outcome = registry.dispatch(event(InboundProvider.STRIPE, "payment_intent.succeeded", payload), CTX);
    assertThat(outcome.result()).isEqualTo(new HandlerOutcome.Applied("payment_intent.succeeded"));
    assertThat(applied).singleElement().isInstanceOf(ProcessorEvent.PaymentSucceeded.class);

    JsonObject refund = ProcessorEventsTest.fixture("stripe-charge.refunded");
    assertThat(registry.dispatch(event(InboundProvider.STRIPE, "charge.refunded", refund), CTX).result())
        .isInstanceOf(HandlerOutcome.Unmatched.class);
  }

  @Test
  void unknownKindsAreAcknowledgedWithoutCallingAnything() {
    Future<HandlerOutcome> outcome = registry.dispatch(
        event(InboundProvider.STRIPE, "customer.created", new JsonObject()), CTX);
    assertThat(outcome.result()).isInstanceOf(HandlerOutcome.Ignored.class);
    assertThat(applied).isEmpty();
  }

  @Test
  void failuresAlwaysComeBackAsFailedFutures() {
    Future<HandlerOutcome> thrown = registry.dispatch(event(InboundProvider.STANDARD_WEBHOOKS, "throws", new JsonObject()), CTX);
    assertThat(thrown.failed()).isTrue();
    assertThat(thrown.cause()).hasMessage("handler bug");

    Future<HandlerOutcome> malformed = registry.dispatch(
        event(InboundProvider.NODERAILS, "payment.captured", new JsonObject().put("event", "payment.captured")), CTX);
    assertThat(malformed.failed()).isTrue();
    assertThat(malformed.cause()).isInstanceOf(WebhookPayloadException.class);
    assertThat(applied).isEmpty();
  }

  @Test
  void aKindCannotBeRegisteredTwice() {
    assertThatThrownBy(() -> WebhookHandlerRegistry.builder()
        .register(InboundProvider.STRIPE, "charge.refunded", (e, c) -> Future.succeededFuture(new HandlerOutcome.Ignored("")))
        .registerProcessorEvents((e, p, c) -> Future.succeededFuture(new HandlerOutcome.Ignored(""))))
        .isInstanceOf(IllegalStateException.class);
  }
}
