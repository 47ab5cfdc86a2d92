package io.tollgate.shop;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.tollgate.checkout.CheckoutTransition;
import io.tollgate.checkout.Idempotent;
import io.tollgate.checkout.StatusNotifications;
import io.tollgate.checkout.StoredResponse;
import io.tollgate.checkout.TransitionLog;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.Locale;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A shop's (or the operator's) decisions about a checkout's money: accept a late payment, cancel an
 * open checkout, recover a stuck payment. Each is one compare-and-set with its audit row (actor and
 * reason), webhook and status notification, idempotent by its {@code Idempotency-Key}.
 */
public final class ShopActions {
  private static final Logger LOG = LoggerFactory.getLogger(ShopActions.class);

  private final Pool pool;
  private final TransitionLog transitions;

  public ShopActions(Pool pool, TransitionLog transitions) {
    this.pool = pool;
    this.transitions = transitions;
  }

  /**
   * Who asks: a merchant (only for its own checkouts) or the operator (any checkout).
   *
   * @param merchantId the merchant, or null for the operator
   */
  public record Actor(UUID merchantId, String name) {
    public static Actor merchant(UUID merchantId) {
      return new Actor(merchantId, "merchant:" + merchantId);
    }

    public static Actor operator() {
      return new Actor(null, "operator");
    }
  }

  /**
   * {@code POST .../accept-late}: a checkout that expired (or was canceled) and then received a
   * confirmed payment becomes paid, with the excess (if any) stated and refundable.
   */
  public Future<StoredResponse> acceptLate(UUID merchantId, UUID checkoutId, String key, JsonObject body) {
    return Idempotent.run(pool, merchantId, key, "accept-late:" + checkoutId, body, conn -> conn.preparedQuery("""
                UPDATE checkouts c SET status = 'paid', status_reason = 'late_accepted',
                  paid_payment_id = coalesce(c.paid_payment_id, (SELECT p.id FROM payments p WHERE p.checkout_id = c.id
                                      AND p.kind = 'payment' AND p.status = 'confirmed' AND p.late AND NOT p.duplicate
                                      ORDER BY p.id LIMIT 1)),
                  excess_base = coalesce((SELECT greatest(c.received_base - o.amount_base, 0) FROM payment_options o
                                          WHERE o.checkout_id = c.id AND o.chain_id = c.received_chain_id
                                            AND o.token = c.received_token), 0),
                  version = c.version + 1, updated_at = now()
                FROM (SELECT id, status FROM checkouts WHERE id = $1 AND merchant_id = $2 FOR UPDATE) old
                WHERE c.id = old.id AND c.status IN ('expired', 'canceled') AND c.status_reason = 'paid_late'
                RETURNING old.status AS old_status, c.paid_payment_id""")
            .execute(Tuple.of(checkoutId, merchantId))
            .compose(rows -> {
              if (rows.size() == 0) return refusal(conn, merchantId, checkoutId, ErrorCode.NO_LATE_PAYMENT);
              var row = rows.iterator().next();
              return transitions.record(conn, new CheckoutTransition(checkoutId, row.getLong("paid_payment_id"),
                      row.getString("old_status"), "paid", "late_accepted", "merchant:" + merchantId,
                      new JsonObject().put("note", body.getString("reason"))))
                  .compose(ignored -> StatusNotifications.checkoutChanged(conn, checkoutId))
                  .map(new StoredResponse(200, new JsonObject().put("id", checkoutId.toString()).put("status", "paid")
                      .put("statusReason", "late_accepted")));
            }));
  }

  /**
   * {@code POST .../cancel}: an open checkout with nothing in flight and nothing received is
   * canceled; its window closes now, so a payment that still arrives is recorded as a late payment
   * (kept, told, acceptable or refundable), never lost.
   */
  public Future<StoredResponse> cancel(UUID merchantId, UUID checkoutId, String key, JsonObject body) {
    return Idempotent.run(pool, merchantId, key, "cancel:" + checkoutId, body, conn -> conn.preparedQuery("""
                UPDATE checkouts c SET status = 'canceled', status_reason = 'canceled_by_merchant',
                                       expires_at = least(c.expires_at, now()), version = c.version + 1, updated_at = now()
                FROM (SELECT id, status FROM checkouts WHERE id = $1 AND merchant_id = $2 FOR UPDATE) old
                WHERE c.id = old.id AND c.status IN ('open', 'failed') AND c.received_base = 0
                  AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.checkout_id = c.id AND p.status IN ('submitted', 'mined'))
                RETURNING old.status AS old_status""")
            .execute(Tuple.of(checkoutId, merchantId))
            .compose(rows -> rows.size() == 0 ? refusal(conn, merchantId, checkoutId, ErrorCode.CHECKOUT_NOT_CANCELABLE)
                : transitions.record(conn, new CheckoutTransition(checkoutId, null, rows.iterator().next().getString("old_status"),
                        "canceled", "canceled_by_merchant", "merchant:" + merchantId,
                        new JsonObject().put("note", body.getString("reason"))))
                    .compose(ignored -> StatusNotifications.checkoutChanged(conn, checkoutId))
                    .map(new StoredResponse(200, new JsonObject().put("id", checkoutId.toString()).put("status", "canceled")
                        .put("statusReason", "canceled_by_merchant")))));
  }

