package io.tollgate.payment;

import io.tollgate.eventbus.Addresses;
import io.tollgate.eventbus.Replies;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;

/** A chain watcher's verdicts, sent to the payment-state verticle; completes once recorded. */
public final class EventBusVerdictSink implements VerdictSink {
  private static final DeliveryOptions OPTIONS = new DeliveryOptions().setSendTimeout(15_000);
  private final EventBus bus;

  public EventBusVerdictSink(EventBus bus) {
    this.bus = bus;
  }

  @Override
  public Future<Void> record(ActivePayment payment, Verdict verdict, long head) {
    return Replies.<Object>request(bus, Addresses.PAYMENT_VERDICT, new VerdictMessage(payment, verdict, head), OPTIONS)
        .mapEmpty();
  }
}
