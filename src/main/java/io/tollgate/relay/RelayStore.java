package io.tollgate.relay;

import io.tollgate.db.Transactions;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiFunction;

/**
 * The relay queue in PostgreSQL. Every change is a compare-and-set on the row's state or current
 * hash, so a leader that lost its lead mid-work (and a new one that took over) cannot both win.
 */
final class RelayStore {
  private static final String SELECT = "SELECT " + RelayRow.COLUMNS + " FROM relays ";
  private final Pool pool;

  RelayStore(Pool pool) {
    this.pool = pool;
  }

  Future<Optional<RelayTicket>> find(AuthorizationKey key) {
    return pool.preparedQuery(SELECT + "WHERE chain_id = $1 AND token = $2 AND from_address = $3 AND auth_nonce = $4")
        .execute(Tuple.of(key.chainId(), key.token(), key.from(), key.nonce()))
        .map(RelayStore::firstTicket);
  }

  Future<Optional<RelayTicket>> find(UUID relayId) {
    return pool.preparedQuery(SELECT + "WHERE relay_id = $1").execute(Tuple.of(relayId)).map(RelayStore::firstTicket);
  }

  /** Relays of the chain whose gas is spoken for: accepted and not yet mined or given up. */
  Future<Long> inFlight(long chainId) {
    return pool.preparedQuery("SELECT count(*) FROM relays WHERE chain_id = $1 AND state IN ('QUEUED', 'SENT')")
        .execute(Tuple.of(chainId)).map(rows -> rows.iterator().next().getLong(0));
  }

  /** Stores the order as QUEUED, or returns the relay already stored for its key (a race lost). */
  Future<RelayTicket> insert(RelayOrder order, String relayer, long gasLimit) {
    AuthorizationKey key = order.key();
    return pool.preparedQuery("INSERT INTO relays (relay_id, chain_id, token, from_address, auth_nonce, token_contract,"
            + " calldata, valid_before, purpose, relayer, gas_limit, state) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,"
            + " $11, 'QUEUED') ON CONFLICT ON CONSTRAINT relays_authorization_once DO NOTHING RETURNING " + RelayRow.COLUMNS)
        .execute(Tuple.from(new Object[] {UUID.randomUUID(), key.chainId(), key.token(), key.from(), key.nonce(),
            order.tokenContract(), Buffer.buffer(order.calldata()), RelayRow.utc(order.validBefore()), order.purpose(),
            relayer, gasLimit}))
        .compose(rows -> {
          Optional<RelayTicket> inserted = firstTicket(rows);
          return inserted.isPresent() ? Future.succeededFuture(inserted.get()) : find(key).map(Optional::orElseThrow);
        });
  }

  /**
   * Stores a transfer and, before it, the deploy of its payer's wallet (both QUEUED, in one
   * transaction): the leader then signs the deploy with the key's nonce just before the transfer's
   * ({@link #open} orders a deploy before the transfer stored with it). A race lost stores neither.
   * The deploy's row has the factory as its token and {@code deploy:<purpose>} as its purpose.
   */
  Future<RelayTicket> insertWithDeploy(RelayOrder order, String relayer, long transferGas, long deployGas) {
    AuthorizationKey key = order.key();
    RelayOrder.PreDeploy deploy = order.preDeploy();
    UUID transferId = UUID.randomUUID();
    return Transactions.pipelined(pool, conn -> conn.preparedQuery(INSERT + " RETURNING " + RelayRow.COLUMNS)
            .execute(row(transferId, order, relayer, transferGas, null))
            .compose(rows -> {
              Optional<RelayTicket> inserted = firstTicket(rows);
              if (inserted.isEmpty()) return Future.succeededFuture(Optional.<RelayTicket>empty());
              RelayOrder deployOrder = new RelayOrder(new AuthorizationKey(key.chainId(), deploy.factory(), key.from(),
                  key.nonce()), deploy.factory(), deploy.calldata(), order.validBefore(), deployPurpose(order.purpose()));
              return conn.preparedQuery(INSERT).execute(row(UUID.randomUUID(), deployOrder, relayer, deployGas, transferId))
                  .map(ignored -> inserted);
            }))
        .compose(inserted -> inserted.isPresent() ? Future.succeededFuture(inserted.get()) : find(key).map(Optional::orElseThrow));
  }

  private static final String INSERT = "INSERT INTO relays (relay_id, chain_id, token, from_address, auth_nonce,"
      + " token_contract, calldata, valid_before, purpose, relayer, gas_limit, precedes, state) VALUES ($1, $2, $3, $4, $5,"
      + " $6, $7, $8, $9, $10, $11, $12, 'QUEUED') ON CONFLICT ON CONSTRAINT relays_authorization_once DO NOTHING";

