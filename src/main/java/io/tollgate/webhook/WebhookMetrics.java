package io.tollgate.webhook;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Webhook delivery as operators watch it: {@code tollgate_webhook_deliveries_total{result}} per
 * attempt (delivered, retrying, failed: no attempt left, gone: 410), endpoints disabled, and the
 * backlog read from the shared database by {@link #refreshBacklog}: deliveries still to be made
 * ({@code tollgate_webhook_backlog_deliveries}) and the age of the oldest
 * ({@code tollgate_webhook_oldest_undelivered_seconds}, 0 when none). Every instance reports the
 * same backlog; dashboards and alerts take the max over instances.
 */
public final class WebhookMetrics {
  private final MeterRegistry registry;
  private final ConcurrentMap<String, Counter> attempts = new ConcurrentHashMap<>();
  private final Counter disabled;
  private volatile double backlog;
  private volatile double oldestSeconds;

  public WebhookMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.disabled = Counter.builder("tollgate.webhook.endpoints.disabled")
        .description("webhook endpoints disabled by the dispatcher (410 Gone, or 5 days of failures)").register(registry);
    Gauge.builder("tollgate.webhook.backlog.deliveries", this, m -> m.backlog)
        .description("webhook deliveries not made yet (pending), across all instances").register(registry);
    Gauge.builder("tollgate.webhook.oldest.undelivered", this, m -> m.oldestSeconds).baseUnit("seconds")
        .description("age of the oldest webhook delivery not made yet, 0 when there is none").register(registry);
  }

  void attempt(String result) {
    attempts.computeIfAbsent(result, r -> Counter.builder("tollgate.webhook.deliveries")
        .description("webhook delivery attempts by result: delivered, retrying, failed (no attempt left), gone (410)")
        .tag("result", r).register(registry)).increment();
  }

  void endpointDisabled() {
    disabled.increment();
  }

  /** Reads the backlog (one indexed query over the pending deliveries). */
  public Future<Void> refreshBacklog(Pool pool) {
    return pool.query("""
            SELECT count(*) AS pending, coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 AS oldest
            FROM webhook_deliveries WHERE status = 'pending'""")
        .execute()
        .map(rows -> {
          Row row = rows.iterator().next();
          backlog = row.getLong("pending");
          oldestSeconds = Math.max(0, row.getDouble("oldest"));
          return null;
        });
  }
}
