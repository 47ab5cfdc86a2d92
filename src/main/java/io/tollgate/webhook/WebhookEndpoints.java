package io.tollgate.webhook;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The merchant's side of outbound webhooks: endpoints (create, list, read, update, disable,
 * delete, rotate the secret) and the delivery log with its operations (resend one event, recover
 * everything that failed since a time). Every call is scoped to the calling merchant; another
 * merchant's endpoint or event does not exist for it.
 *
 * <p>A signing secret leaves this class in the clear exactly twice: in the answer to create and to
 * rotate. It is stored sealed by {@link SecretBox} with the endpoint id as associated data.
 *
 * <p>Over 300 lines because every operation on an endpoint row (create, read, update, rotate,
 * delete, resend, recover) keeps the same invariants on the sealed secret and the deliveries;
 * they are read best side by side.
 */
public final class WebhookEndpoints {
  private final Pool pool;
  private final SecretBox box;
  private final EndpointUrlPolicy policy;
  private final SecureRandom random;
  private final Clock clock;
  private final Duration defaultOverlap;
  private final int maxEndpoints;

  /** Endpoints one merchant may have when not configured ({@code webhooks.max-endpoints-per-merchant}). */
  public static final int DEFAULT_MAX_ENDPOINTS = 16;

  public WebhookEndpoints(Pool pool, SecretBox box, EndpointUrlPolicy policy, SecureRandom random, Clock clock,
      Duration defaultOverlap) {
    this(pool, box, policy, random, clock, defaultOverlap, DEFAULT_MAX_ENDPOINTS);
  }

  /**
   * @param maxEndpoints endpoints (not deleted) one merchant may have: each gets its share of the
   *     dispatchers' attention, so an unbounded number would let one merchant crowd out the others
   */
  public WebhookEndpoints(Pool pool, SecretBox box, EndpointUrlPolicy policy, SecureRandom random, Clock clock,
      Duration defaultOverlap, int maxEndpoints) {
    this.maxEndpoints = maxEndpoints;
    this.pool = pool;
    this.box = box;
    this.policy = policy;
    this.random = random;
    this.clock = clock;
    this.defaultOverlap = defaultOverlap;
  }

  static String secretContext(UUID endpointId) {
    return "webhook_endpoint:" + endpointId;
  }

  static String previousSecretContext(UUID endpointId) {
    return "webhook_endpoint:" + endpointId + ":previous";
  }

  public Future<JsonObject> create(UUID merchantId, String mode, JsonObject request) {
    String url = request.getString("url");
    List<String> types = eventTypes(request.getJsonArray("eventTypes"));
    return checkUrl(url).compose(ok -> {
      UUID id = UUID.randomUUID();
      WebhookSecret secret = WebhookSecret.generate(random);
      // The cap is checked in the insert itself, under a per-merchant advisory lock, so two
      // concurrent registrations cannot both take the last place.
      return pool.withTransaction(conn -> conn.preparedQuery("SELECT pg_advisory_xact_lock(hashtextextended($1::uuid::text, 22))")
          .execute(Tuple.of(merchantId))
          .compose(locked -> conn.preparedQuery("""
              INSERT INTO webhook_endpoints (id, merchant_id, url, description, event_types, secret_sealed, mode)
              SELECT $1, $2, $3, $4, $5, $6, $8
              WHERE (SELECT count(*) FROM webhook_endpoints WHERE merchant_id = $2 AND deleted_at IS NULL) < $7
              RETURNING *""")
          .execute(Tuple.of(id, merchantId, url.trim(), request.getString("description"), types.toArray(String[]::new),
              Buffer.buffer(box.seal(secret, secretContext(id))), maxEndpoints, mode))))
          .compose(rows -> rows.size() == 0
              ? Future.failedFuture(new ApiException(ErrorCode.WEBHOOK_ENDPOINT_LIMIT_REACHED,
                  "a merchant may have at most " + maxEndpoints + " webhook endpoints; delete one first"))
              : Future.succeededFuture(json(rows.iterator().next()).put("secret", secret.serialized())));
    });
  }

