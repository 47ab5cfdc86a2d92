package io.tollgate.console;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.tollgate.api.Rfc3339;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The live view of a drop: over the last {@code minutes} (1-60), checkouts created per minute and
 * how many of them are paid, where the window's checkouts stand (paid, pending, failures by
 * reason), rejected payments by reason and the confirmation delay (paying block to paid); plus,
 * from this instance's metrics registry, each chain's head lag and the status-poll rate.
 *
 * <p>Cost: three queries over the window's checkouts (the {@code created_at} index) and one over
 * its payments; nothing asks a chain. Polled by the console every few seconds by a handful of
 * people, which PostgreSQL bears even mid-drop (10,000 checkouts in a window).
 */
public final class DropFigures {
  static final int MAX_MINUTES = 60;

  private final Pool pool;
  private final MeterRegistry meters;
  private final Clock clock;
  private final PollRate polls;

  DropFigures(Pool pool, MeterRegistry meters, Clock clock) {
    this.pool = pool;
    this.meters = meters;
    this.clock = clock;
    this.polls = new PollRate(meters);
  }

  /**
   * The figures of {@code merchantId}'s checkouts of {@code mode}, or (both null, the operator)
   * of every merchant's.
   */
  public Future<JsonObject> figures(UUID merchantId, String mode, String minutesText) {
    int minutes;
    try {
      minutes = minutesText == null ? 15 : Integer.parseInt(minutesText);
      if (minutes < 1 || minutes > MAX_MINUTES) throw new NumberFormatException();
    } catch (NumberFormatException e) {
      return Future.failedFuture(new ApiException(ErrorCode.INVALID_REQUEST, "minutes is 1 to " + MAX_MINUTES));
    }
    Instant now = clock.instant();
    OffsetDateTime since = OffsetDateTime.ofInstant(now, ZoneOffset.UTC).minusMinutes(minutes).withSecond(0).withNano(0);
    String scope = merchantId == null ? "($2::uuid IS NULL AND $3::text IS NULL)" : "c.merchant_id = $2 AND c.mode = $3";
    Tuple args = Tuple.of(since, merchantId, mode);
    Future<RowSet<Row>> perMinute = pool.preparedQuery("""
            SELECT date_trunc('minute', c.created_at) AS minute, count(*) AS created,
                   count(*) FILTER (WHERE c.status = 'paid') AS paid
            FROM checkouts c WHERE c.created_at >= $1 AND %s GROUP BY 1 ORDER BY 1""".formatted(scope)).execute(args);
    Future<RowSet<Row>> outcomes = pool.preparedQuery("""
            SELECT c.status, c.status_reason, count(*) AS n FROM checkouts c
            WHERE c.created_at >= $1 AND %s GROUP BY 1, 2""".formatted(scope)).execute(args);
    Future<RowSet<Row>> rejected = pool.preparedQuery("""
            SELECT p.reason, count(*) AS n FROM payments p JOIN checkouts c ON c.id = p.checkout_id
            WHERE p.submitted_at >= $1 AND p.status = 'rejected' AND %s GROUP BY 1""".formatted(scope)).execute(args);
    Future<RowSet<Row>> delay = pool.preparedQuery("""
            SELECT count(*) AS n,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY d) AS p50,
                   percentile_cont(0.95) WITHIN GROUP (ORDER BY d) AS p95,
                   max(d) AS max
            FROM (SELECT extract(epoch FROM (e.at - p.block_time)) AS d
                  FROM checkouts c
                  JOIN payments p ON p.id = c.paid_payment_id
                  JOIN checkout_events e ON e.checkout_id = c.id AND e.payment_id = p.id AND e.to_status = 'paid'
                  WHERE c.created_at >= $1 AND c.status = 'paid' AND p.block_time IS NOT NULL AND %s) x"""
        .formatted(scope)).execute(args);
    return Future.all(perMinute, outcomes, rejected, delay).map(all -> new JsonObject()
        .put("at", Rfc3339.format(now)).put("since", Rfc3339.format(since)).put("minutes", minutes)
        .put("perMinute", minutesOf(perMinute.result(), since, minutes))
        .mergeIn(outcomesOf(outcomes.result()))
        .put("rejectedPayments", counts(rejected.result(), "reason"))
        .put("confirmationDelaySeconds", delayOf(delay.result().iterator().next()))
        .put("chains", chains())
        .put("pollsPerSecond", polls.perSecond(now)));
  }

