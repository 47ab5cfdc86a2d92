package io.tollgate;

import static io.tollgate.telemetry.EventLog.EVENTS;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tollgate.x402.SettlementFinished;
import io.tollgate.x402.SettlementListener;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The x402 facilitator's settlement outcomes as operators see them: the webhook outbox ({@code
 * delegate}) writes inside the outcome's transaction; once it committed, one business-event line
 * and one count of {@code tollgate_x402_settlements_total{network, outcome, reason}}.
 */
final class X402Telemetry implements SettlementListener {
  private final SettlementListener delegate;
  private final MeterRegistry registry;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  X402Telemetry(SettlementListener delegate, MeterRegistry registry) {
    this.delegate = delegate;
    this.registry = registry;
  }

  @Override
  public Future<Void> onFinished(SqlConnection conn, SettlementFinished finished) {
    return delegate.onFinished(conn, finished);
  }

  @Override
  public void onCommitted(SettlementFinished f) {
    delegate.onCommitted(f);
    EVENTS.x402Settlement(f.state(), f.settlementId(), f.merchantId(), f.network(), f.transaction(), f.errorReason());
    String reason = f.errorReason() == null ? "none" : f.errorReason();
    counters.computeIfAbsent(f.network() + "|" + f.state() + "|" + reason, key -> Counter.builder("tollgate.x402.settlements")
        .description("x402 settlements by recorded outcome (settled, failed) and the reference's reason")
        .tag("network", f.network()).tag("outcome", f.state()).tag("reason", reason).register(registry)).increment();
  }
}
