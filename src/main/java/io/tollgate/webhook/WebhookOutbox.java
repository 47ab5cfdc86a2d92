package io.tollgate.webhook;

import io.tollgate.api.Rfc3339;
import io.tollgate.checkout.CheckoutTransition;
import io.tollgate.checkout.TransitionLog;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The transactional outbox: a {@link TransitionLog.Listener}, so it runs inside the transaction of
 * every checkout transition. For a transition a shop hears about it writes the event (its exact
 * body) and one pending delivery per enabled endpoint of the merchant subscribed to the type, then
 * {@code NOTIFY}s {@value #CHANNEL}. Both commit with the state change or not at all: a crash after
 * the commit loses nothing (a dispatcher finds the due rows), a rollback sends nothing.
 */
public final class WebhookOutbox implements TransitionLog.Listener {
  /** PostgreSQL channel notified at commit when deliveries became due; dispatchers listen to it. */
  static final String CHANNEL = "webhook_outbox";

  private final Clock clock;

  public WebhookOutbox(Clock clock) {
    this.clock = clock;
  }

  /**
   * Which event a transition is for the shop. Creation, the "mined" step and rejections of extra
   * payments (e.g. a second payment for a paid checkout) send nothing.
   */
  static Optional<WebhookEventType> typeOf(CheckoutTransition t) {
    WebhookEventType type = switch (t.toStatus()) {
      // pending → pending with reason "mined" is progress of the same payment, not a new claim
      case "pending" -> "mined".equals(t.reason()) ? null : WebhookEventType.CHECKOUT_PENDING;
      case "paid" -> WebhookEventType.CHECKOUT_PAID;
      case "failed" -> WebhookEventType.CHECKOUT_FAILED;
      // expired → expired is a late submission to an already expired checkout
      case "expired" -> "expired".equals(t.fromStatus()) ? null : WebhookEventType.CHECKOUT_EXPIRED;
      case "paid_late" -> WebhookEventType.CHECKOUT_PAID_LATE;
      case "underpaid" -> WebhookEventType.CHECKOUT_UNDERPAID;
      case "canceled" -> "canceled".equals(t.fromStatus()) ? null : WebhookEventType.CHECKOUT_CANCELED;
      case "refund_created" -> WebhookEventType.REFUND_CREATED;
      case "refund_succeeded" -> WebhookEventType.REFUND_SUCCEEDED;
      case "refund_failed" -> WebhookEventType.REFUND_FAILED;
      case "refund_canceled" -> WebhookEventType.REFUND_CANCELED;
      case "refund_extra_transfer" -> WebhookEventType.REFUND_EXTRA_TRANSFER;
      case "duplicate_payment" -> WebhookEventType.CHECKOUT_DUPLICATE_PAYMENT;
      case "reversed", "payment_reversed" -> WebhookEventType.CHECKOUT_PAYMENT_REVERSED;
      default -> null;
    };
    return Optional.ofNullable(type);
  }

  // What an event's data is built from; $1/$2 are arrays of checkout and payment ids (one row each, in order).
  private static final String EVENT_FACTS = """
      SELECT c.id, c.merchant_id, c.mode, c.order_reference, c.amount, c.currency, c.status, c.status_reason, c.metadata,
             c.payer AS bound_payer, c.created_at, c.expires_at,
             p.id AS payment_id, p.chain_id, p.token, p.tx_hash, p.status AS payment_status, p.reason AS payment_reason,
             p.payer, p.amount_base, p.block_number, p.block_hash, p.block_time, p.late,
             o.token_address, o.decimals, o.recipient,
             pp.provider, pp.processor_payment_id, pp.amount AS processor_amount, pp.currency AS processor_currency
      FROM unnest($1::uuid[], $2::bigint[]) WITH ORDINALITY AS t(checkout_id, payment_id, ord)
      JOIN checkouts c ON c.id = t.checkout_id
      LEFT JOIN payments p ON p.id = coalesce(t.payment_id, c.paid_payment_id)
      LEFT JOIN payment_options o ON o.checkout_id = p.checkout_id AND o.chain_id = p.chain_id AND o.token = p.token
      LEFT JOIN processor_payments pp ON pp.id = c.paid_processor_payment_id
      ORDER BY t.ord""";

  // One pending delivery per enabled endpoint subscribed to the event's type; notifies the
  // dispatchers (once, at commit) only when it queued something.
  private static final String INSERT_DELIVERIES = """
      WITH due AS (
        INSERT INTO webhook_deliveries (event_id, endpoint_id, status, next_attempt_at)
        SELECT ev.id, e.id, 'pending', now()
        FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[]) AS ev(id, merchant_id, type, mode)
        JOIN webhook_endpoints e ON e.merchant_id = ev.merchant_id AND e.mode = ev.mode AND e.enabled AND e.deleted_at IS NULL
                                AND ev.type = ANY (e.event_types)
        RETURNING 1)
      SELECT pg_notify('%s', '') FROM (SELECT 1 FROM due LIMIT 1) any_due""".formatted(CHANNEL);

  @Override
  public Future<Void> onTransition(SqlConnection conn, CheckoutTransition t) {
    return onTransitions(conn, List.of(t));
  }

  /**
   * Set-based: one read of the facts, then one insert of the events and one of the deliveries
   * (which also notifies, at most once), sent together; however many transitions (a chain
   * watcher's round confirms hundreds at once), two round trips.
   */
  @Override
  public Future<Void> onTransitions(SqlConnection conn, List<CheckoutTransition> transitions) {
    List<CheckoutTransition> announced = new ArrayList<>();
    List<WebhookEventType> types = new ArrayList<>();
    for (CheckoutTransition t : transitions) {
      typeOf(t).ifPresent(type -> {
        announced.add(t);
        types.add(type);
      });
    }
    if (announced.isEmpty()) return Future.succeededFuture();
    UUID[] checkoutIds = announced.stream().map(CheckoutTransition::checkoutId).toArray(UUID[]::new);
    Long[] paymentIds = announced.stream().map(CheckoutTransition::paymentId).toArray(Long[]::new);
    return conn.preparedQuery(EVENT_FACTS)
        .execute(Tuple.from(List.<Object>of(checkoutIds, paymentIds)))
        .compose(rows -> {
          int n = announced.size();
          if (rows.size() != n) return Future.failedFuture(new IllegalStateException(
              "outbox: " + rows.size() + " fact rows for " + n + " transitions (a checkout is missing)"));
          String[] ids = new String[n];
          UUID[] merchants = new UUID[n];
          String[] typeNames = new String[n];
          String[] modes = new String[n];
          String[] bodies = new String[n];
          OffsetDateTime[] created = new OffsetDateTime[n];
          int i = 0;
          for (Row row : rows) {
            modes[i] = row.getString("mode");
            WebhookEvent event = WebhookEvent.create(types.get(i), modes[i], data(row, announced.get(i)), clock);
            ids[i] = event.id();
            merchants[i] = row.getUUID("merchant_id");
            typeNames[i] = event.type().wireName();
            bodies[i] = event.body();
            created[i] = OffsetDateTime.ofInstant(event.createdAt(), ZoneOffset.UTC);
            i++;
          }
          // Sent together (the deliveries statement runs after the events one on this connection,
          // so it sees them); the deliveries statement also wakes the dispatchers if it queued any.
          Future<?> events = conn.preparedQuery("""
                  INSERT INTO webhook_events (id, merchant_id, type, checkout_id, body, created_at, mode)
                  SELECT * FROM unnest($1::text[], $2::uuid[], $3::text[], $4::uuid[], $5::text[], $6::timestamptz[], $7::text[])""")
              .execute(Tuple.of(ids, merchants, typeNames, checkoutIds, bodies, created, modes));
          Future<?> deliveries = conn.preparedQuery(INSERT_DELIVERIES)
              .execute(Tuple.of(ids, merchants, typeNames, modes));
          return Future.join(events, deliveries).<Void>mapEmpty();
        });
  }

  /** Wakes every dispatcher at commit (delivered only if the transaction commits). */
  static Future<Void> notifyDue(SqlConnection conn) {
    return conn.query("SELECT pg_notify('" + CHANNEL + "', '')").execute().mapEmpty();
  }

  /**
   * Everything a shop needs to act without calling back: the checkout as it is after the
   * transition, the payment (on-chain facts, or the processor's) and why.
   */
  static JsonObject data(Row row, CheckoutTransition t) {
    JsonObject checkout = new JsonObject()
        .put("id", row.getUUID("id").toString())
        .put("mode", row.getString("mode"))
        .put("orderReference", row.getString("order_reference"))
        .put("amount", usd(row.getBigDecimal("amount")))
        .put("currency", row.getString("currency"))
        .put("status", row.getString("status"))
        .put("statusReason", row.getString("status_reason"))
        .put("metadata", row.getValue("metadata"))
        .put("payer", row.getString("bound_payer"))
        .put("createdAt", instant(row.getOffsetDateTime("created_at")))
        .put("expiresAt", instant(row.getOffsetDateTime("expires_at")));
    JsonObject data = new JsonObject().put("checkout", checkout);
    if (row.getValue("payment_id") != null) {
      data.put("payment", new JsonObject()
          .put("method", "onchain")
          .put("txHash", row.getString("tx_hash"))
          .put("chainId", row.getLong("chain_id"))
          .put("token", row.getString("token"))
          .put("tokenAddress", row.getString("token_address"))
          .put("decimals", row.getInteger("decimals"))
          .put("recipient", row.getString("recipient"))
          .put("payer", row.getString("payer"))
          .put("amount", row.getValue("amount_base") == null ? null
              : row.getBigDecimal("amount_base").toBigInteger().toString())
          .put("blockNumber", row.getLong("block_number"))
          .put("blockHash", row.getString("block_hash"))
          .put("blockTime", instant(row.getOffsetDateTime("block_time")))
          .put("status", row.getString("payment_status"))
          .put("reason", row.getString("payment_reason"))
          .put("late", row.getBoolean("late")));
    } else if (row.getValue("provider") != null) {
      data.put("payment", new JsonObject()
          .put("method", "processor")
          .put("provider", row.getString("provider"))
          .put("processorPaymentId", row.getString("processor_payment_id"))
          .put("amount", row.getValue("processor_amount") == null ? null : usd(row.getBigDecimal("processor_amount")))
          .put("currency", row.getString("processor_currency")));
    } else {
      data.putNull("payment");
    }
    data.put("reason", t.reason());
    // Money facts (camelCase) recorded with the transition: the refund, and received/due/excess amounts.
    if (t.details() != null) {
      if (t.details().getValue("refund") instanceof JsonObject refund) data.put("refund", refund);
      if (t.details().getValue("amounts") instanceof JsonObject amounts) data.put("amounts", amounts);
    }
    return data;
  }

  private static String usd(BigDecimal amount) {
    BigDecimal stripped = amount.stripTrailingZeros();
    return (stripped.scale() < 2 ? stripped.setScale(2) : stripped).toPlainString();
  }

  private static String instant(OffsetDateTime t) {
    return Rfc3339.format(t);
  }
}