  /** One entry per minute of the window, zero-filled, so a chart needs no gaps logic. */
  private static JsonArray minutesOf(RowSet<Row> rows, OffsetDateTime since, int minutes) {
    TreeMap<Instant, Row> byMinute = new TreeMap<>();
    rows.forEach(r -> byMinute.put(r.getOffsetDateTime("minute").toInstant(), r));
    JsonArray out = new JsonArray();
    for (int i = 0; i <= minutes; i++) {
      Instant minute = since.plusMinutes(i).toInstant();
      Row r = byMinute.get(minute);
      out.add(new JsonObject().put("minute", Rfc3339.format(minute))
          .put("created", r == null ? 0 : r.getLong("created")).put("paid", r == null ? 0 : r.getLong("paid")));
    }
    return out;
  }

  private static JsonObject outcomesOf(RowSet<Row> rows) {
    long created = 0;
    long paid = 0;
    long pending = 0;
    JsonObject byStatus = new JsonObject();
    JsonObject failures = new JsonObject();
    for (Row r : rows) {
      String status = r.getString("status");
      long n = r.getLong("n");
      created += n;
      byStatus.put(status, byStatus.getLong(status, 0L) + n);
      if (status.equals("paid")) paid += n;
      if (status.equals("open") || status.equals("pending") || status.equals("underpaid")) pending += n;
      if (status.equals("failed") || status.equals("expired") || status.equals("reversed")) {
        String reason = r.getString("status_reason") == null ? status : r.getString("status_reason");
        failures.put(reason, failures.getLong(reason, 0L) + n);
      }
    }
    return new JsonObject().put("created", created).put("paid", paid).put("pending", pending)
        .put("byStatus", byStatus).put("failuresByReason", failures);
  }

  private static JsonObject counts(RowSet<Row> rows, String column) {
    JsonObject out = new JsonObject();
    rows.forEach(r -> out.put(r.getString(column) == null ? "unknown" : r.getString(column), r.getLong("n")));
    return out;
  }

  private static JsonObject delayOf(Row r) {
    return new JsonObject().put("count", r.getLong("n")).put("p50", seconds(r, "p50")).put("p95", seconds(r, "p95"))
        .put("max", seconds(r, "max"));
  }

  private static Double seconds(Row r, String column) {
    Object value = r.getValue(column);
    return value == null ? null : Math.round(((Number) value).doubleValue() * 1000) / 1000.0;
  }

  /**
   * Each chain's head lag and head from this instance's gauges. Only the instance leading a chain's
   * watcher knows them (the others' gauges are NaN): null here then, with {@code watchedHere} false.
   */
  private JsonArray chains() {
    TreeMap<String, JsonObject> byChain = new TreeMap<>();
    for (Gauge g : meters.find("tollgate.chain.head.lag").gauges()) {
      String chain = g.getId().getTag("chain");
      double lag = g.value();
      byChain.computeIfAbsent(chain, DropFigures::chain).put("headLagSeconds", Double.isNaN(lag) ? null : lag)
          .put("watchedHere", !Double.isNaN(lag));
    }
    for (Gauge g : meters.find("tollgate.chain.head").gauges()) {
      double head = g.value();
      byChain.computeIfAbsent(g.getId().getTag("chain"), DropFigures::chain).put("head", Double.isNaN(head) ? null : (long) head);
    }
    return new JsonArray(new java.util.ArrayList<>(byChain.values()));
  }

  private static JsonObject chain(String id) {
    return new JsonObject().put("chainId", Long.parseLong(id)).put("watchedHere", false);
  }
}
