package io.tollgate.payment;

import io.tollgate.chain.AssetKind;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.math.BigInteger;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongToIntFunction;

/**
 * The payments a chain watcher must check, read from PostgreSQL once per head (one indexed query,
 * however many buyers are polling). Expectations come from the frozen quote of the chosen option.
 */
public final class PgActivePayments implements ActivePayments {
  private final Pool pool;
  private final LongToIntFunction requiredConfirmations;

  public PgActivePayments(Pool pool, LongToIntFunction requiredConfirmations) {
    this.pool = pool;
    this.requiredConfirmations = requiredConfirmations;
  }

  @Override
  public Future<List<ActivePayment>> activeOn(long chainId) {
    return activeOn(chainId, 0);
  }

  @Override
  public Future<List<ActivePayment>> activeOn(long chainId, long afterPaymentId) {
    // A refund claim (kind 'refund') is watched like a payment, the other way round: from the
    // recipient to the refund's destination, exactly its amount, mined after the refund was created
    // and with no expiry. Payments are judged PARTIAL: the ledger decides against all received.
    // A recovery claim has no expiry and no payer; a claim on a canceled checkout is always late.
    return pool.preparedQuery("""
            SELECT p.id, p.checkout_id, p.tx_hash, p.status, p.block_number, p.block_hash, p.block_time, p.payer,
                   p.amount_base, p.refund_id, p.recovery, o.token_address,
                   coalesce(r.destination, o.recipient) AS recipient,
                   coalesce(r.amount_base, o.amount_base) AS expected,
                   CASE WHEN r.id IS NOT NULL THEN r.source_address WHEN p.recovery THEN NULL ELSE c.payer END AS bound_payer,
                   coalesce(r.created_at, c.created_at) AS created_at,
                   CASE WHEN r.id IS NOT NULL OR p.recovery THEN '9999-12-31T00:00:00Z'::timestamptz
                        -- claimed after the shop canceled (nothing was in flight then): a late payment
                        WHEN c.status = 'canceled' THEN c.created_at - interval '1 second'
                        ELSE c.expires_at END AS expires_at
            FROM payments p
            JOIN payment_options o ON o.checkout_id = p.checkout_id AND o.chain_id = p.chain_id AND o.token = p.token
            JOIN checkouts c ON c.id = p.checkout_id
            LEFT JOIN refunds r ON r.id = p.refund_id
            WHERE p.chain_id = $1 AND p.status IN ('submitted', 'mined') AND p.id > $2
              -- the other transfers of a refund done for a day are no longer watched (a dropped one
              -- never mines; one mined meanwhile was flagged extra)
              AND (r.id IS NULL OR r.status IN ('awaiting_transfer', 'verifying') OR r.updated_at > now() - interval '1 day')""")
        .execute(Tuple.of(chainId, afterPaymentId))
        .map(rows -> {
          int required = requiredConfirmations.applyAsInt(chainId);
          List<ActivePayment> active = new ArrayList<>(rows.size());
          for (Row r : rows) {
            String token = r.getString("token_address");
            java.util.UUID refundId = r.getUUID("refund_id");
            PaymentExpectation expectation = new PaymentExpectation(chainId,
                token == null ? AssetKind.NATIVE : AssetKind.ERC20, token, r.getString("recipient"),
                r.getBigDecimal("expected").toBigInteger(), r.getString("bound_payer"),
                r.getOffsetDateTime("created_at").toInstant(), r.getOffsetDateTime("expires_at").toInstant(), required,
                refundId == null ? PaymentExpectation.AmountRule.PARTIAL : PaymentExpectation.AmountRule.EXACT);
            boolean mined = "mined".equals(r.getString("status"));
            OffsetDateTime blockTime = r.getOffsetDateTime("block_time");
            active.add(mined
                ? new ActivePayment(r.getLong("id"), r.getUUID("checkout_id"), r.getString("tx_hash"), expectation,
                    r.getLong("block_number"), r.getString("block_hash"), blockTime == null ? null : blockTime.toInstant(),
                    r.getString("payer"), amount(r), refundId, r.getBoolean("recovery"))
                : new ActivePayment(r.getLong("id"), r.getUUID("checkout_id"), r.getString("tx_hash"), expectation,
                    null, null, null, null, null, refundId, r.getBoolean("recovery")));
          }
          return active;
        });
  }

  @Override
  public Future<List<ActivePayment>> awaitingFinality(long chainId, long minedAtOrBelow) {
    return pool.preparedQuery("""
            SELECT p.id, p.checkout_id, p.tx_hash, p.block_number, p.block_hash, p.block_time, p.payer, p.amount_base,
                   o.token_address, o.recipient, o.amount_base AS expected, c.payer AS bound_payer, c.created_at, c.expires_at
            FROM payments p
            JOIN payment_options o ON o.checkout_id = p.checkout_id AND o.chain_id = p.chain_id AND o.token = p.token
            JOIN checkouts c ON c.id = p.checkout_id
            WHERE p.chain_id = $1 AND p.status = 'confirmed' AND NOT p.final AND p.block_number <= $2""")
        .execute(Tuple.of(chainId, minedAtOrBelow))
        .map(rows -> {
          int required = requiredConfirmations.applyAsInt(chainId);
          List<ActivePayment> due = new ArrayList<>(rows.size());
          for (Row r : rows) {
            due.add(new ActivePayment(r.getLong("id"), r.getUUID("checkout_id"), r.getString("tx_hash"),
                expectation(r, chainId, required), r.getLong("block_number"), r.getString("block_hash"),
                r.getOffsetDateTime("block_time").toInstant(), r.getString("payer"), amount(r)));
          }
          return due;
        });
  }

  private static PaymentExpectation expectation(Row r, long chainId, int required) {
    String token = r.getString("token_address");
    return new PaymentExpectation(chainId, token == null ? AssetKind.NATIVE : AssetKind.ERC20, token,
        r.getString("recipient"), r.getBigDecimal("expected").toBigInteger(), r.getString("bound_payer"),
        r.getOffsetDateTime("created_at").toInstant(), r.getOffsetDateTime("expires_at").toInstant(), required);
  }

  private static BigInteger amount(Row r) {
    return r.getValue("amount_base") == null ? null : r.getBigDecimal("amount_base").toBigInteger();
  }
}