  /** The merchant's endpoints, each with how many of its deliveries gave up ({@code failedDeliveries}). */
  public Future<JsonArray> list(UUID merchantId, String mode) {
    return pool.preparedQuery("""
            SELECT e.*, (SELECT count(*) FROM webhook_deliveries d WHERE d.endpoint_id = e.id AND d.status = 'failed')
                          AS failed_deliveries
            FROM webhook_endpoints e WHERE e.merchant_id = $1 AND e.mode = $2 AND e.deleted_at IS NULL
            ORDER BY e.created_at, e.id""")
        .execute(Tuple.of(merchantId, mode))
        .map(rows -> {
          JsonArray all = new JsonArray();
          rows.forEach(row -> all.add(json(row).put("failedDeliveries", row.getLong("failed_deliveries"))));
          return all;
        });
  }

  public Future<JsonObject> get(UUID merchantId, String mode, UUID endpointId) {
    return pool.preparedQuery("SELECT * FROM webhook_endpoints WHERE id = $1 AND merchant_id = $2 AND mode = $3 AND deleted_at IS NULL")
        .execute(Tuple.of(endpointId, merchantId, mode))
        .map(rows -> json(one(rows)));
  }

  /**
   * Changes url, eventTypes, description and/or enabled. Enabling clears the disabled reason and
   * the failing streak; disabling leaves pending deliveries waiting (a later enable sends them).
   */
  public Future<JsonObject> update(UUID merchantId, String mode, UUID endpointId, JsonObject request) {
    String url = request.getString("url");
    Future<Void> checked = url == null ? Future.succeededFuture() : checkUrl(url);
    String[] types = request.containsKey("eventTypes")
        ? eventTypes(request.getJsonArray("eventTypes")).toArray(String[]::new) : null;
    Boolean enabled = request.getBoolean("enabled");
    return checked.compose(ok -> pool.preparedQuery("""
            UPDATE webhook_endpoints SET
              url = coalesce($3, url),
              event_types = coalesce($4, event_types),
              description = CASE WHEN $5 THEN $6 ELSE description END,
              enabled = coalesce($7, enabled),
              disabled_reason = CASE WHEN $7 IS NULL THEN disabled_reason WHEN $7 THEN NULL ELSE 'disabled_by_merchant' END,
              disabled_at = CASE WHEN $7 IS NULL THEN disabled_at WHEN $7 THEN NULL ELSE now() END,
              failing_since = CASE WHEN $7 THEN NULL ELSE failing_since END,
              updated_at = now()
            WHERE id = $1 AND merchant_id = $2 AND mode = $8 AND deleted_at IS NULL
            RETURNING *""")
        .execute(Tuple.tuple().addValue(endpointId).addValue(merchantId).addValue(url == null ? null : url.trim())
            .addValue(types).addValue(request.containsKey("description")).addValue(request.getString("description"))
            .addValue(enabled).addValue(mode))
        .map(rows -> json(one(rows))));
  }

  /** Deletes the endpoint; its delivery log stays (the row is kept, hidden and never sent to). */
  public Future<Void> delete(UUID merchantId, String mode, UUID endpointId) {
    return pool.withTransaction(conn -> conn.preparedQuery("""
                UPDATE webhook_endpoints SET deleted_at = now(), enabled = false, disabled_reason = 'deleted',
                                             disabled_at = now(), updated_at = now()
                WHERE id = $1 AND merchant_id = $2 AND mode = $3 AND deleted_at IS NULL""")
            .execute(Tuple.of(endpointId, merchantId, mode))
            .compose(rows -> rows.rowCount() == 0 ? Future.failedFuture(new ApiException(ErrorCode.NOT_FOUND))
                : conn.preparedQuery("""
                        UPDATE webhook_deliveries SET status = 'failed', next_attempt_at = NULL,
                                                      last_error = 'endpoint deleted', updated_at = now()
                        WHERE endpoint_id = $1 AND status = 'pending'""")
                    .execute(Tuple.of(endpointId)).mapEmpty()));
  }

