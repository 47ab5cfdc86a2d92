package io.tollgate.webhook;

import static io.tollgate.telemetry.EventLog.EVENTS;

import io.tollgate.webhook.DeliveryResult.Outcome;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One dispatch round: claim due deliveries, send each once, record each attempt. Safe with any
 * number of dispatchers on one database: the claim is {@code FOR UPDATE SKIP LOCKED} and, in the
 * same statement, counts the attempt and pushes {@code next_attempt_at} ahead by a lease, so no
 * other dispatcher sees the delivery again until this attempt is recorded (or its sender died and
 * the lease ran out: at-least-once, never lost). The lease outlasts the delivery timeout.
 */
final class WebhookDispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);
  private static final int MAX_ERROR_CHARS = 1000;

  private final Pool pool;
  private final DeliveryClient client;
  private final SecretBox box;
  private final RetrySchedule schedule;
  private final Clock clock;
  private final Duration lease;

  private final WebhookMetrics metrics;

  WebhookDispatcher(Pool pool, DeliveryClient client, SecretBox box, RetrySchedule schedule, Clock clock,
      Duration lease, WebhookMetrics metrics) {
    this.metrics = metrics;
    this.pool = pool;
    this.client = client;
    this.box = box;
    this.schedule = schedule;
    this.clock = clock;
    this.lease = lease;
  }

  private record Claimed(long deliveryId, int attempt, String eventId, String body, UUID endpointId, String url,
      byte[] secret, byte[] previousSecret, boolean previousActive) {}

  /** Claims up to {@code batch} due deliveries, sends them concurrently; answers how many were claimed. */
  Future<Integer> runOnce(int batch) {
    return claim(batch).compose(claimed -> {
      List<Future<Void>> sends = new ArrayList<>();
      for (Claimed c : claimed) sends.add(send(c));
      return Future.join(sends).map(claimed.size()).otherwise(claimed.size());
    });
  }

  private Future<List<Claimed>> claim(int batch) {
    return pool.preparedQuery("""
            WITH due AS (
              SELECT d.id FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
              WHERE d.status = 'pending' AND d.next_attempt_at <= now() AND e.enabled
              ORDER BY d.next_attempt_at LIMIT $1
              FOR UPDATE OF d SKIP LOCKED)
            UPDATE webhook_deliveries d
            SET attempts = d.attempts + 1, next_attempt_at = now() + make_interval(secs => $2), updated_at = now()
            FROM due, webhook_events ev, webhook_endpoints e
            WHERE d.id = due.id AND ev.id = d.event_id AND e.id = d.endpoint_id
            RETURNING d.id, d.attempts, d.event_id, ev.body, e.id AS endpoint_id, e.url, e.secret_sealed,
                      e.previous_secret_sealed, coalesce(e.previous_secret_expires_at > now(), false) AS previous_active""")
        .execute(Tuple.of(batch, (double) lease.toSeconds()))
        .map(rows -> {
          List<Claimed> claimed = new ArrayList<>();
          for (Row r : rows) {
            claimed.add(new Claimed(r.getLong("id"), r.getInteger("attempts"), r.getString("event_id"),
                r.getString("body"), r.getUUID("endpoint_id"), r.getString("url"),
                r.getBuffer("secret_sealed").getBytes(),
                r.getBuffer("previous_secret_sealed") == null ? null : r.getBuffer("previous_secret_sealed").getBytes(),
                r.getBoolean("previous_active")));
          }
          return claimed;
        });
  }

  private Future<Void> send(Claimed c) {
    Future<DeliveryResult> attempt;
    try {
      List<WebhookSecret> secrets = new ArrayList<>();
      secrets.add(box.openWebhookSecret(c.secret(), WebhookEndpoints.secretContext(c.endpointId())));
      if (c.previousActive() && c.previousSecret() != null) {
        secrets.add(box.openWebhookSecret(c.previousSecret(), WebhookEndpoints.previousSecretContext(c.endpointId())));
      }
      attempt = client.deliver(new DeliveryRequest(c.url(), c.eventId(), c.body().getBytes(StandardCharsets.UTF_8),
          secrets));
    } catch (SecretBox.SecretBoxException e) {
      // A keyring without the key this secret was sealed under: an operator error, retried on schedule.
      attempt = Future.succeededFuture(new DeliveryResult(Outcome.RETRY, clock.instant(), null, Duration.ZERO, null,
          "secret_unavailable: " + e.getMessage(), null));
    }
    return attempt.compose(result -> record(c, result).onSuccess(recorded -> told(c, result, recorded)).<Void>mapEmpty())
        .onFailure(e -> LOG.warn("recording attempt {} of {} to endpoint {} failed; retried after the lease: {}",
            c.attempt(), c.eventId(), c.endpointId(), e.toString()));
  }

  /** What an attempt's record changed: when the next attempt is due (null: none), and why the endpoint was disabled. */
  private record Recorded(Instant nextAttemptAt, String disabledReason) {}

  /** Logs and counts an attempt once its record has committed. */
  private void told(Claimed c, DeliveryResult r, Recorded recorded) {
    if (r.outcome() == Outcome.SUCCESS) {
      EVENTS.webhookDelivered(c.eventId(), c.endpointId(), c.attempt(), r.statusCode(), r.latency().toMillis());
      metrics.attempt("delivered");
    } else {
      EVENTS.webhookFailed(c.eventId(), c.endpointId(), c.attempt(), r.statusCode(), r.error(),
          recorded.nextAttemptAt() == null ? null : recorded.nextAttemptAt().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
      metrics.attempt(r.outcome() == Outcome.GONE ? "gone" : recorded.nextAttemptAt() == null ? "failed" : "retrying");
    }
    if (recorded.disabledReason() != null) {
      EVENTS.webhookEndpointDisabled(c.endpointId(), recorded.disabledReason());
      metrics.endpointDisabled();
    }
  }

  private Future<Recorded> record(Claimed c, DeliveryResult r) {
    Instant now = clock.instant();
    return pool.withTransaction(conn -> conn.preparedQuery("""
                INSERT INTO webhook_attempts (delivery_id, event_id, endpoint_id, attempt, attempted_at, outcome,
                                              status_code, latency_ms, error, response_body)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)""")
            .execute(Tuple.tuple().addValue(c.deliveryId()).addValue(c.eventId()).addValue(c.endpointId())
                .addValue(c.attempt()).addValue(WebhookEndpoints.utc(r.attemptedAt()))
                .addValue(r.outcome().name().toLowerCase(java.util.Locale.ROOT)).addValue(r.statusCode())
                .addValue((int) Math.min(Integer.MAX_VALUE, r.latency().toMillis())).addValue(clip(r.error()))
                .addValue(clip(r.responseBody())))
            .compose(ignored -> switch (r.outcome()) {
              case SUCCESS -> finish(conn, c, r, "succeeded", null)
                  .compose(v -> conn.preparedQuery("UPDATE webhook_endpoints SET failing_since = NULL WHERE id = $1")
                      .execute(Tuple.of(c.endpointId())))
                  .map(new Recorded(null, null));
              case GONE -> finish(conn, c, r, "failed", null)
                  .compose(v -> disable(conn, c.endpointId(), GONE))
                  .map(new Recorded(null, GONE));
              case RETRY -> {
                Optional<Instant> next = schedule.nextAttemptAt(c.attempt(), r.attemptedAt(),
                    Optional.ofNullable(r.retryAfter()));
                yield finish(conn, c, r, next.isPresent() ? "pending" : "failed", next.orElse(null))
                    .compose(v -> failing(conn, c.endpointId(), r.attemptedAt(), now))
                    .map(disabled -> new Recorded(next.orElse(null), disabled));
              }
            }));
  }

  private static Future<Void> finish(SqlConnection conn, Claimed c, DeliveryResult r, String status, Instant next) {
    return conn.preparedQuery("""
            UPDATE webhook_deliveries SET status = $2, next_attempt_at = $3, last_attempt_at = $4,
                                          last_status_code = $5, last_error = $6, updated_at = now()
            WHERE id = $1 AND attempts = $7""")
        .execute(Tuple.tuple().addValue(c.deliveryId()).addValue(status)
            .addValue(next == null ? null : WebhookEndpoints.utc(next)).addValue(WebhookEndpoints.utc(r.attemptedAt()))
            .addValue(r.statusCode()).addValue(clip(r.error())).addValue(c.attempt()))
        .mapEmpty();
  }

  private static final String GONE = "gone: the endpoint answered 410 Gone";

  /**
   * Starts (or continues) the endpoint's failing streak; five days without a success disables it.
   * Answers why it was disabled, or null.
   */
  private static Future<String> failing(SqlConnection conn, UUID endpointId, Instant attemptedAt, Instant now) {
    return conn.preparedQuery("""
            UPDATE webhook_endpoints SET failing_since = coalesce(failing_since, $2)
            WHERE id = $1 RETURNING failing_since""")
        .execute(Tuple.of(endpointId, WebhookEndpoints.utc(attemptedAt)))
        .compose(rows -> {
          OffsetDateTime since = rows.size() == 0 ? null : rows.iterator().next().getOffsetDateTime("failing_since");
          if (since == null || !RetrySchedule.endpointFailingTooLong(since.toInstant(), now)) {
            return Future.succeededFuture((String) null);
          }
          String reason = "failing: no successful delivery for 5 days since " + since.toInstant();
          return disable(conn, endpointId, reason).map(reason);
        });
  }

  /** Disables an endpoint, saying why on it; its pending deliveries stop (recover sends them later). */
  static Future<Void> disable(SqlConnection conn, UUID endpointId, String reason) {
    return conn.preparedQuery("""
            UPDATE webhook_endpoints SET enabled = false, disabled_reason = $2, disabled_at = now(), updated_at = now()
            WHERE id = $1 AND enabled""")
        .execute(Tuple.of(endpointId, reason))
        .compose(ignored -> conn.preparedQuery("""
                UPDATE webhook_deliveries SET status = 'failed', next_attempt_at = NULL,
                                              last_error = coalesce(last_error, 'endpoint disabled'), updated_at = now()
                WHERE endpoint_id = $1 AND status = 'pending'""")
            .execute(Tuple.of(endpointId)))
        .mapEmpty();
  }

  private static String clip(String text) {
    return text == null || text.length() <= MAX_ERROR_CHARS ? text : text.substring(0, MAX_ERROR_CHARS);
  }
}
