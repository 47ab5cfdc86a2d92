package io.tollgate;

import static io.tollgate.telemetry.EventLog.EVENTS;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tollgate.relay.RelayChanged;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * What an operator sees of the relayer's work: each change the chain's relay leader makes (a
 * transaction sent, bumped, mined, a relay given up) as one business-event line and one count of
 * {@code tollgate_relays_total{chain, outcome, reason}}. The relay package knows neither logs nor
 * meters; its engine tells this observer, as it tells the bus.
 */
final class RelayTelemetry implements Consumer<RelayChanged> {
  private final MeterRegistry registry;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  RelayTelemetry(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void accept(RelayChanged c) {
    String txHash = c.txHash().orElse(null);
    switch (c.state()) {
      case SENT -> {
        int bumps = Math.max(0, c.allTxHashes().size() - 1);
        EVENTS.relaySent(c.relayId(), c.purpose(), c.chainId(), txHash, bumps);
        count(c.chainId(), bumps == 0 ? "sent" : "bumped", "none");
      }
      case MINED -> {
        EVENTS.relayMined(c.relayId(), c.purpose(), c.chainId(), txHash);
        count(c.chainId(), "mined", "none");
      }
      case FAILED -> {
        String reason = c.failureDetail().orElse(c.failureReason().orElse("none"));
        EVENTS.relayFailed(c.relayId(), c.purpose(), c.chainId(), reason, c.allTxHashes().size());
        count(c.chainId(), "failed", reason);
      }
      case QUEUED -> { } // never published: a relay is announced once its transaction is on its way
    }
  }

  private void count(long chainId, String outcome, String reason) {
    counters.computeIfAbsent(chainId + "|" + outcome + "|" + reason, key -> Counter.builder("tollgate.relays")
        .description("relay changes on this instance's relay leaders: sent, bumped (fees raised), mined, failed (by reason)")
        .tag("chain", Long.toString(chainId)).tag("outcome", outcome).tag("reason", reason).register(registry)).increment();
  }
}