  /**
   * A new secret, shown once. The current one becomes the previous one and keeps signing (both
   * signatures are sent) until the overlap ends, so receivers can switch without losing events.
   */
  public Future<JsonObject> rotateSecret(UUID merchantId, String mode, UUID endpointId, Long overlapSeconds) {
    Duration overlap = overlapSeconds == null ? defaultOverlap : Duration.ofSeconds(overlapSeconds);
    Instant until = clock.instant().plus(overlap);
    WebhookSecret fresh = WebhookSecret.generate(random);
    return pool.withTransaction(conn -> conn.preparedQuery("""
                SELECT secret_sealed FROM webhook_endpoints WHERE id = $1 AND merchant_id = $2 AND mode = $3
                  AND deleted_at IS NULL FOR UPDATE""")
            .execute(Tuple.of(endpointId, merchantId, mode))
            .compose(rows -> {
              Row row = one(rows);
              // Re-sealed under the "previous" context: a sealed value only opens where it was sealed for.
              WebhookSecret current = box.openWebhookSecret(row.getBuffer("secret_sealed").getBytes(),
                  secretContext(endpointId));
              return conn.preparedQuery("""
                      UPDATE webhook_endpoints SET secret_sealed = $2, previous_secret_sealed = $3,
                                                   previous_secret_expires_at = $4, updated_at = now()
                      WHERE id = $1 RETURNING *""")
                  .execute(Tuple.of(endpointId, Buffer.buffer(box.seal(fresh, secretContext(endpointId))),
                      Buffer.buffer(box.seal(current, previousSecretContext(endpointId))), utc(until)));
            })
            .map(rows -> json(rows.iterator().next()).put("secret", fresh.serialized())));
  }

  // ---- delivery log and operations ----

  /**
   * The merchant's latest events, optionally of one checkout, or only those with a delivery in
   * {@code deliveryStatus} ({@code pending}, {@code succeeded}, {@code failed}); each with its
   * deliveries' state (not their attempt logs: {@link #event} has those).
   */
  public Future<JsonArray> events(UUID merchantId, String mode, UUID checkoutId, String deliveryStatus, int limit) {
    return pool.withConnection(conn -> conn.preparedQuery("""
            SELECT ev.id, ev.type, ev.checkout_id, ev.created_at, ev.mode FROM webhook_events ev
            WHERE ev.merchant_id = $1 AND ev.mode = $4 AND ($2::uuid IS NULL OR ev.checkout_id = $2)
              AND ($5::text IS NULL OR EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = ev.id AND d.status = $5))
            ORDER BY ev.created_at DESC, ev.id DESC LIMIT $3""")
        .execute(Tuple.of(merchantId, checkoutId, limit, mode, deliveryStatus))
        .compose(rows -> {
          List<String> ids = new ArrayList<>();
          rows.forEach(row -> ids.add(row.getString("id")));
          return conn.preparedQuery("SELECT * FROM webhook_deliveries WHERE event_id = ANY ($1) ORDER BY id")
              .execute(Tuple.of(ids.toArray(String[]::new)))
              .map(deliveries -> {
                JsonArray all = new JsonArray();
                rows.forEach(row -> {
                  JsonArray mine = new JsonArray();
                  deliveries.forEach(d -> {
                    if (d.getString("event_id").equals(row.getString("id"))) mine.add(deliveryJson(d));
                  });
                  all.add(new JsonObject().put("id", row.getString("id")).put("type", row.getString("type"))
                      .put("mode", row.getString("mode"))
                      .put("checkoutId", row.getUUID("checkout_id") == null ? null : row.getUUID("checkout_id").toString())
                      .put("createdAt", instant(row.getOffsetDateTime("created_at")))
                      .put("deliveries", mine));
                });
                return all;
              });
        }));
  }

