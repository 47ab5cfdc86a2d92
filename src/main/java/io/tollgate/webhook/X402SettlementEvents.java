package io.tollgate.webhook;

import io.tollgate.x402.SettlementFinished;
import io.tollgate.x402.SettlementListener;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * The outbox of x402 settlements: inside the transaction that records a settlement's outcome, the
 * event {@code x402.settlement.settled} or {@code x402.settlement.failed} for the facilitator key's
 * merchant and one pending delivery per endpoint subscribed to it (then the dispatchers are
 * notified at commit), exactly as {@link WebhookOutbox} does for checkouts.
 */
public final class X402SettlementEvents implements SettlementListener {
  private final Clock clock;

  public X402SettlementEvents(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Future<Void> onFinished(SqlConnection conn, SettlementFinished f) {
    WebhookEventType type = f.settled() ? WebhookEventType.X402_SETTLEMENT_SETTLED : WebhookEventType.X402_SETTLEMENT_FAILED;
    WebhookEvent event = WebhookEvent.create(type, f.mode(), data(f), clock);
    String[] ids = {event.id()};
    java.util.UUID[] merchants = {f.merchantId()};
    String[] types = {type.wireName()};
    String[] modes = {f.mode()};
    Future<?> stored = conn.preparedQuery("INSERT INTO webhook_events (id, merchant_id, type, body, created_at, mode)"
            + " VALUES ($1, $2, $3, $4, $5, $6)")
        .execute(Tuple.of(event.id(), f.merchantId(), types[0], event.body(),
            OffsetDateTime.ofInstant(event.createdAt(), ZoneOffset.UTC), f.mode()));
    Future<?> deliveries = conn.preparedQuery(WebhookOutbox.INSERT_DELIVERIES).execute(Tuple.of(ids, merchants, types, modes));
    return Future.join(stored, deliveries).mapEmpty();
  }

  /** What the resource server needs to serve (or not) without calling back; amounts in the asset's base units. */
  static JsonObject data(SettlementFinished f) {
    return new JsonObject().put("settlement", new JsonObject()
        .put("id", f.settlementId().toString())
        .put("state", f.state())
        .put("network", f.network())
        .put("asset", f.asset())
        .put("payer", f.payer())
        .put("payTo", f.payTo())
        .put("amount", f.amount())
        .put("transaction", f.transaction())
        .put("errorReason", f.errorReason()));
  }
}
