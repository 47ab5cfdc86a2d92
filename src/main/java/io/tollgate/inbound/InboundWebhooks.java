package io.tollgate.inbound;

import static io.tollgate.telemetry.EventLog.EVENTS;

import io.tollgate.webhook.WebhookEndpoints;
import io.tollgate.webhook.WebhookSignatureException;
import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * The intake of other processors' webhooks (seed 002's pattern): verify the signature, store the
 * raw event deduplicated by (variant, event id), then process it through the
 * {@link WebhookHandlerRegistry} in one transaction that also records the outcome. The caller
 * answers 2xx once {@link #receive} succeeds, which is only after the event is stored.
 *
 * <p>Processing is idempotent: the stored row is locked ({@code FOR UPDATE}) and an event already
 * processed, ignored or unmatched is skipped, so duplicates and concurrent duplicates apply once. A
 * handler failure rolls its writes back and is captured on the row (message and stack trace,
 * status {@code failed}); {@link #retry} runs it again.
 */
public final class InboundWebhooks {
  private static final Set<String> FINAL = Set.of("processed", "ignored", "unmatched");

  private final Pool pool;
  private final Map<String, InboundVariant> variants;
  private final WebhookHandlerRegistry registry;
  private final Clock clock;

  private final InboundMetrics metrics;

  public InboundWebhooks(Pool pool, Map<String, InboundVariant> variants, WebhookHandlerRegistry registry, Clock clock,
      InboundMetrics metrics) {
    this.metrics = metrics;
    this.pool = pool;
    this.variants = Map.copyOf(variants);
    this.registry = registry;
    this.clock = clock;
  }

  /** What the intake answered for one delivery. */
  public record Receipt(long id, String eventId, boolean duplicate, String status) {
    public JsonObject toJson() {
      return new JsonObject().put("received", true).put("eventId", eventId).put("duplicate", duplicate)
          .put("status", status);
    }
  }

  public Future<Receipt> receive(String variantName, MultiMap headers, Buffer body) {
    InboundVariant variant = variants.get(variantName);
    if (variant == null) return Future.failedFuture(new ApiException(ErrorCode.NOT_FOUND, "no such webhook variant"));
    byte[] raw = body == null ? new byte[0] : body.getBytes();
    VerifiedEvent verified;
    try {
      verified = variant.scheme().verify(headers, raw);
    } catch (WebhookSignatureException e) {
      EVENTS.inboundRefused(variantName, e.code());
      metrics.count(variantName, "refused");
      return Future.failedFuture(e.toApiException());
    }
    return pool.preparedQuery("""
            INSERT INTO inbound_webhook_events (variant, provider, event_id, kind, merchant_id, raw_body, payload, status)
            VALUES ($1, $2, $3, $4, $5, $6, $7, 'received')
            ON CONFLICT (variant, event_id) DO NOTHING
            RETURNING id, status""")
        .execute(Tuple.of(variantName, variant.provider().configName(), verified.eventId(), verified.kind(),
            variant.merchantId(), new String(raw, StandardCharsets.UTF_8), verified.payload()))
        .compose(inserted -> inserted.size() == 1
            ? Future.succeededFuture(new Stored(inserted.iterator().next().getLong("id"), "received", false))
            : pool.preparedQuery("SELECT id, status FROM inbound_webhook_events WHERE variant = $1 AND event_id = $2")
                .execute(Tuple.of(variantName, verified.eventId()))
                .map(rows -> {
                  Row row = rows.iterator().next();
                  return new Stored(row.getLong("id"), row.getString("status"), true);
                }))
        // Stored: from here on the event is never lost. Processing failures are captured, not answered.
        .onSuccess(stored -> {
          if (!stored.duplicate()) EVENTS.inboundStored(variantName, verified.eventId(), stored.id(), verified.kind());
          metrics.count(variantName, stored.duplicate() ? "duplicate" : "stored");
        })
        .compose(stored -> (FINAL.contains(stored.status()) ? Future.succeededFuture(stored.status()) : process(stored.id()))
            .map(status -> new Receipt(stored.id(), verified.eventId(), stored.duplicate(), status)));
  }

  private record Stored(long id, String status, boolean duplicate) {}

  /** Processes a stored event again (admin); an event already processed is left alone. */
  public Future<JsonObject> retry(long id) {
    return process(id).compose(status -> event(id));
  }

  /** Events that need an operator's eye (failed, unmatched) or all, newest first. */
  public Future<JsonArray> list(String status, int limit) {
    return pool.preparedQuery("""
            SELECT * FROM inbound_webhook_events WHERE ($1::text IS NULL OR status = $1) ORDER BY id DESC LIMIT $2""")
        .execute(Tuple.of(status, limit))
        .map(rows -> {
          JsonArray all = new JsonArray();
          rows.forEach(row -> all.add(json(row)));
          return all;
        });
  }

  Future<JsonObject> event(long id) {
    return pool.preparedQuery("SELECT * FROM inbound_webhook_events WHERE id = $1")
        .execute(Tuple.of(id))
        .map(rows -> {
          if (rows.size() == 0) throw new ApiException(ErrorCode.NOT_FOUND);
          return json(rows.iterator().next());
        });
  }

  /** Runs the handler once; answers the status the event ends in. Never fails for a handler failure. */
  private Future<String> process(long id) {
    return pool.withTransaction(conn -> conn.preparedQuery("SELECT * FROM inbound_webhook_events WHERE id = $1 FOR UPDATE")
            .execute(Tuple.of(id))
            .compose(rows -> {
              if (rows.size() == 0) return Future.failedFuture(new ApiException(ErrorCode.NOT_FOUND));
              Row row = rows.iterator().next();
              String status = row.getString("status");
              if (FINAL.contains(status)) return Future.succeededFuture(status); // a duplicate got here first
              InboundEvent event = new InboundEvent(row.getString("variant"),
                  InboundProvider.fromConfigName(row.getString("provider")), row.getString("event_id"),
                  row.getString("kind"), payload(row), row.getOffsetDateTime("received_at").toInstant());
              Instant now = clock.instant();
              HandlerContext ctx = new HandlerContext() {
                @Override
                public SqlConnection connection() { return conn; }

                @Override
                public Instant now() { return now; }
              };
              return registry.dispatch(event, ctx).compose(outcome -> {
                String next = outcome instanceof HandlerOutcome.Applied ? "processed"
                    : outcome instanceof HandlerOutcome.Ignored ? "ignored" : "unmatched";
                return conn.preparedQuery("""
                        UPDATE inbound_webhook_events SET status = $2, outcome = $3, attempts = attempts + 1,
                               processed_at = now(), last_error = NULL, stack_trace = NULL
                        WHERE id = $1""")
                    .execute(Tuple.of(id, next, describe(outcome)))
                    .map(next)
                    // told once committed (the transaction's future completes after the commit)
                    .onSuccess(done -> conn.transaction().completion().onSuccess(committed -> {
                      EVENTS.inboundProcessed(event.variant(), event.eventId(), id, done);
                      metrics.count(event.variant(), done);
                    }));
              });
            }))
        .recover(e -> {
          if (e instanceof ApiException api && api.error() == ErrorCode.NOT_FOUND) return Future.failedFuture(e);
          EVENTS.inboundFailed(id, e);
          StringWriter trace = new StringWriter();
          e.printStackTrace(new PrintWriter(trace));
          return pool.preparedQuery("""
                  UPDATE inbound_webhook_events SET status = 'failed', attempts = attempts + 1, last_error = $2,
                         stack_trace = $3
                  WHERE id = $1 AND status NOT IN ('processed', 'ignored', 'unmatched')
                  RETURNING variant""")
              .execute(Tuple.of(id, String.valueOf(e), trace.toString()))
              .onSuccess(updated -> {
                if (updated.rowCount() > 0) metrics.count(updated.iterator().next().getString("variant"), "failed");
              })
              .map("failed");
        });
  }

  private static JsonObject payload(Row row) {
    Object value = row.getValue("payload");
    return value instanceof JsonObject json ? json : new JsonObject(String.valueOf(value));
  }

  private static String describe(HandlerOutcome outcome) {
    if (outcome instanceof HandlerOutcome.Applied applied) return applied.summary();
    if (outcome instanceof HandlerOutcome.Ignored ignored) return ignored.reason();
    return ((HandlerOutcome.Unmatched) outcome).reason();
  }

  private static JsonObject json(Row row) {
    return new JsonObject()
        .put("id", row.getLong("id"))
        .put("variant", row.getString("variant"))
        .put("provider", row.getString("provider"))
        .put("eventId", row.getString("event_id"))
        .put("kind", row.getString("kind"))
        .put("status", row.getString("status"))
        .put("outcome", row.getString("outcome"))
        .put("attempts", row.getInteger("attempts"))
        .put("receivedAt", WebhookEndpoints.instant(row.getOffsetDateTime("received_at")))
        .put("processedAt", WebhookEndpoints.instant(row.getOffsetDateTime("processed_at")))
        .put("lastError", row.getString("last_error"))
        .put("stackTrace", row.getString("stack_trace"))
        .put("payload", payload(row));
  }
}
