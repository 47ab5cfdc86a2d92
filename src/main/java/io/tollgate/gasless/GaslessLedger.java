package io.tollgate.gasless;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.tollgate.checkout.CheckoutStatus;
import io.tollgate.checkout.CheckoutTransition;
import io.tollgate.checkout.StatusNotifications;
import io.tollgate.checkout.TransitionLog;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The checkout's side of gasless payments in PostgreSQL ({@code gasless_authorizations}): the facts
 * an authorization is checked against, the reservation that keeps two authorizations of one
 * checkout from both being relayed, and the compare-and-set transitions a relay causes. Every
 * write is idempotent: a repeated request, a replayed relay event or the reconciler change nothing
 * twice.
 */
final class GaslessLedger {
  private final Pool pool;
  private final TransitionLog transitions;

  GaslessLedger(Pool pool, TransitionLog transitions) {
    this.pool = pool;
    this.transitions = transitions;
  }

  Pool pool() {
    return pool;
  }

  /** One stored authorization by id. */
  Future<Stored> stored(long id) {
    return pool.preparedQuery(SELECT_STORED + " WHERE id = $1").execute(Tuple.of(id))
        .map(rows -> stored(rows.iterator().next()));
  }

  /** What an authorization for one option of a checkout is checked against, read in one query. */
  record Facts(String status, String payer, Instant expiresAt, boolean expired, String payerBinding,
      String tokenAddress, BigDecimal amount, String recipient, Known known) {
    boolean offered() { return tokenAddress != null || amount != null; }
  }

  /** An authorization with the same (chain, token, from, nonce) already accepted or reserved. */
  record Known(long id, UUID checkoutId, String state) {}

  /** A stored authorization: what the reconciler and relay events work from. */
  record Stored(long id, UUID checkoutId, long chainId, String token, String tokenAddress, String payer, String nonce,
      BigDecimal amount, long validAfter, long validBefore, String signature, String state, UUID relayId,
      boolean leaseLapsed) {}

  Future<Facts> facts(UUID checkoutId, long chainId, String token, String from, String nonce) {
    return pool.preparedQuery("""
            SELECT c.status, c.payer, c.expires_at, c.expires_at <= now() AS expired, m.payer_binding,
                   o.token_address, o.amount_base, o.recipient, g.id AS known_id, g.checkout_id AS known_checkout,
                   g.state AS known_state
            FROM checkouts c
            JOIN merchants m ON m.id = c.merchant_id
            LEFT JOIN payment_options o ON o.checkout_id = c.id AND o.chain_id = $2 AND o.token = $3
            LEFT JOIN gasless_authorizations g
              ON g.chain_id = $2 AND g.token_address = o.token_address AND g.payer = $4 AND g.nonce = $5
            WHERE c.id = $1""")
        .execute(Tuple.of(checkoutId, chainId, token, from, nonce))
        .map(rows -> {
          if (rows.size() == 0) throw new ApiException(ErrorCode.CHECKOUT_NOT_FOUND);
          Row r = rows.iterator().next();
          Known known = r.getValue("known_id") == null ? null
              : new Known(r.getLong("known_id"), r.getUUID("known_checkout"), r.getString("known_state"));
          return new Facts(r.getString("status"), r.getString("payer"), r.getOffsetDateTime("expires_at").toInstant(),
              r.getBoolean("expired"), r.getString("payer_binding"), r.getString("token_address"),
              r.getBigDecimal("amount_base"), r.getString("recipient"), known);
        });
  }

  /**
   * Reserves the checkout for this authorization, after every term and the signature were checked
   * and before the relayer is asked: the row is the lock that keeps a second authorization of the
   * same checkout from being relayed meanwhile (partial unique index), and a key for crash
   * recovery. Nothing the buyer or the shop sees changes. Answers the row id, or fails with why not.
   */
  Future<Long> reserve(UUID checkoutId, long chainId, String token, String tokenAddress, TransferAuthorization a,
      String signature, Duration lease) {
    return pool.preparedQuery("""
            INSERT INTO gasless_authorizations (checkout_id, chain_id, token, token_address, payer, nonce, amount_base,
                                                valid_after, valid_before, signature, state, reserved_until)
            SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'reserved', now() + make_interval(secs => $11)
            WHERE EXISTS (SELECT 1 FROM checkouts c WHERE c.id = $1 AND c.status IN ('open', 'failed')
                            AND c.expires_at > now() AND (c.payer IS NULL OR c.payer = $5))
            ON CONFLICT DO NOTHING
            RETURNING id""")
        .execute(Tuple.from(List.of(checkoutId, chainId, token, tokenAddress, a.from(), a.nonce(), new BigDecimal(a.value()),
            a.validAfter(), a.validBefore(), signature, (double) lease.toSeconds())))
        .compose(rows -> rows.size() == 1 ? Future.succeededFuture(rows.iterator().next().getLong("id"))
            : whyNotReserved(checkoutId, chainId, tokenAddress, a));
  }

