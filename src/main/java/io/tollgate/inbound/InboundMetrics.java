package io.tollgate.inbound;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * {@code tollgate_inbound_webhooks_total{variant, status}}: other processors' events as the intake
 * handled them: refused (bad signature), stored, duplicate, then processed, ignored, unmatched or
 * failed. Variants are configured names, so the label stays small.
 */
public final class InboundMetrics {
  private final MeterRegistry registry;
  private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();

  public InboundMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void count(String variant, String status) {
    counters.computeIfAbsent(variant + "|" + status, key -> Counter.builder("tollgate.inbound.webhooks")
        .description("inbound webhook events by variant and status (refused, stored, duplicate, processed, ignored, "
            + "unmatched, failed)")
        .tag("variant", variant).tag("status", status).register(registry)).increment();
  }
}
