package io.tollgate.payment;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.tollgate.checkout.CheckoutStatus;
import io.tollgate.checkout.CheckoutTransition;
import io.tollgate.checkout.StatusNotifications;
import io.tollgate.checkout.TransitionLog;
import io.tollgate.db.Transactions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * Buyers' claims on transactions: the submission of a hash for a checkout, on time or late, and
 * the reasons one is refused.
 */
final class PaymentClaims {
  private static final String UNIQUE_VIOLATION = "23505";

  private final Pool pool;
  private final TransitionLog transitions;

  PaymentClaims(Pool pool, TransitionLog transitions) {
    this.pool = pool;
    this.transitions = transitions;
  }

  /**
   * Records a checkout's claim on a transaction. Hashes are public, so a claim decides nothing about
   * whose money it is: several checkouts may claim one hash, the chain watcher judges each against
   * its own checkout (bound payer, amount, recipient), and the unique index on credited claims
   * decides races. Refused at once: a checkout whose merchant requires a bound payer and has none
   * ({@code payer_not_bound}), and a hash already credited to a checkout ({@code tx_hash_already_used}).
   * A checkout claiming the same hash again gets the claim's current state, not an error: the
   * buyer's first answer may have been lost.
   */
  Future<CheckoutStatus> submit(PaymentSubmission s) {
    return Transactions.retryingConflicts(() -> pool.withTransaction(conn -> conn.preparedQuery("""
                UPDATE checkouts c SET status = 'pending', status_reason = NULL, version = version + 1, updated_at = now()
                FROM (SELECT id, status FROM checkouts WHERE id = $1 FOR UPDATE) old
                WHERE c.id = old.id AND c.status IN ('open', 'pending', 'underpaid', 'failed') AND c.expires_at > now()
                  AND (c.received_token IS NULL OR (c.received_chain_id = $2 AND c.received_token = $3))
                  AND """ + ATTRIBUTABLE + """

                RETURNING old.status AS old_status""")
            .execute(Tuple.of(s.checkoutId(), s.chainId(), s.token()))
            .compose(claimed -> claimed.rowCount() == 1
                ? insertPayment(conn, s, claimed.iterator().next().getString("old_status"), "pending", null)
                : claimLate(conn, s))
            .compose(ignored -> StatusNotifications.checkoutChanged(conn, s.checkoutId()))
            .compose(ignored -> CheckoutStatus.read(conn, s.checkoutId()))))
        .recover(e -> isRepeatedClaim(e)
            ? CheckoutStatus.read(pool, s.checkoutId())
            : Future.failedFuture(e));
  }

  /**
   * The condition (on checkouts {@code c}) under which a direct transfer can be attributed to the
   * checkout: a bound payer, or a merchant that made binding optional.
   */
  private static final String ATTRIBUTABLE = """
      (c.payer IS NOT NULL
       OR EXISTS (SELECT 1 FROM merchants m WHERE m.id = c.merchant_id AND m.payer_binding = 'optional'))""";