  private Future<Long> whyNotReserved(UUID checkoutId, long chainId, String tokenAddress, TransferAuthorization a) {
    return pool.preparedQuery("""
            SELECT c.status, c.payer, c.expires_at <= now() AS expired,
                   (SELECT g.id FROM gasless_authorizations g WHERE g.chain_id = $2 AND g.token_address = $3
                      AND g.payer = $4 AND g.nonce = $5 AND g.checkout_id = c.id) AS same_key,
                   EXISTS (SELECT 1 FROM gasless_authorizations g WHERE g.checkout_id = c.id
                      AND g.state IN ('reserved', 'relaying', 'sent')) AS in_flight
            FROM checkouts c WHERE c.id = $1""")
        .execute(Tuple.of(checkoutId, chainId, tokenAddress, a.from(), a.nonce()))
        .compose(rows -> {
          Row r = rows.iterator().next();
          if (r.getValue("same_key") != null) return Future.succeededFuture(r.getLong("same_key")); // a racing twin
          if (r.getBoolean("in_flight")) {
            return Future.failedFuture(new ApiException(ErrorCode.RELAY_IN_PROGRESS));
          }
          String payer = r.getString("payer");
          if (payer != null && !payer.equals(a.from())) {
            return Future.failedFuture(new ApiException(ErrorCode.AUTHORIZATION_WRONG_PAYER,
                "the checkout's payer is " + payer + ", the authorization is from " + a.from()));
          }
          return Future.failedFuture(new ApiException(ErrorCode.CHECKOUT_NOT_PAYABLE,
              "checkout is " + (r.getBoolean("expired") ? "expired" : r.getString("status"))));
        });
  }

  /** Gives a reservation up: the relayer refused the order, so nothing was stored or sent. */
  Future<Void> release(long id) {
    return pool.preparedQuery("DELETE FROM gasless_authorizations WHERE id = $1 AND state = 'reserved'")
        .execute(Tuple.of(id)).mapEmpty();
  }

  /**
   * The relayer accepted the order: the reservation becomes {@code relaying}, the checkout moves
   * to pending ({@code relaying}), and an unbound checkout takes the signer as its payer (the
   * signature over the checkout's nonce proves it). Idempotent; answers the checkout's status.
   */
  Future<CheckoutStatus> accepted(long id, UUID relayId, String actor) {
    return pool.withTransaction(conn -> conn.preparedQuery("""
                UPDATE gasless_authorizations SET state = 'relaying', relay_id = $2, reserved_until = NULL, updated_at = now()
                WHERE id = $1 AND state = 'reserved'
                RETURNING checkout_id, chain_id, token, payer, nonce, valid_before""")
            .execute(Tuple.of(id, relayId))
            .compose(rows -> rows.size() == 0 ? checkoutOf(conn, id)
                : moveToRelaying(conn, rows.iterator().next(), relayId, actor))
            .compose(checkoutId -> CheckoutStatus.read(conn, checkoutId)));
  }

  private static Future<UUID> checkoutOf(SqlConnection conn, long id) {
    return conn.preparedQuery("SELECT checkout_id FROM gasless_authorizations WHERE id = $1").execute(Tuple.of(id))
        .map(rows -> rows.iterator().next().getUUID("checkout_id"));
  }

  private Future<UUID> moveToRelaying(SqlConnection conn, Row g, UUID relayId, String actor) {
    UUID checkoutId = g.getUUID("checkout_id");
    String payer = g.getString("payer");
    JsonObject details = new JsonObject().put("relayId", relayId.toString()).put("chainId", g.getLong("chain_id"))
        .put("token", g.getString("token")).put("payer", payer).put("nonce", g.getString("nonce"))
        .put("validBefore", g.getLong("valid_before"));
    return conn.preparedQuery("""
            UPDATE checkouts c SET status = 'pending', status_reason = 'relaying', payer = coalesce(c.payer, $2),
                                   version = c.version + 1, updated_at = now()
            FROM (SELECT id, status, payer FROM checkouts WHERE id = $1 FOR UPDATE) old
            WHERE c.id = old.id AND c.status IN ('open', 'failed') AND (c.payer IS NULL OR c.payer = $2)
            RETURNING old.status AS old_status, old.payer AS old_payer""")
        .execute(Tuple.of(checkoutId, payer))
        .compose(moved -> {
          if (moved.size() == 0) {
            // Something else moved the checkout since the reservation (a direct payment): the relay
            // goes ahead, its transaction is claimed when sent and judged like any other.
            return transitions.record(conn, new CheckoutTransition(checkoutId, null, null, "gasless_relay_accepted",
                "checkout_moved_meanwhile", actor, details));
          }
          Row m = moved.iterator().next();
          List<Future<Void>> steps = new ArrayList<>(2);
          if (m.getString("old_payer") == null) {
            steps.add(transitions.record(conn, new CheckoutTransition(checkoutId, null, m.getString("old_status"),
                "payer_bound", null, actor, new JsonObject().put("payer", payer).put("method", "eip3009_authorization")
                    .put("nonce", g.getString("nonce")))));
          }
          steps.add(transitions.record(conn, new CheckoutTransition(checkoutId, null, m.getString("old_status"), "pending",
              "relaying", actor, details)));
          return Future.join(steps).<Void>mapEmpty();
        })
        .compose(ignored -> StatusNotifications.checkoutChanged(conn, checkoutId))
        .map(checkoutId);
  }

