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
  private final int perEndpoint;

  /** Attempts in flight per endpoint when not configured ({@code webhooks.max-in-flight-per-endpoint}). */
  static final int DEFAULT_PER_ENDPOINT = 4;
  /** The advisory lock key claims take turns on (any constant no other lock in the schema uses). */
  private static final long CLAIM_LOCK = 0x7701_6700_0022L;

  private final WebhookMetrics metrics;

  WebhookDispatcher(Pool pool, DeliveryClient client, SecretBox box, RetrySchedule schedule, Clock clock,
      Duration lease, WebhookMetrics metrics) {
    this(pool, client, box, schedule, clock, lease, DEFAULT_PER_ENDPOINT, metrics);
  }

  /** As above, counting nothing (tests that look at deliveries, not at metrics). */
  WebhookDispatcher(Pool pool, DeliveryClient client, SecretBox box, RetrySchedule schedule, Clock clock,
      Duration lease) {
    this(pool, client, box, schedule, clock, lease, DEFAULT_PER_ENDPOINT,
        new WebhookMetrics(new io.micrometer.core.instrument.composite.CompositeMeterRegistry()));
  }

  /** @param perEndpoint attempts in flight to one endpoint at most (over all dispatchers) */
  WebhookDispatcher(Pool pool, DeliveryClient client, SecretBox box, RetrySchedule schedule, Clock clock,
      Duration lease, int perEndpoint, WebhookMetrics metrics) {
    this.perEndpoint = perEndpoint;
    this.metrics = metrics;
    this.pool = pool;
    this.client = client;
    this.box = box;
    this.schedule = schedule;
    this.clock = clock;
    this.lease = lease;
  }

  /** @param claimedAtNanos when the claim was answered ({@link System#nanoTime}): its lease runs from there */
  private record Claimed(long deliveryId, int attempt, String eventId, String body, UUID endpointId, String url,
      byte[] secret, byte[] previousSecret, boolean previousActive, long claimedAtNanos) {}

  /**
   * Claims up to {@code batch} due deliveries, sends them concurrently, and answers how many were
   * claimed once every attempt is recorded (tests; the verticle uses {@link #start}).
   */
  Future<Integer> runOnce(int batch) {
    return start(batch).compose(sends -> Future.join(sends).map(sends.size()).otherwise(sends.size()));
  }

  /**
   * Claims up to {@code max} due deliveries, at most {@link #perEndpoint} in flight per endpoint
   * (counting those any dispatcher holds), and starts sending them; answers the sends as soon as
   * they are claimed, so a round never waits on its slowest endpoint.
   */
  Future<List<Future<Void>>> start(int max) {
    return claim(max).map(claimed -> {
      List<Future<Void>> sends = new ArrayList<>(claimed.size());
      for (Claimed c : claimed) sends.add(send(c));
      return sends;
    });
  }

  /**
   * One transaction: an advisory lock makes claims from several dispatchers take turns (so the
   * per-endpoint count they read is the truth), then the claim itself. Each endpoint's due
   * deliveries are ranked oldest first and only as many as its free places are taken.
   */
  private Future<List<Claimed>> claim(int batch) {
    return pool.withTransaction(conn -> conn.query("SELECT pg_advisory_xact_lock(" + CLAIM_LOCK + ")").execute()
        .compose(locked -> conn.preparedQuery("""
            WITH busy AS (
              SELECT endpoint_id, count(*) AS n FROM webhook_deliveries
              WHERE claimed_until > now() AND status = 'pending' GROUP BY endpoint_id),
            ranked AS (
              SELECT d.id, d.next_attempt_at,
                     row_number() OVER (PARTITION BY d.endpoint_id ORDER BY d.next_attempt_at, d.id) AS place,
                     coalesce(b.n, 0) AS busy
              FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
              LEFT JOIN busy b ON b.endpoint_id = d.endpoint_id
              WHERE d.status = 'pending' AND d.next_attempt_at <= now() AND e.enabled),
            due AS (
              SELECT d.id FROM webhook_deliveries d JOIN ranked r ON r.id = d.id
              WHERE r.place + r.busy <= $3
              ORDER BY r.next_attempt_at LIMIT $1
              FOR UPDATE OF d SKIP LOCKED)
            UPDATE webhook_deliveries d
            SET attempts = d.attempts + 1, next_attempt_at = now() + make_interval(secs => $2),
                claimed_until = now() + make_interval(secs => $2), updated_at = now()
            FROM due, webhook_events ev, webhook_endpoints e
            WHERE d.id = due.id AND ev.id = d.event_id AND e.id = d.endpoint_id
            RETURNING d.id, d.attempts, d.event_id, ev.body, e.id AS endpoint_id, e.url, e.secret_sealed,
                      e.previous_secret_sealed, coalesce(e.previous_secret_expires_at > now(), false) AS previous_active""")
        .execute(Tuple.of(batch, (double) lease.toSeconds(), perEndpoint))))
        .map(rows -> {
          List<Claimed> claimed = new ArrayList<>();
          long now = System.nanoTime();
          for (Row r : rows) {
            claimed.add(new Claimed(r.getLong("id"), r.getInteger("attempts"), r.getString("event_id"),
                r.getString("body"), r.getUUID("endpoint_id"), r.getString("url"),
                r.getBuffer("secret_sealed").getBytes(),
                r.getBuffer("previous_secret_sealed") == null ? null : r.getBuffer("previous_secret_sealed").getBytes(),
                r.getBoolean("previous_active"), now));
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
    return attempt.compose(result -> recordWithinLease(c, result, 0).onSuccess(recorded -> told(c, result, recorded))
            .<Void>mapEmpty())
        .onFailure(e -> LOG.warn("recording attempt {} of {} to endpoint {} failed until its lease ran out; sent again: {}",
            c.attempt(), c.eventId(), c.endpointId(), e.toString()));
  }

  /**
   * Records the outcome, retrying (backoff with jitter) while the claim's lease still hides the
   * delivery from every dispatcher: a database restart between the receiver's answer and the write
   * must not turn a success into a second delivery. Only when the lease is nearly over is the
   * outcome given up, and the delivery is then sent again (at least once, never lost).
   */
  private Future<Recorded> recordWithinLease(Claimed c, DeliveryResult result, int retries) {
    return record(c, result).recover(e -> {
      long backoff = Math.min(5_000L, 200L << Math.min(retries, 5));
      long wait = backoff / 2 + java.util.concurrent.ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
      long leaseLeft = lease.toMillis() - (System.nanoTime() - c.claimedAtNanos()) / 1_000_000;
      if (wait > leaseLeft - lease.toMillis() / 10) return Future.failedFuture(e);
      if (retries == 0) {
        LOG.warn("recording attempt {} of {} failed, retrying while its lease lasts: {}", c.attempt(), c.eventId(), e.toString());
      }
      io.vertx.core.Promise<Recorded> later = io.vertx.core.Promise.promise();
      client.vertx().setTimer(wait, t -> recordWithinLease(c, result, retries + 1).onComplete(later));
      return later.future();
    });
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
                SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10
                -- a retried write whose first commit went through but whose answer was lost
                WHERE NOT EXISTS (SELECT 1 FROM webhook_attempts WHERE delivery_id = $1 AND attempt = $4)""")
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
                                          last_status_code = $5, last_error = $6, claimed_until = NULL, updated_at = now()
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