  /** One event: its body, and per endpoint the delivery state and every attempt. */
  public Future<JsonObject> event(UUID merchantId, String mode, String eventId) {
    return pool.withConnection(conn -> conn.preparedQuery("""
                SELECT * FROM webhook_events WHERE id = $1 AND merchant_id = $2 AND mode = $3""")
            .execute(Tuple.of(eventId, merchantId, mode))
            .compose(events -> {
              Row event = one(events);
              return Future.all(
                      conn.preparedQuery("SELECT * FROM webhook_deliveries WHERE event_id = $1 ORDER BY id")
                          .execute(Tuple.of(eventId)),
                      conn.preparedQuery("SELECT * FROM webhook_attempts WHERE event_id = $1 ORDER BY id")
                          .execute(Tuple.of(eventId)))
                  .map(all -> {
                    RowSet<Row> deliveries = all.resultAt(0);
                    RowSet<Row> attempts = all.resultAt(1);
                    JsonArray out = new JsonArray();
                    for (Row d : deliveries) {
                      JsonArray log = new JsonArray();
                      for (Row a : attempts) {
                        if (a.getLong("delivery_id").equals(d.getLong("id"))) log.add(attemptJson(a));
                      }
                      out.add(deliveryJson(d).put("attemptLog", log));
                    }
                    return new JsonObject().put("id", event.getString("id")).put("type", event.getString("type"))
                        .put("mode", event.getString("mode"))
                        .put("checkoutId", event.getUUID("checkout_id") == null ? null : event.getUUID("checkout_id").toString())
                        .put("createdAt", instant(event.getOffsetDateTime("created_at")))
                        .put("payload", new JsonObject(event.getString("body")))
                        .put("deliveries", out);
                  });
            }));
  }

  /** The latest attempts made to one endpoint, newest first. */
  public Future<JsonArray> endpointAttempts(UUID merchantId, String mode, UUID endpointId, int limit) {
    return pool.preparedQuery("""
            SELECT a.* FROM webhook_attempts a JOIN webhook_endpoints e ON e.id = a.endpoint_id
            WHERE a.endpoint_id = $1 AND e.merchant_id = $2 AND e.mode = $4 AND e.deleted_at IS NULL
            ORDER BY a.id DESC LIMIT $3""")
        .execute(Tuple.of(endpointId, merchantId, limit, mode))
        .compose(rows -> rows.size() > 0 ? Future.succeededFuture(rows)
            : get(merchantId, mode, endpointId).map(exists -> rows)) // 404 for an unknown endpoint, [] for a quiet one
        .map(rows -> {
          JsonArray all = new JsonArray();
          rows.forEach(row -> all.add(attemptJson(row)));
          return all;
        });
  }

  /**
   * Sends one event again, with the same {@code webhook-id}: to one endpoint, or to every enabled
   * endpoint subscribed to its type. Answers how many deliveries were scheduled.
   */
  public Future<Integer> resend(UUID merchantId, String mode, String eventId, UUID endpointId) {
    return pool.withTransaction(conn -> conn.preparedQuery("SELECT 1 FROM webhook_events WHERE id = $1 AND merchant_id = $2 AND mode = $3")
        .execute(Tuple.of(eventId, merchantId, mode))
        .compose(found -> {
          if (found.size() == 0) return Future.failedFuture(new ApiException(ErrorCode.NOT_FOUND, "no such event"));
          return conn.preparedQuery("""
                  INSERT INTO webhook_deliveries (event_id, endpoint_id, status, next_attempt_at)
                  SELECT ev.id, e.id, 'pending', now()
                  FROM webhook_events ev JOIN webhook_endpoints e ON e.merchant_id = ev.merchant_id AND e.mode = ev.mode
                  WHERE ev.id = $1 AND e.deleted_at IS NULL
                    AND (($2::uuid IS NULL AND e.enabled AND ev.type = ANY (e.event_types)) OR e.id = $2)
                  ON CONFLICT (event_id, endpoint_id) DO UPDATE
                    SET status = 'pending', attempts = 0, next_attempt_at = now(), updated_at = now()""")
              .execute(Tuple.of(eventId, endpointId));
        })
        .compose(rows -> {
          if (endpointId != null && rows.rowCount() == 0) {
            return Future.failedFuture(new ApiException(ErrorCode.NOT_FOUND, "no such endpoint"));
          }
          return rows.rowCount() == 0 ? Future.succeededFuture(0) : WebhookOutbox.notifyDue(conn).map(rows.rowCount());
        }));
  }

