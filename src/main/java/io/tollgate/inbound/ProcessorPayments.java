package io.tollgate.inbound;

import io.tollgate.checkout.CheckoutTransition;
import io.tollgate.checkout.StatusNotifications;
import io.tollgate.checkout.TransitionLog;
import io.tollgate.inbound.ProcessorEvent.Amount;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies other processors' events to checkouts: the {@link ProcessorEventSink} of the inbound
 * intake. Runs inside the intake's transaction; every write is idempotent (upserts keyed by the
 * processor's payment id, compare-and-set checkout updates), and every checkout change goes
 * through {@link TransitionLog} (audit row and webhook outbox) with its status notification.
 *
 * <p>Only checkouts of the variant's merchant are ever matched, strongest key first (see
 * {@link CheckoutRef}).
 */
public final class ProcessorPayments implements ProcessorEventSink {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessorPayments.class);

  private final Map<String, UUID> merchantByVariant;
  private final TransitionLog transitions;
  private final ProcessorRefunds refunds;

  public ProcessorPayments(Map<String, UUID> merchantByVariant, TransitionLog transitions) {
    this.merchantByVariant = Map.copyOf(merchantByVariant);
    this.transitions = transitions;
    this.refunds = new ProcessorRefunds(transitions);
  }

  private record Match(UUID checkoutId, String status, BigDecimal amount, String currency) {}

  @Override
  public Future<HandlerOutcome> apply(InboundEvent event, ProcessorEvent extracted, HandlerContext ctx) {
    UUID merchant = merchantByVariant.get(event.variant());
    if (merchant == null) return Future.failedFuture(new IllegalStateException("variant " + event.variant() + " has no merchant"));
    SqlConnection conn = ctx.connection();
    return find(conn, merchant, extracted.ref()).compose(match -> {
      if (match == null) {
        return Future.succeededFuture(new HandlerOutcome.Unmatched("no checkout of the merchant matches " + keys(extracted.ref())));
      }
      String actor = "processor:" + event.provider().configName();
      if (extracted instanceof ProcessorEvent.PaymentSucceeded e) return succeeded(conn, match, e, event, actor);
      if (extracted instanceof ProcessorEvent.PaymentAuthorized e) return authorized(conn, match, e, event);
      if (extracted instanceof ProcessorEvent.PaymentFailed e) return failed(conn, match, e, event, actor);
      if (extracted instanceof ProcessorEvent.Refunded e) return refunded(conn, match, e, event, actor);
      return disputed(conn, match, (ProcessorEvent.DisputeOpened) extracted, event, actor);
    });
  }

  // ---- matching ----

  private static Future<Match> find(SqlConnection conn, UUID merchant, CheckoutRef ref) {
    String provider = ref.provider().configName();
    List<Supplier<Future<RowSet<Row>>>> lookups = new ArrayList<>();
    UUID checkoutId = uuid(ref.checkoutId());
    if (checkoutId != null) {
      lookups.add(() -> conn.preparedQuery(
              "SELECT id, status, amount, currency FROM checkouts WHERE id = $1 AND merchant_id = $2 FOR UPDATE")
          .execute(Tuple.of(checkoutId, merchant)));
    }
    if (ref.processorPaymentId() != null) {
      lookups.add(() -> conn.preparedQuery("""
              SELECT c.id, c.status, c.amount, c.currency FROM processor_payments pp JOIN checkouts c ON c.id = pp.checkout_id
              WHERE pp.provider = $1 AND pp.processor_payment_id = $2 AND c.merchant_id = $3 FOR UPDATE OF c""")
          .execute(Tuple.of(provider, ref.processorPaymentId(), merchant)));
    }
    if (ref.processorSessionId() != null) {
      lookups.add(() -> conn.preparedQuery("""
              SELECT c.id, c.status, c.amount, c.currency FROM processor_payments pp JOIN checkouts c ON c.id = pp.checkout_id
              WHERE pp.provider = $1 AND pp.processor_session_id = $2 AND c.merchant_id = $3
              ORDER BY pp.id DESC LIMIT 1 FOR UPDATE OF c""")
          .execute(Tuple.of(provider, ref.processorSessionId(), merchant)));
    }
    if (ref.orderReference() != null) {
      // Unique per merchant only by convention: the newest checkout of the order is the live one.
      lookups.add(() -> conn.preparedQuery("""
              SELECT id, status, amount, currency FROM checkouts WHERE merchant_id = $1 AND order_reference = $2
              ORDER BY created_at DESC LIMIT 1 FOR UPDATE""")
          .execute(Tuple.of(merchant, ref.orderReference())));
    }
    Future<Match> chain = Future.succeededFuture(null);
    for (Supplier<Future<RowSet<Row>>> lookup : lookups) {
      chain = chain.compose(found -> found != null ? Future.succeededFuture(found) : lookup.get().map(rows -> {
        if (rows.size() == 0) return null;
        Row row = rows.iterator().next();
        return new Match(row.getUUID("id"), row.getString("status"), row.getBigDecimal("amount"), row.getString("currency"));
      }));
    }
    return chain;
  }

  // ---- handlers ----

  private Future<HandlerOutcome> succeeded(SqlConnection conn, Match m, ProcessorEvent.PaymentSucceeded e,
      InboundEvent event, String actor) {
    String paymentId = paymentId(e.ref(), event);
    return upsert(conn, m, e.ref(), paymentId, "succeeded", e.amount(), null).compose(ppId -> {
      JsonObject facts = facts(e.ref(), paymentId, e.amount());
      boolean covers = e.amount() != null && e.amount().currency().equalsIgnoreCase(m.currency())
          && e.amount().value().compareTo(m.amount()) >= 0;
      if (!covers) {
        return record(conn, m.checkoutId(), null, "payment_rejected", "processor_amount_mismatch", actor, facts)
            .map(new HandlerOutcome.Applied("payment " + paymentId + " recorded; it does not cover the checkout"));
      }
      return conn.preparedQuery("""
              UPDATE checkouts c SET status = 'paid', status_reason = NULL, paid_processor_payment_id = $2,
                                     received_base = $3, version = c.version + 1, updated_at = now()
              FROM (SELECT id, status FROM checkouts WHERE id = $1 FOR UPDATE) old
              WHERE c.id = old.id AND c.status IN ('open', 'pending', 'failed') AND c.received_base = 0
              RETURNING old.status AS old_status""")
          .execute(Tuple.of(m.checkoutId(), ppId, ProcessorRefunds.micros(e.amount().value())))
          .compose(paid -> {
            if (paid.rowCount() == 1) {
              return record(conn, m.checkoutId(), paid.iterator().next().getString("old_status"), "paid", null, actor, facts)
                  .map(new HandlerOutcome.Applied("checkout " + m.checkoutId() + " paid through " + paymentId));
            }
            if ("expired".equals(m.status())) {
              // Money after expiry through a processor: like a late on-chain payment, kept and told.
              return conn.preparedQuery("""
                      UPDATE checkouts SET status_reason = 'paid_late', paid_processor_payment_id = $2,
                                           received_base = $3, version = version + 1, updated_at = now()
                      WHERE id = $1 AND paid_processor_payment_id IS NULL AND paid_payment_id IS NULL
                        AND received_base = 0""")
                  .execute(Tuple.of(m.checkoutId(), ppId, ProcessorRefunds.micros(e.amount().value())))
                  .compose(late -> late.rowCount() == 0
                      ? Future.succeededFuture(new HandlerOutcome.Ignored("late payment already recorded"))
                      : record(conn, m.checkoutId(), "expired", "paid_late", null, actor, facts)
                          .map(new HandlerOutcome.Applied("late payment " + paymentId + " recorded on expired checkout")));
            }
            return Future.succeededFuture(new HandlerOutcome.Ignored("checkout is already " + m.status()));
          });
    });
  }

  private Future<HandlerOutcome> authorized(SqlConnection conn, Match m, ProcessorEvent.PaymentAuthorized e,
      InboundEvent event) {
    String paymentId = paymentId(e.ref(), event);
    return upsert(conn, m, e.ref(), paymentId, "authorized", e.amount(), null)
        .map(id -> new HandlerOutcome.Applied("payment " + paymentId + " authorized"));
  }

  private Future<HandlerOutcome> failed(SqlConnection conn, Match m, ProcessorEvent.PaymentFailed e, InboundEvent event,
      String actor) {
    String paymentId = paymentId(e.ref(), event);
    JsonObject facts = facts(e.ref(), paymentId, null).put("message", e.reason()).put("code", e.code());
    return upsert(conn, m, e.ref(), paymentId, "failed", null, e.reason())
        // An on-chain payment in flight (pending) or a settled checkout is not undone by a card decline.
        .compose(id -> conn.preparedQuery("""
                UPDATE checkouts c SET status = 'failed', status_reason = 'processor_payment_failed',
                                       version = c.version + 1, updated_at = now()
                FROM (SELECT id, status FROM checkouts WHERE id = $1 FOR UPDATE) old
                WHERE c.id = old.id AND c.status IN ('open', 'failed') AND c.expires_at > now()
                RETURNING old.status AS old_status""")
            .execute(Tuple.of(m.checkoutId())))
        .compose(moved -> moved.rowCount() == 0
            ? Future.succeededFuture(new HandlerOutcome.Applied("payment " + paymentId + " failed: " + e.reason()))
            : record(conn, m.checkoutId(), moved.iterator().next().getString("old_status"), "failed",
                    "processor_payment_failed", actor, facts)
                .map(new HandlerOutcome.Applied("checkout " + m.checkoutId() + " failed: " + e.reason())));
  }

  private Future<HandlerOutcome> refunded(SqlConnection conn, Match m, ProcessorEvent.Refunded e, InboundEvent event,
      String actor) {
    String paymentId = paymentId(e.ref(), event);
    String status = e.full() ? "refunded" : "partially_refunded";
    BigDecimal refunded = e.refunded() == null ? (e.full() && e.paid() != null ? e.paid().value() : null) : e.refunded().value();
    return conn.preparedQuery("""
            INSERT INTO processor_payments (checkout_id, provider, processor_payment_id, processor_session_id, charge_id,
                                            status, amount, currency, refunded_amount)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            ON CONFLICT (provider, processor_payment_id) DO UPDATE SET status = EXCLUDED.status,
              refunded_amount = coalesce(EXCLUDED.refunded_amount, processor_payments.refunded_amount),
              charge_id = coalesce(processor_payments.charge_id, EXCLUDED.charge_id), updated_at = now()""")
        .execute(Tuple.tuple().addValue(m.checkoutId()).addValue(e.ref().provider().configName()).addValue(paymentId)
            .addValue(e.ref().processorSessionId()).addValue(e.ref().processorChargeId()).addValue(status)
            .addValue(e.paid() == null ? null : e.paid().value()).addValue(e.paid() == null ? null : e.paid().currency())
            .addValue(refunded))
        .compose(ignored -> record(conn, m.checkoutId(), null, status, null, actor,
            facts(e.ref(), paymentId, e.paid()).put("refunded", refunded == null ? null : refunded.toPlainString())
                .put("full", e.full())))
        // The refunds the shop asked for are done as far as the processor says it refunded.
        .compose(ignored -> refunds.completed(conn, m.checkoutId(), refunded, e.full(), actor))
        .map(new HandlerOutcome.Applied((e.full() ? "full" : "partial") + " refund of " + paymentId + " recorded"));
  }

  private Future<HandlerOutcome> disputed(SqlConnection conn, Match m, ProcessorEvent.DisputeOpened e,
      InboundEvent event, String actor) {
    LOG.warn("dispute {} opened on checkout {} ({}): recorded for manual review", e.disputeId(), m.checkoutId(), e.reason());
    return conn.preparedQuery("""
            INSERT INTO processor_disputes (checkout_id, provider, dispute_id, amount, currency, reason, status)
            VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (provider, dispute_id) DO NOTHING""")
        .execute(Tuple.tuple().addValue(m.checkoutId()).addValue(e.ref().provider().configName()).addValue(e.disputeId())
            .addValue(e.amount() == null ? null : e.amount().value())
            .addValue(e.amount() == null ? null : e.amount().currency()).addValue(e.reason()).addValue(e.status()))
        .compose(inserted -> inserted.rowCount() == 0 ? Future.succeededFuture()
            : record(conn, m.checkoutId(), null, "dispute_opened", e.reason(), actor,
                facts(e.ref(), e.ref().processorPaymentId(), e.amount()).put("disputeId", e.disputeId())))
        .map(new HandlerOutcome.Applied("dispute " + e.disputeId() + " recorded for review"));
  }

  // ---- helpers ----

  /** Inserts or advances the processor payment; never moves a refunded or succeeded one backwards. */
  private static Future<Long> upsert(SqlConnection conn, Match m, CheckoutRef ref, String paymentId, String status,
      Amount amount, String failureReason) {
    return conn.preparedQuery("""
            INSERT INTO processor_payments (checkout_id, provider, processor_payment_id, processor_session_id, charge_id,
                                            status, amount, currency, failure_reason)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            ON CONFLICT (provider, processor_payment_id) DO UPDATE SET
              status = CASE
                WHEN processor_payments.status IN ('refunded', 'partially_refunded') THEN processor_payments.status
                WHEN processor_payments.status = 'succeeded' AND EXCLUDED.status <> 'succeeded' THEN processor_payments.status
                ELSE EXCLUDED.status END,
              amount = coalesce(EXCLUDED.amount, processor_payments.amount),
              currency = coalesce(EXCLUDED.currency, processor_payments.currency),
              processor_session_id = coalesce(processor_payments.processor_session_id, EXCLUDED.processor_session_id),
              charge_id = coalesce(EXCLUDED.charge_id, processor_payments.charge_id),
              failure_reason = coalesce(EXCLUDED.failure_reason, processor_payments.failure_reason),
              updated_at = now()
            RETURNING id""")
        .execute(Tuple.tuple().addValue(m.checkoutId()).addValue(ref.provider().configName()).addValue(paymentId)
            .addValue(ref.processorSessionId()).addValue(ref.processorChargeId()).addValue(status)
            .addValue(amount == null ? null : amount.value()).addValue(amount == null ? null : amount.currency())
            .addValue(failureReason))
        .map(rows -> rows.iterator().next().getLong("id"));
  }

  private Future<Void> record(SqlConnection conn, UUID checkoutId, String from, String to, String reason, String actor,
      JsonObject details) {
    return transitions.record(conn, new CheckoutTransition(checkoutId, null, from, to, reason, actor, details))
        .compose(ignored -> StatusNotifications.checkoutChanged(conn, checkoutId));
  }

  /** The processor's payment id, else the event id (so a payment without one is still recorded once). */
  private static String paymentId(CheckoutRef ref, InboundEvent event) {
    return ref.processorPaymentId() != null ? ref.processorPaymentId() : event.variant() + ":" + event.eventId();
  }

  private static JsonObject facts(CheckoutRef ref, String paymentId, Amount amount) {
    return new JsonObject().put("provider", ref.provider().configName()).put("processorPaymentId", paymentId)
        .put("chargeId", ref.processorChargeId()).put("sessionId", ref.processorSessionId())
        .put("amount", amount == null ? null : amount.value().toPlainString())
        .put("currency", amount == null ? null : amount.currency());
  }

  private static String keys(CheckoutRef ref) {
    return "checkout " + ref.checkoutId() + ", payment " + ref.processorPaymentId() + ", session "
        + ref.processorSessionId() + ", order " + ref.orderReference();
  }

  private static UUID uuid(String text) {
    try {
      return text == null ? null : UUID.fromString(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