  private static Tuple row(UUID id, RelayOrder order, String relayer, long gas, UUID precedes) {
    AuthorizationKey key = order.key();
    return Tuple.from(new Object[] {id, key.chainId(), key.token(), key.from(), key.nonce(), order.tokenContract(),
        Buffer.buffer(order.calldata()), RelayRow.utc(order.validBefore()), order.purpose(), relayer, gas, precedes});
  }

  /** A deploy's purpose: listeners routing by the transfer's purpose prefix do not take it for the transfer. */
  static String deployPurpose(String purpose) {
    String p = "deploy:" + purpose;
    return p.length() > 200 ? p.substring(0, 200) : p;
  }

  /** The leader's working set for one key: open relays, and given-up ones whose nonce is not yet used. */
  Future<List<RelayRow>> open(long chainId, String relayer) {
    return pool.preparedQuery(SELECT + "WHERE chain_id = $1 AND relayer = $2 AND (state IN ('QUEUED', 'SENT')"
            + " OR (tx_nonce IS NOT NULL AND NOT nonce_settled)) ORDER BY tx_nonce NULLS LAST, created_at, (precedes IS NULL)"
            + " LIMIT 5000")
        .execute(Tuple.of(chainId, relayer))
        .map(rows -> {
          List<RelayRow> list = new ArrayList<>();
          rows.forEach(r -> list.add(RelayRow.of(r)));
          return list;
        });
  }

  /** The oldest relays of a chain not yet settled (the operator's view), at most {@code limit}. */
  Future<List<OpenRelay>> openOldest(long chainId, int limit) {
    return pool.preparedQuery("""
            SELECT relay_id, chain_id, relayer, state, purpose, from_address, tx_nonce, current_hash, bumps, cancelling,
                   broadcast_at, created_at, valid_before
            FROM relays WHERE chain_id = $1 AND (state IN ('QUEUED', 'SENT') OR (tx_nonce IS NOT NULL AND NOT nonce_settled))
            ORDER BY created_at LIMIT $2""")
        .execute(Tuple.of(chainId, limit))
        .map(rows -> {
          List<OpenRelay> list = new ArrayList<>();
          rows.forEach(r -> list.add(new OpenRelay(r.getUUID("relay_id"), r.getLong("chain_id"), r.getString("relayer"),
              RelayState.valueOf(r.getString("state")), r.getString("purpose"), r.getString("from_address"),
              Optional.ofNullable(r.getLong("tx_nonce")), Optional.ofNullable(r.getString("current_hash")),
              r.getInteger("bumps"), r.getBoolean("cancelling"),
              Optional.ofNullable(r.getOffsetDateTime("broadcast_at")).map(t -> t.toInstant()),
              r.getOffsetDateTime("created_at").toInstant(), r.getOffsetDateTime("valid_before").toInstant())));
          return list;
        });
  }

  /**
   * Write-ahead for new relays: in one transaction, takes the key's next nonces (never below
   * {@code chainNonce}, the node's pending count), signs each queued relay with one and stores the
   * signed transaction (state SENT, not yet broadcast). Returns the rows as stored.
   */
  Future<List<RelayRow>> assignNonces(long chainId, String relayer, List<RelayRow> queued, long chainNonce,
      BiFunction<RelayRow, Long, SignedTx> signer) {
    return Transactions.pipelined(pool, conn -> conn
        .preparedQuery("INSERT INTO relayer_nonces (chain_id, relayer, next_nonce) VALUES ($1, $2, $3)"
            + " ON CONFLICT (chain_id, relayer) DO UPDATE SET next_nonce = GREATEST(relayer_nonces.next_nonce, EXCLUDED.next_nonce)"
            + " RETURNING next_nonce")
        .execute(Tuple.of(chainId, relayer, chainNonce))
        .compose(rows -> storeSigned(conn, chainId, relayer, queued, rows.iterator().next().getLong(0), signer)));
  }

  private Future<List<RelayRow>> storeSigned(SqlConnection conn, long chainId, String relayer, List<RelayRow> queued,
      long first, BiFunction<RelayRow, Long, SignedTx> signer) {
    List<Tuple> updates = new ArrayList<>();
    for (int i = 0; i < queued.size(); i++) {
      RelayRow row = queued.get(i);
      SignedTx tx = signer.apply(row, first + i);
      updates.add(Tuple.from(new Object[] {row.relayId(), tx.nonce(), Buffer.buffer(tx.raw()), tx.hash(),
          new BigDecimal(tx.fees().maxFee()), new BigDecimal(tx.fees().priorityFee())}));
    }
    return conn.preparedQuery("UPDATE relays SET state = 'SENT', tx_nonce = $2, raw_tx = $3, current_hash = $4,"
            + " tx_hashes = ARRAY[$4], max_fee_wei = $5, priority_fee_wei = $6, updated_at = now()"
            + " WHERE relay_id = $1 AND state = 'QUEUED' RETURNING " + RelayRow.COLUMNS)
        .executeBatch(updates)
        .compose(result -> {
          List<RelayRow> stored = new ArrayList<>();
          for (RowSet<Row> rs = result; rs != null; rs = rs.next()) rs.forEach(r -> stored.add(RelayRow.of(r)));
          if (stored.size() != queued.size()) {
            // Someone else (a former leader) got there first: take nothing, the next round reads afresh.
            return Future.failedFuture(new IllegalStateException("relays changed under the leader; retrying next round"));
          }
          return conn.preparedQuery("UPDATE relayer_nonces SET next_nonce = $3 WHERE chain_id = $1 AND relayer = $2")
              .execute(Tuple.of(chainId, relayer, first + queued.size())).map(stored);
        });
  }

