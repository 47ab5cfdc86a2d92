package io.tollgate;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tollgate.relay.RelayChanged;
import io.tollgate.relay.RelayState;
import io.tollgate.telemetry.EventLog;
import io.tollgate.x402.SettlementFinished;
import io.tollgate.x402.SettlementListener;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Each relay change and each x402 settlement outcome is one business-event line (logger
 * {@code io.tollgate.events}, ids as fields) and one count, as the composition root observes them.
 * The end-to-end wiring is GaslessAndX402OperationsEndToEndTest's.
 */
class RelayAndX402TelemetryTest {
  private static final String H1 = "0x" + "a".repeat(64);
  private static final String H2 = "0x" + "b".repeat(64);
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private final Logger events = (Logger) LoggerFactory.getLogger(EventLog.LOGGER);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @BeforeEach
  void capture() {
    lines.start();
    events.addAppender(lines);
  }

  @AfterEach
  void release() {
    events.detachAppender(lines);
  }

  @Test
  void relaysSentBumpedMinedAndFailedAreOneLineAndOneCountEach() {
    UUID relay = UUID.randomUUID();
    UUID failing = UUID.randomUUID();
    String purpose = "checkout:" + UUID.randomUUID();
    RelayTelemetry telemetry = new RelayTelemetry(registry);
    telemetry.accept(changed(relay, purpose, RelayState.SENT, H1, List.of(H1), null));
    telemetry.accept(changed(relay, purpose, RelayState.SENT, H2, List.of(H1, H2), null));
    telemetry.accept(changed(relay, purpose, RelayState.MINED, H2, List.of(H1, H2), null));
    telemetry.accept(changed(failing, "x402:s-1", RelayState.FAILED, H1, List.of(H1), "expired"));

    assertThat(messages()).containsExactly(
        "relay sent relayId=" + relay + " purpose=" + purpose + " chainId=8453 txHash=" + H1,
        "relay bumped relayId=" + relay + " purpose=" + purpose + " chainId=8453 txHash=" + H2 + " bumps=1",
        "relay mined relayId=" + relay + " purpose=" + purpose + " chainId=8453 txHash=" + H2,
        "relay failed relayId=" + failing + " purpose=x402:s-1 chainId=8453 reason=expired hashesSent=1");
    assertThat(lines.list.get(3).getLevel().toString()).isEqualTo("WARN");
    assertThat(counts("tollgate.relays")).containsExactlyInAnyOrderEntriesOf(Map.of(
        "8453|sent|none", 1.0, "8453|bumped|none", 1.0, "8453|mined|none", 1.0, "8453|failed|expired", 1.0));
  }

  @Test
  void aCommittedSettlementOutcomeIsLoggedAndCountedAfterTheWebhookOutboxHadItsTurn() {
    AtomicInteger inTransaction = new AtomicInteger();
    AtomicInteger afterCommit = new AtomicInteger();
    SettlementListener outbox = new SettlementListener() {
      @Override
      public Future<Void> onFinished(io.vertx.sqlclient.SqlConnection conn, SettlementFinished finished) {
        inTransaction.incrementAndGet();
        return Future.succeededFuture();
      }

      @Override
      public void onCommitted(SettlementFinished finished) {
        afterCommit.incrementAndGet();
      }
    };
    X402Telemetry telemetry = new X402Telemetry(outbox, registry);
    UUID settled = UUID.randomUUID();
    UUID failed = UUID.randomUUID();
    UUID merchant = UUID.randomUUID();
    telemetry.onFinished(null, finished(settled, merchant, "settled", H1, null));
    telemetry.onCommitted(finished(settled, merchant, "settled", H1, null));
    telemetry.onCommitted(finished(failed, null, "failed", null, "invalid_exact_evm_transaction_failed"));

    assertThat(inTransaction).hasValue(1);
    assertThat(afterCommit).hasValue(2);
    assertThat(messages()).containsExactly(
        "x402 settlement settled settlementId=" + settled + " merchantId=" + merchant + " network=eip155:8453 txHash=" + H1,
        "x402 settlement failed settlementId=" + failed + " network=eip155:8453 reason=invalid_exact_evm_transaction_failed");
    assertThat(counts("tollgate.x402.settlements")).containsExactlyInAnyOrderEntriesOf(Map.of(
        "eip155:8453|settled|none", 1.0, "eip155:8453|failed|invalid_exact_evm_transaction_failed", 1.0));
  }

  private List<String> messages() {
    return lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  /** Each counter of {@code name} by its tag values in tag-name order. */
  private Map<String, Double> counts(String name) {
    return registry.find(name).counters().stream().collect(Collectors.toMap(
        c -> c.getId().getTags().stream().map(t -> t.getValue()).collect(Collectors.joining("|")), c -> c.count()));
  }

  private static RelayChanged changed(UUID id, String purpose, RelayState state, String hash, List<String> all,
      String detail) {
    return new RelayChanged(id, purpose, 8453, state, Optional.ofNullable(hash), all,
        Optional.ofNullable(detail == null ? null : "relay_failed"), Optional.ofNullable(detail));
  }

  private static SettlementFinished finished(UUID id, UUID merchant, String state, String tx, String reason) {
    return new SettlementFinished(id, merchant, merchant == null ? "test" : "live", state, "eip155:8453",
        "0x" + "c".repeat(40), "0x" + "d".repeat(40), "0x" + "e".repeat(40), "1000000", tx, reason);
  }
}
