package io.tollgate.payment;

import io.tollgate.eventbus.Addresses;
import io.tollgate.eventbus.Replies;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import java.util.List;

/**
 * A chain watcher's verdicts, sent to the payment-state verticle a round at a time; completes once
 * recorded.
 */
public final class EventBusVerdictSink implements VerdictSink {
  private static final DeliveryOptions OPTIONS = new DeliveryOptions().setSendTimeout(15_000);
  private final EventBus bus;

  public EventBusVerdictSink(EventBus bus) {
    this.bus = bus;
  }

  @Override
  public Future<Void> record(ActivePayment payment, Verdict verdict, long head) {
    return recordAll(List.of(new VerdictMessage(payment, verdict, head)));
  }

  @Override
  public Future<Void> recordAll(List<VerdictMessage> verdicts) {
    if (verdicts.isEmpty()) return Future.succeededFuture();
    return Replies.<Object>request(bus, Addresses.PAYMENT_VERDICTS, new VerdictBatch(verdicts), OPTIONS).mapEmpty();
  }
}
