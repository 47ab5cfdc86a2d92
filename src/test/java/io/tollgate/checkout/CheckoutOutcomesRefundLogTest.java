package io.tollgate.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tollgate.telemetry.EventLog;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Refund steps get their own business-event lines, with the refund's id, and are counted by step. */
class CheckoutOutcomesRefundLogTest {

  @Test
  void refundStepsAreLoggedWithTheRefundIdAndAFailedOneIsAWarning() {
    Logger events = (Logger) LoggerFactory.getLogger(EventLog.LOGGER);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    events.addAppender(lines);
    try {
      SimpleMeterRegistry meters = new SimpleMeterRegistry();
      CheckoutOutcomes outcomes = new CheckoutOutcomes(meters, Clock.systemUTC());
      UUID checkout = UUID.randomUUID();
      String refundId = UUID.randomUUID().toString();
      JsonObject refund = new JsonObject().put("id", refundId).put("amount", "5.00");
      outcomes.accept(new CheckoutTransition(checkout, null, null, "refund_created", "customer_request", "merchant:m1",
          new JsonObject().put("refund", refund)));
      outcomes.accept(new CheckoutTransition(checkout, null, null, "refund_failed", "wrong_amount", "watcher",
          new JsonObject().put("refund", refund)));

      assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage)
          .anyMatch(m -> m.startsWith("refund created") && m.contains(refundId) && m.contains("5.00"))
          .anyMatch(m -> m.startsWith("refund failed") && m.contains(refundId) && m.contains("wrong_amount"))
          .noneMatch(m -> m.startsWith("checkout changed"));
      assertThat(lines.list).filteredOn(e -> e.getFormattedMessage().startsWith("refund failed"))
          .extracting(ILoggingEvent::getLevel).containsOnly(Level.WARN);
      assertThat(meters.counter("tollgate.checkouts", "outcome", "refund_failed", "reason", "wrong_amount").count())
          .isEqualTo(1);
    } finally {
      events.detachAppender(lines);
    }
  }
}