  private static boolean isRepeatedClaim(Throwable e) {
    return e instanceof RepeatedClaim
        || e instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState()) && "payments_claim_once".equals(pg.getConstraint());
  }

  /** Rolls back a submission that repeats this checkout's claim; answered with the claim's current state. */
  private static final class RepeatedClaim extends RuntimeException {
    RepeatedClaim() {
      super("checkout already claims this transaction", null, false, false);
    }
  }

  /**
   * A hash for a checkout past its expiry that was never paid: the buyer may already have paid, and
   * money is never dropped on the floor. The checkout is (or now becomes) expired and stays so; the
   * payment is verified like any other and, if it pays, recorded as a late payment.
   */
  private Future<Void> claimLate(SqlConnection conn, PaymentSubmission s) {
    return conn.preparedQuery("""
            UPDATE checkouts c SET status = CASE WHEN c.status = 'canceled' THEN 'canceled' ELSE 'expired' END,
                                   version = c.version + 1, updated_at = now()
            FROM (SELECT id, status FROM checkouts WHERE id = $1 FOR UPDATE) old
            WHERE c.id = old.id AND c.expires_at <= now() AND c.status IN ('open', 'failed', 'underpaid', 'expired', 'canceled')
              AND c.paid_payment_id IS NULL AND c.paid_processor_payment_id IS NULL
              AND """ + ATTRIBUTABLE + """

            RETURNING old.status AS old_status""")
        .execute(Tuple.of(s.checkoutId()))
        .compose(late -> {
          if (late.rowCount() == 0) return claimDuplicate(conn, s);
          String old = late.iterator().next().getString("old_status");
          // Not swept yet: record the expiry the sweeper would have recorded, so the shop hears of it.
          Future<Void> expiry = "expired".equals(old) || "canceled".equals(old) ? Future.succeededFuture()
              : transitions.record(conn, new CheckoutTransition(s.checkoutId(), null, old, "expired", null, s.actor(), null));
          String now = "canceled".equals(old) ? "canceled" : "expired";
          return expiry.compose(ignored -> insertPayment(conn, s, now, now, "late_payment_submitted"));
        });
  }

  /**
   * A hash for a checkout already paid: the buyer may have paid twice, and money is never kept
   * silently. The claim is recorded (the checkout does not change) and judged like any other
   * (bound payer, recipient, token); confirmed, it becomes a duplicate payment, refundable on its
   * own ({@code VerdictRecorder}). Refused as before when the payer is not bound, the option is not
   * the checkout's, or the hash is already credited.
   */
  private Future<Void> claimDuplicate(SqlConnection conn, PaymentSubmission s) {
    return conn.preparedQuery("""
            INSERT INTO payments (checkout_id, chain_id, token, tx_hash, status, submitted_at, updated_at)
            SELECT c.id, $2, $3, $4, 'submitted', now(), now()
            FROM checkouts c
            WHERE c.id = $1 AND c.status = 'paid'
              AND EXISTS (SELECT 1 FROM payment_options WHERE checkout_id = $1 AND chain_id = $2 AND token = $3)
              AND NOT EXISTS (SELECT 1 FROM payments WHERE tx_hash = $4 AND status = 'confirmed')
              AND """ + ATTRIBUTABLE + """

            RETURNING id""")
        .execute(Tuple.of(s.checkoutId(), s.chainId(), s.token(), s.txHash()))
        .compose(inserted -> inserted.rowCount() == 0 ? whyRefused(conn, s, false)
            : transitions.record(conn, new CheckoutTransition(s.checkoutId(), inserted.iterator().next().getLong("id"),
                "paid", "duplicate_claimed", "checkout_already_paid", s.actor(),
                new JsonObject().put("txHash", s.txHash()).put("chainId", s.chainId()).put("token", s.token()))));
  }

  /**
   * Inserts the claim unless the option is not the checkout's or the hash is already credited; the
   * option check and the credit check ride on the insert, so the usual submission costs no extra
   * round trip.
   */
  private Future<Void> insertPayment(SqlConnection conn, PaymentSubmission s, String oldStatus, String newStatus,
      String reason) {
    return conn.preparedQuery("""
            INSERT INTO payments (checkout_id, chain_id, token, tx_hash, status, submitted_at, updated_at)
            SELECT $1, $2, $3, $4, 'submitted', now(), now()
            WHERE EXISTS (SELECT 1 FROM payment_options WHERE checkout_id = $1 AND chain_id = $2 AND token = $3)
              AND NOT EXISTS (SELECT 1 FROM payments WHERE tx_hash = $4 AND status = 'confirmed')
            RETURNING id""")
        .execute(Tuple.of(s.checkoutId(), s.chainId(), s.token(), s.txHash()))
        .compose(inserted -> inserted.rowCount() == 1
            ? transitions.record(conn, new CheckoutTransition(s.checkoutId(), inserted.iterator().next().getLong("id"),
                oldStatus, newStatus, reason, s.actor(),
                new JsonObject().put("txHash", s.txHash()).put("chainId", s.chainId()).put("token", s.token())))
            : whyRefused(conn, s, true));
  }

  private static ApiException notOffered(PaymentSubmission s) {
    return new ApiException(ErrorCode.PAYMENT_METHOD_NOT_AVAILABLE,
        s.token() + " on chain " + s.chainId() + " is not an option of this checkout");
  }

  /**
   * Why a claim was not recorded, read only on that (rare) path. {@code checkoutPayable}: the
   * checkout's compare-and-set went through, so the insert's own conditions refused it.
   */
  private Future<Void> whyRefused(SqlConnection conn, PaymentSubmission s, boolean checkoutPayable) {
    return conn.preparedQuery("""
            SELECT c.status, c.expires_at <= now() AS expired, NOT """ + ATTRIBUTABLE + """
             AS unbound,
                   EXISTS (SELECT 1 FROM payments p WHERE p.checkout_id = c.id AND p.tx_hash = $2) AS repeated,
                   EXISTS (SELECT 1 FROM payment_options o WHERE o.checkout_id = c.id AND o.chain_id = $3 AND o.token = $4)
                     AS offered,
                   c.received_token IS NOT NULL AND (c.received_chain_id <> $3 OR c.received_token <> $4) AS other_option,
                   c.received_token, c.received_chain_id,
                   EXISTS (SELECT 1 FROM payments p WHERE p.tx_hash = $2 AND p.status = 'confirmed') AS credited
            FROM checkouts c WHERE c.id = $1""")
        .execute(Tuple.of(s.checkoutId(), s.txHash(), s.chainId(), s.token()))
        .compose(rows -> {
          if (rows.size() == 0) return Future.failedFuture(new ApiException(ErrorCode.CHECKOUT_NOT_FOUND));
          Row row = rows.iterator().next();
          if (row.getBoolean("repeated")) return Future.failedFuture(new RepeatedClaim());
          // A request to fix comes before a state to change: the option, then the binding.
          if (!row.getBoolean("offered")) return Future.failedFuture(notOffered(s));
          String status = row.getString("status");
          // A paid checkout takes further claims as possible duplicate payments (claimDuplicate).
          if (checkoutPayable || "paid".equals(status) && row.getBoolean("credited")) {
            return Future.failedFuture(new ApiException(ErrorCode.TX_HASH_ALREADY_USED,
                "this transaction already paid another checkout"));
          }
          if (row.getBoolean("other_option") && !"paid".equals(status)) {
            // Amounts in two tokens are not added up: see TOP_UP_IN_OTHER_OPTION and the README.
            return Future.failedFuture(new ApiException(ErrorCode.TOP_UP_IN_OTHER_OPTION, "this checkout was partly paid in "
                + row.getString("received_token") + " on chain " + row.getLong("received_chain_id")
                + "; top it up with the same token on the same chain"));
          }
          boolean expired = row.getBoolean("expired") && !"paid".equals(status);
          if (row.getBoolean("unbound") && !expired && !"paid".equals(status)) {
            return Future.failedFuture(new ApiException(ErrorCode.PAYER_NOT_BOUND));
          }
          return Future.failedFuture(new ApiException(ErrorCode.CHECKOUT_NOT_PAYABLE,
              "checkout is " + (expired ? "expired" : status)));
        });
  }
}