  /** Write-ahead for a replacement (a fee bump, or a cancel of a given-up relay): stored before it is sent. */
  Future<Optional<RelayRow>> replace(RelayRow row, SignedTx tx, boolean cancel) {
    String hashes = cancel ? "tx_hashes" : "array_append(tx_hashes, $3)";
    String counter = cancel ? "cancel_bumps = cancel_bumps + (CASE WHEN cancelling THEN 1 ELSE 0 END), cancelling = true"
        : "bumps = bumps + 1";
    return pool.preparedQuery("UPDATE relays SET raw_tx = $2, current_hash = $3, tx_hashes = " + hashes + ", " + counter
            + ", max_fee_wei = $4, priority_fee_wei = $5, broadcast_at = NULL, updated_at = now()"
            + " WHERE relay_id = $1 AND current_hash = $6 AND NOT nonce_settled RETURNING " + RelayRow.COLUMNS)
        .execute(Tuple.from(new Object[] {row.relayId(), Buffer.buffer(tx.raw()), tx.hash(),
            new BigDecimal(tx.fees().maxFee()), new BigDecimal(tx.fees().priorityFee()), row.currentHash()}))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(RelayRow.of(rows.iterator().next())));
  }

  /** The current transactions of these relays were accepted by a node (or found known to it). */
  Future<Void> broadcast(List<RelayRow> rows, Instant at) {
    if (rows.isEmpty()) return Future.succeededFuture();
    List<Tuple> batch = rows.stream().map(r -> Tuple.of(r.relayId(), r.currentHash(), RelayRow.utc(at))).toList();
    return pool.preparedQuery("UPDATE relays SET broadcast_at = $3 WHERE relay_id = $1 AND current_hash = $2")
        .executeBatch(batch).mapEmpty();
  }

  /** One of our transactions for this relay was mined and succeeded; {@code logs} what the token logged in it (null: a deploy). */
  Future<Optional<RelayRow>> mined(RelayRow row, String hash, MinedLogs logs) {
    return settle(row, "state = CASE WHEN state = 'SENT' THEN 'MINED' ELSE state END, mined_hash = $2, mined_logs = $3",
        Tuple.of(row.relayId(), hash, logs == null ? null : logs.toJson()));
  }

  /**
   * The relay's nonce is used on-chain, and the relay failed (or had failed already) with {@code detail};
   * {@code revertedHash}: ours that was mined and reverted (the hash to show), else null.
   */
  Future<Optional<RelayRow>> settledFailed(RelayRow row, String detail, String revertedHash) {
    return settle(row, "failure_reason = COALESCE(failure_reason, $2), failure_detail = COALESCE(failure_detail, $3),"
        + " mined_hash = COALESCE(mined_hash, $4), state = CASE WHEN state = 'SENT' THEN 'FAILED' ELSE state END",
        Tuple.of(row.relayId(), RelayTicket.RELAY_FAILED, detail, revertedHash));
  }

  private Future<Optional<RelayRow>> settle(RelayRow row, String set, Tuple params) {
    return pool.preparedQuery("UPDATE relays SET nonce_settled = true, raw_tx = NULL, " + set + ", updated_at = now()"
            + " WHERE relay_id = $1 AND NOT nonce_settled RETURNING " + RelayRow.COLUMNS)
        .execute(params)
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(RelayRow.of(rows.iterator().next())));
  }

  /** Gives up a relay that holds no nonce (or whose nonce a cancel will use): FAILED with {@code detail}. */
  Future<Optional<RelayRow>> failed(RelayRow row, String detail) {
    return pool.preparedQuery("UPDATE relays SET state = 'FAILED', failure_reason = $2, failure_detail = $3,"
            + " updated_at = now() WHERE relay_id = $1 AND state IN ('QUEUED', 'SENT') RETURNING " + RelayRow.COLUMNS)
        .execute(Tuple.of(row.relayId(), RelayTicket.RELAY_FAILED, detail))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(RelayRow.of(rows.iterator().next())));
  }

  private static Optional<RelayTicket> firstTicket(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(RelayRow.of(rows.iterator().next()).ticket());
  }
}