  /**
   * {@code POST .../recover {chainId, token, txHash, reason}}: re-runs the on-chain verification of
   * a payment the buyer made but that was not credited (expired before it was seen, a binding that
   * failed), ignoring only the checkout's expiry and the buyer's binding (any sender may have paid):
   * amount, recipient, token, single use and confirmations still hold, judged by the chain watcher.
   * A claim the checkout already has for the hash is re-opened; the audit row names the actor and
   * the reason, and a WARN line is logged.
   */
  public Future<StoredResponse> recover(Actor actor, UUID checkoutId, String key, JsonObject body) {
    long chainId = body.getLong("chainId");
    String token = body.getString("token");
    String txHash = body.getString("txHash", "").toLowerCase(Locale.ROOT);
    String reason = body.getString("reason");
    if (!txHash.matches("0x[0-9a-f]{64}")) return Future.failedFuture(new ApiException(ErrorCode.INVALID_TX_HASH));
    // The operator's key space is the checkout's merchant's: looked up inside the transaction.
    return pool.preparedQuery("SELECT merchant_id FROM checkouts WHERE id = $1 AND ($2::uuid IS NULL OR merchant_id = $2)")
        .execute(Tuple.of(checkoutId, actor.merchantId()))
        .compose(rows -> {
          if (rows.size() == 0) return Future.failedFuture(new ApiException(ErrorCode.CHECKOUT_NOT_FOUND));
          UUID merchantId = rows.iterator().next().getUUID("merchant_id");
          return Idempotent.run(pool, merchantId, key, "recover:" + actor.name() + ":" + checkoutId, body,
              conn -> recover(conn, actor, checkoutId, chainId, token, txHash, reason));
        });
  }

  private Future<StoredResponse> recover(SqlConnection conn, Actor actor, UUID checkoutId, long chainId, String token,
      String txHash, String reason) {
    return conn.preparedQuery("""
            SELECT c.status, c.paid_payment_id IS NOT NULL OR c.paid_processor_payment_id IS NOT NULL AS settled,
                   EXISTS (SELECT 1 FROM payment_options o WHERE o.checkout_id = c.id AND o.chain_id = $2 AND o.token = $3)
                     AS offered,
                   EXISTS (SELECT 1 FROM payments p WHERE p.tx_hash = $4 AND p.status = 'confirmed') AS credited
            FROM checkouts c WHERE c.id = $1 FOR UPDATE""")
        .execute(Tuple.of(checkoutId, chainId, token, txHash))
        .compose(rows -> {
          var c = rows.iterator().next();
          if ("paid".equals(c.getString("status")) || c.getBoolean("settled")) {
            return Future.failedFuture(new ApiException(ErrorCode.NOT_RECOVERABLE));
          }
          if (!c.getBoolean("offered")) {
            return Future.failedFuture(new ApiException(ErrorCode.PAYMENT_METHOD_NOT_AVAILABLE,
                token + " on chain " + chainId + " is not an option of this checkout"));
          }
          if (c.getBoolean("credited")) return Future.failedFuture(new ApiException(ErrorCode.TX_HASH_ALREADY_USED));
          return conn.preparedQuery("""
                  INSERT INTO payments (checkout_id, chain_id, token, tx_hash, status, recovery, submitted_at, updated_at)
                  VALUES ($1, $2, $3, $4, 'submitted', true, now(), now())
                  ON CONFLICT ON CONSTRAINT payments_claim_once DO UPDATE SET
                    status = 'submitted', recovery = true, reason = NULL, late = false, block_number = NULL,
                    block_hash = NULL, block_time = NULL, payer = NULL, amount_base = NULL, updated_at = now()
                  WHERE payments.kind = 'payment' AND payments.status IN ('rejected', 'submitted', 'mined')
                  RETURNING id""")
              .execute(Tuple.of(checkoutId, chainId, token, txHash))
              .compose(claimed -> {
                if (claimed.size() == 0) return Future.failedFuture(new ApiException(ErrorCode.TX_HASH_ALREADY_USED));
                long paymentId = claimed.iterator().next().getLong("id");
                LOG.warn("recovery of checkout {} by {}: tx {} on chain {} ({}) is verified again ignoring expiry and payer "
                    + "binding; reason: {}", checkoutId, actor.name(), txHash, chainId, token, reason);
                JsonObject details = new JsonObject().put("txHash", txHash).put("chainId", chainId).put("token", token)
                    .put("note", reason);
                return transitions.record(conn, new CheckoutTransition(checkoutId, paymentId, c.getString("status"),
                        "recovery_requested", "recovery", actor.name(), details))
                    .compose(ignored -> StatusNotifications.checkoutChanged(conn, checkoutId))
                    .map(new StoredResponse(202, new JsonObject().put("checkoutId", checkoutId.toString())
                        .put("paymentId", paymentId).put("txHash", txHash).put("status", "submitted").put("recovery", true)));
              });
        });
  }

  private static <T> Future<T> refusal(SqlConnection conn, UUID merchantId, UUID checkoutId, ErrorCode code) {
    return conn.preparedQuery("SELECT status, status_reason FROM checkouts WHERE id = $1 AND merchant_id = $2")
        .execute(Tuple.of(checkoutId, merchantId))
        .compose(rows -> Future.failedFuture(rows.size() == 0 ? new ApiException(ErrorCode.CHECKOUT_NOT_FOUND)
            : new ApiException(code, "the checkout is " + rows.iterator().next().getString("status"))));
  }
}