  /** Schedules again every delivery to the endpoint that failed (gave up) and was created since {@code since}. */
  public Future<Integer> recover(UUID merchantId, String mode, UUID endpointId, Instant since) {
    return pool.withTransaction(conn -> conn.preparedQuery("""
                SELECT 1 FROM webhook_endpoints WHERE id = $1 AND merchant_id = $2 AND mode = $3 AND deleted_at IS NULL""")
        .execute(Tuple.of(endpointId, merchantId, mode))
        .compose(found -> found.size() == 0 ? Future.failedFuture(new ApiException(ErrorCode.NOT_FOUND))
            : conn.preparedQuery("""
                    UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = now(), updated_at = now()
                    WHERE endpoint_id = $1 AND status = 'failed' AND created_at >= $2""")
                .execute(Tuple.of(endpointId, utc(since))))
        .compose(rows -> rows.rowCount() == 0 ? Future.succeededFuture(0)
            : WebhookOutbox.notifyDue(conn).map(rows.rowCount())));
  }

  // ---- helpers ----

  private Future<Void> checkUrl(String url) {
    // Resolved now, so a merchant hears at once that a URL is refused; re-checked on every attempt.
    return policy.check(url).<Void>mapEmpty()
        .recover(e -> Future.failedFuture(e instanceof EndpointRefusedException refused ? refused.toApiException() : e));
  }

  private static List<String> eventTypes(JsonArray requested) {
    List<String> types = new ArrayList<>();
    if (requested == null || requested.isEmpty()) {
      for (WebhookEventType type : WebhookEventType.values()) types.add(type.wireName());
      return types;
    }
    for (Object item : requested) {
      String name = String.valueOf(item);
      try {
        WebhookEventType.fromWireName(name);
      } catch (IllegalArgumentException e) {
        throw new ApiException(ErrorCode.INVALID_REQUEST, "unknown event type " + name);
      }
      if (!types.contains(name)) types.add(name);
    }
    return types;
  }

  private static Row one(RowSet<Row> rows) {
    if (rows.size() == 0) throw new ApiException(ErrorCode.NOT_FOUND);
    return rows.iterator().next();
  }

  private JsonObject json(Row row) {
    OffsetDateTime previousUntil = row.getOffsetDateTime("previous_secret_expires_at");
    boolean overlapping = previousUntil != null && previousUntil.toInstant().isAfter(clock.instant());
    JsonArray types = new JsonArray();
    for (String type : row.getArrayOfStrings("event_types")) types.add(type);
    return new JsonObject()
        .put("id", row.getUUID("id").toString())
        .put("object", "webhook_endpoint")
        .put("mode", row.getString("mode"))
        .put("url", row.getString("url"))
        .put("description", row.getString("description"))
        .put("eventTypes", types)
        .put("enabled", row.getBoolean("enabled"))
        .put("disabledReason", row.getString("disabled_reason"))
        .put("disabledAt", instant(row.getOffsetDateTime("disabled_at")))
        .put("failingSince", instant(row.getOffsetDateTime("failing_since")))
        .put("previousSecretExpiresAt", overlapping ? instant(previousUntil) : null)
        .put("createdAt", instant(row.getOffsetDateTime("created_at")))
        .put("updatedAt", instant(row.getOffsetDateTime("updated_at")));
  }

  private static JsonObject deliveryJson(Row d) {
    return new JsonObject()
        .put("endpointId", d.getUUID("endpoint_id").toString())
        .put("status", d.getString("status"))
        .put("attempts", d.getInteger("attempts"))
        .put("nextAttemptAt", instant(d.getOffsetDateTime("next_attempt_at")))
        .put("lastAttemptAt", instant(d.getOffsetDateTime("last_attempt_at")))
        .put("lastStatusCode", d.getInteger("last_status_code"))
        .put("lastError", d.getString("last_error"));
  }

  private static JsonObject attemptJson(Row a) {
    return new JsonObject()
        .put("eventId", a.getString("event_id"))
        .put("endpointId", a.getUUID("endpoint_id").toString())
        .put("attempt", a.getInteger("attempt"))
        .put("attemptedAt", instant(a.getOffsetDateTime("attempted_at")))
        .put("outcome", a.getString("outcome"))
        .put("statusCode", a.getInteger("status_code"))
        .put("latencyMs", a.getInteger("latency_ms"))
        .put("error", a.getString("error"))
        .put("responseBody", a.getString("response_body"));
  }

  static OffsetDateTime utc(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  public static String instant(OffsetDateTime t) {
    return io.tollgate.api.Rfc3339.format(t);
  }
}