  /** The stored authorization of a relay, or null when its acceptance is not recorded (yet). */
  Future<Stored> byRelayId(UUID relayId) {
    return pool.preparedQuery(SELECT_STORED + " WHERE relay_id = $1").execute(Tuple.of(relayId))
        .map(rows -> rows.size() == 0 ? null : stored(rows.iterator().next()));
  }

  /** The stored authorization with this key (chain, token, from, nonce), or null. */
  Future<Stored> byKey(long chainId, String tokenAddress, String payer, String nonce) {
    return pool.preparedQuery(SELECT_STORED + " WHERE chain_id = $1 AND token_address = $2 AND payer = $3 AND nonce = $4")
        .execute(Tuple.of(chainId, tokenAddress, payer, nonce))
        .map(rows -> rows.size() == 0 ? null : stored(rows.iterator().next()));
  }

  /** Authorizations on their way whose last change is older than {@code quiet}: the reconciler's work. */
  Future<List<Stored>> unsettled(Duration quiet, int limit) {
    return pool.preparedQuery(SELECT_STORED + """
             WHERE state IN ('reserved', 'relaying', 'sent') AND updated_at < now() - make_interval(secs => $1)
            ORDER BY updated_at LIMIT $2""")
        .execute(Tuple.of((double) quiet.toSeconds(), limit))
        .map(rows -> {
          List<Stored> out = new ArrayList<>(rows.size());
          rows.forEach(r -> out.add(stored(r)));
          return out;
        });
  }

  private static final String SELECT_STORED = """
      SELECT id, checkout_id, chain_id, token, token_address, payer, nonce, amount_base, valid_after, valid_before,
             signature, state, relay_id, coalesce(reserved_until < now(), false) AS lapsed
      FROM gasless_authorizations""";

  private static Stored stored(Row r) {
    return new Stored(r.getLong("id"), r.getUUID("checkout_id"), r.getLong("chain_id"), r.getString("token"),
        r.getString("token_address"), r.getString("payer"), r.getString("nonce"), r.getBigDecimal("amount_base"),
        r.getLong("valid_after"), r.getLong("valid_before"), r.getString("signature"), r.getString("state"),
        r.getUUID("relay_id"), r.getBoolean("lapsed"));
  }

  /** A transaction of the relay was broadcast (or mined): the row follows, never backwards. */
  Future<Void> advance(long id, String state) {
    String from = "sent".equals(state) ? "('relaying', 'sent')" : "('relaying', 'sent', 'mined')";
    return pool.preparedQuery("UPDATE gasless_authorizations SET state = $2, updated_at = now() WHERE id = $1 AND state IN "
            + from + " AND state <> $2")
        .execute(Tuple.of(id, state)).mapEmpty();
  }

  /** Marks the reconciler's look at a row that had nothing new, so it is looked at again only after a quiet spell. */
  Future<Void> touch(long id) {
    return pool.preparedQuery("UPDATE gasless_authorizations SET updated_at = now() WHERE id = $1").execute(Tuple.of(id))
        .mapEmpty();
  }

  /**
   * The relay gave up. The checkout fails with {@code reason} unless a transaction of it was mined
   * or something paid it: the chain's word wins over the relayer's.
   */
  Future<Void> failed(Stored g, String reason, String detail, String actor) {
    return pool.withTransaction(conn -> conn.preparedQuery("""
                UPDATE gasless_authorizations SET state = 'failed', failure_detail = $2, reserved_until = NULL, updated_at = now()
                WHERE id = $1 AND state IN ('reserved', 'relaying', 'sent')""")
            .execute(Tuple.of(g.id(), detail))
            .compose(updated -> updated.rowCount() == 0 ? Future.succeededFuture()
                : conn.preparedQuery("""
                        UPDATE checkouts c SET status = 'failed', status_reason = $2, version = c.version + 1, updated_at = now()
                        FROM (SELECT id, status FROM checkouts WHERE id = $1 FOR UPDATE) old
                        WHERE c.id = old.id AND c.status = 'pending' AND c.paid_payment_id IS NULL
                          AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.checkout_id = c.id AND p.status IN ('mined', 'confirmed'))
                        RETURNING old.status AS old_status""")
                    .execute(Tuple.of(g.checkoutId(), reason))
                    .compose(moved -> transitions.record(conn, new CheckoutTransition(g.checkoutId(), null,
                        moved.size() == 1 ? moved.iterator().next().getString("old_status") : null,
                        moved.size() == 1 ? "failed" : "gasless_relay_failed", reason, actor,
                        new JsonObject().put("relayId", g.relayId() == null ? null : g.relayId().toString())
                            .put("failureDetail", detail).put("payer", g.payer()).put("nonce", g.nonce()))))
                    .compose(ignored -> StatusNotifications.checkoutChanged(conn, g.checkoutId()))));
  }
}
