package io.tollgate.payment;

import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** What the ledger's verdict writers share: one SQL condition and the facts they store and audit. */
final class LedgerSql {
  private LedgerSql() {}

  /**
   * The condition (on checkouts {@code c}) under which a confirmed payment pays its checkout: one
   * not settled yet, or expired without being paid.
   */
  static final String PAYABLE = """
      (c.status IN ('open', 'pending', 'underpaid', 'failed')
        -- mined inside the window but submitted after expiry: when it is verified does not matter
        OR (c.status = 'expired' AND c.paid_payment_id IS NULL AND c.paid_processor_payment_id IS NULL))""";

  /**
   * Settles the checkouts of the confirmed (on time) payment claims among the ids in {@code $1}:
   * adds each claim's amount to what its checkout received and applies the merchant's rule
   * ({@code tollgate_settlement}): paid (the excess stated), underpaid (still due), or failed
   * {@code overpaid} when the merchant refuses over-payments; the money stays refundable whatever
   * the outcome. The amounts are read from the locked target row, never from a snapshot, so
   * concurrent top-ups add up. Top-ups must be in the option that was paid first. Answers one row
   * per checkout changed; a claim whose checkout is not payable any more answers none.
   */
  static final String SETTLE = """
      WITH confirmed AS MATERIALIZED (
             SELECT p.checkout_id, p.id AS payment_id, p.amount_base, p.chain_id, p.token, o.amount_base AS due,
                    -- the checkout's frozen rules; the merchant's for checkouts older than V16
                    CASE WHEN o.token_address IS NULL THEN coalesce(c0.tolerance_bps_native, m.underpayment_tolerance_bps_native)
                         ELSE coalesce(c0.tolerance_bps_stable, m.underpayment_tolerance_bps_stable) END AS tolerance,
                    coalesce(c0.overpayments, m.overpayments) AS overpayments
             FROM payments p
             JOIN payment_options o ON o.checkout_id = p.checkout_id AND o.chain_id = p.chain_id AND o.token = p.token
             JOIN checkouts c0 ON c0.id = p.checkout_id
             JOIN merchants m ON m.id = c0.merchant_id
             WHERE p.id = ANY ($1) AND p.status = 'confirmed' AND NOT p.late AND p.kind = 'payment' AND NOT p.duplicate),
           old AS MATERIALIZED (SELECT id, status FROM checkouts
                                WHERE id IN (SELECT checkout_id FROM confirmed) ORDER BY id FOR UPDATE),
           v AS (SELECT old.status AS old_status, confirmed.* FROM old JOIN confirmed ON confirmed.checkout_id = old.id)
      UPDATE checkouts c SET
        status = CASE tollgate_settlement(c.received_base + v.amount_base, v.due, v.tolerance, v.overpayments)
                   WHEN 'paid' THEN 'paid' WHEN 'underpaid' THEN 'underpaid' ELSE 'failed' END,
        status_reason = nullif(tollgate_settlement(c.received_base + v.amount_base, v.due, v.tolerance, v.overpayments), 'paid'),
        paid_payment_id = CASE tollgate_settlement(c.received_base + v.amount_base, v.due, v.tolerance, v.overpayments)
                            WHEN 'paid' THEN v.payment_id ELSE c.paid_payment_id END,
        excess_base = CASE tollgate_settlement(c.received_base + v.amount_base, v.due, v.tolerance, v.overpayments)
                        WHEN 'paid' THEN greatest(c.received_base + v.amount_base - v.due, 0) ELSE 0 END,
        received_base = c.received_base + v.amount_base,
        received_chain_id = v.chain_id, received_token = v.token,
        version = c.version + 1, updated_at = now()
      FROM v
      WHERE c.id = v.checkout_id AND """ + PAYABLE + """
        AND (c.received_token IS NULL OR (c.received_chain_id = v.chain_id AND c.received_token = v.token))
      RETURNING c.id, v.payment_id, v.old_status, c.status, c.status_reason, c.received_base, c.excess_base, v.due""";

  /**
   * Flags the confirmed payments in {@code $1} as duplicate payments: money their checkout could not
   * take, kept credited and refundable on its own ({@code payments.refunded_base}).
   */
  static final String MARK_DUPLICATE = "UPDATE payments SET duplicate = true, reason = 'checkout_already_paid' WHERE id = ANY ($1)";

  /** The transition of a duplicate payment: audit row and {@code checkout.duplicate_payment} (its payment in the data). */
  static io.tollgate.checkout.CheckoutTransition duplicateTransition(java.util.UUID checkoutId, long paymentId, String actor,
      Verdict.Paying p) {
    return new io.tollgate.checkout.CheckoutTransition(checkoutId, paymentId, null, "duplicate_payment",
        RejectionReason.CHECKOUT_ALREADY_PAID.code(), actor,
        paymentFacts(p).put("amounts", new JsonObject().put("duplicateBase", p.amount().toString())));
  }

  /** The money facts of a settled checkout (a row of {@link #SETTLE}), for the audit row and the webhook. */
  static JsonObject amounts(io.vertx.sqlclient.Row settled) {
    JsonObject amounts = new JsonObject()
        .put("receivedBase", settled.getBigDecimal("received_base").toBigInteger().toString())
        .put("dueBase", settled.getBigDecimal("due").toBigInteger().toString())
        .put("excessBase", settled.getBigDecimal("excess_base").toBigInteger().toString());
    java.math.BigInteger stillDue = settled.getBigDecimal("due").toBigInteger()
        .subtract(settled.getBigDecimal("received_base").toBigInteger());
    amounts.put("amountDueBase", stillDue.signum() > 0 ? stillDue.toString() : "0");
    return amounts;
  }

  static String actor(VerdictMessage v) {
    return "chain:" + v.payment().expectation().chainId();
  }

  static JsonObject paymentFacts(Verdict.Paying p) {
    return new JsonObject().put("blockNumber", p.blockNumber()).put("blockHash", p.blockHash())
        .put("payer", p.payer()).put("amount", p.amount().toString())
        // the confirmation delay (block to paid visible) is measured from it once the change commits
        .put("blockTime", p.blockTime().toString());
  }

  static OffsetDateTime utc(Verdict.Paying p) {
    return OffsetDateTime.ofInstant(p.blockTime(), ZoneOffset.UTC);
  }
}
