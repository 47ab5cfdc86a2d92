package io.tollgate.x402;

import io.tollgate.relay.AuthorizationKey;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The settlements table: the unique authorization key, not a pre-check, decides which of several
 * concurrent settles stores the row; the others find it and follow the same relay.
 */
final class Settlements {
  private final Pool pool;
  private final SettlementListener listener;

  Settlements(Pool pool, SettlementListener listener) {
    this.pool = pool;
    this.listener = listener;
  }

  Future<Optional<Settlement>> find(AuthorizationKey key) {
    return pool.preparedQuery("SELECT * FROM x402_settlements WHERE chain_id = $1 AND token = $2 AND from_address = $3"
            + " AND auth_nonce = $4")
        .execute(Tuple.of(key.chainId(), key.token(), key.from(), key.nonce()))
        .map(Settlements::first);
  }

  /** The settlement {@code id} of {@code merchantId} (null: any, in open mode). */
  Future<Optional<Settlement>> get(UUID id, UUID merchantId) {
    return pool.preparedQuery("SELECT * FROM x402_settlements WHERE id = $1 AND ($2::uuid IS NULL OR merchant_id = $2)")
        .execute(Tuple.of(id, merchantId))
        .map(Settlements::first);
  }

  /** Stores a verified payment's settlement; empty when another request stored this authorization first. */
  Future<Optional<Settlement>> insert(UUID merchantId, AuthorizationKey key, byte[] payloadHash, PaymentRequest p) {
    return pool.preparedQuery("""
            INSERT INTO x402_settlements (id, merchant_id, chain_id, token, from_address, auth_nonce, payload_hash, network,
              pay_to, amount, payload, state)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'settling')
            ON CONFLICT ON CONSTRAINT x402_settlements_authorization_once DO NOTHING RETURNING *""")
        .execute(Tuple.tuple().addUUID(UUID.randomUUID()).addUUID(merchantId).addLong(key.chainId()).addString(key.token())
            .addString(key.from()).addString(key.nonce()).addBuffer(Buffer.buffer(payloadHash)).addString(p.network())
            .addString(p.payTo()).addBigDecimal(new BigDecimal(p.amount())).addValue(p.rawPayload()))
        .map(Settlements::first);
  }

  /** Forgets a settlement the relayer refused before storing anything (nothing sent, nothing charged). */
  Future<Void> forget(UUID id) {
    return pool.preparedQuery("DELETE FROM x402_settlements WHERE id = $1 AND relay_id IS NULL").execute(Tuple.of(id))
        .mapEmpty();
  }

  Future<Void> relayed(UUID id, UUID relayId) {
    return pool.preparedQuery("UPDATE x402_settlements SET relay_id = $2, updated_at = now() WHERE id = $1 AND relay_id IS NULL")
        .execute(Tuple.of(id, relayId)).mapEmpty();
  }

  /**
   * Records the outcome the relay reached, once: a settled or failed row does not change again, and
   * only the transaction whose compare-and-set won tells the listener (in the same transaction).
   */
  Future<Void> finished(Settlement s, String mode, String state, String txHash, String errorReason) {
    SettlementFinished finished = new SettlementFinished(s.id(), s.merchantId(), mode, state, s.network(),
        s.key().token(), s.key().from(), s.payTo(), s.amount(), txHash, errorReason);
    return pool.withTransaction(conn -> conn.preparedQuery("UPDATE x402_settlements SET state = $2, tx_hash = $3,"
            + " error_reason = $4, updated_at = now() WHERE id = $1 AND state = 'settling'")
        .execute(Tuple.of(s.id(), state, txHash, errorReason))
        .compose(rows -> rows.rowCount() == 0 ? Future.succeededFuture(false)
            : s.merchantId() == null ? Future.succeededFuture(true)
            : listener.onFinished(conn, finished).map(true)))
        .map(won -> {
          if (won) listener.onCommitted(finished);
          return null;
        });
  }

  /** Settlements still settling, with a relay, untouched for {@code quietSeconds}: the follower's catch-up. */
  Future<List<Settlement>> quiet(int quietSeconds, int limit) {
    return pool.preparedQuery("SELECT * FROM x402_settlements WHERE state = 'settling' AND relay_id IS NOT NULL"
            + " AND updated_at < now() - $1::int * interval '1 second' ORDER BY updated_at LIMIT $2")
        .execute(Tuple.of(quietSeconds, limit))
        .map(rows -> {
          List<Settlement> out = new ArrayList<>();
          for (Row r : rows) out.add(of(r));
          return out;
        });
  }

  /** Marks a quiet settlement looked at, so the catch-up moves on to others. */
  Future<Void> touch(UUID id) {
    return pool.preparedQuery("UPDATE x402_settlements SET updated_at = now() WHERE id = $1 AND state = 'settling'")
        .execute(Tuple.of(id)).mapEmpty();
  }

  private static Optional<Settlement> first(RowSet<Row> rows) {
    if (rows.size() == 0) return Optional.empty();
    return Optional.of(of(rows.iterator().next()));
  }

  private static Settlement of(Row r) {
    return (new Settlement(r.getUUID("id"), r.getUUID("merchant_id"),
        new AuthorizationKey(r.getLong("chain_id"), r.getString("token"), r.getString("from_address"), r.getString("auth_nonce")),
        r.getBuffer("payload_hash").getBytes(), r.getString("network"), r.getString("pay_to"),
        r.getBigDecimal("amount").toPlainString(), r.getUUID("relay_id"), r.getString("state"), r.getString("tx_hash"),
        r.getString("error_reason"), r.getOffsetDateTime("created_at"), r.getOffsetDateTime("updated_at")));
  }

}
