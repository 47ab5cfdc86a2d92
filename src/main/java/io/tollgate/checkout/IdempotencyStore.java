package io.tollgate.checkout;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.security.MessageDigest;
import java.util.List;
import java.util.UUID;

/**
 * Stripe-style idempotency keys, used inside the transaction that does the work. The claim is an
 * {@code INSERT ... ON CONFLICT DO NOTHING}: a concurrent request with the same key waits on the
 * unique index until the first commits, then finds its stored response, so the work runs once.
 */
final class IdempotencyStore {

  /** Either the key is ours to execute, or a response to replay. */
  record Claim(StoredResponse replay) {
    boolean isNew() { return replay == null; }
  }

  /**
   * Claims {@code key} for the request of {@code fingerprints}: the first is stored; an existing
   * key matches if its stored fingerprint is any of them (the forms a request had over versions).
   */
  Future<Claim> claim(SqlConnection conn, UUID merchantId, String key, List<byte[]> fingerprints) {
    byte[] fingerprint = fingerprints.get(0);
    return conn.preparedQuery("""
            INSERT INTO idempotency_keys (merchant_id, idempotency_key, request_fingerprint)
            VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING 1""")
        .execute(Tuple.of(merchantId, key, Buffer.buffer(fingerprint)))
        .compose(inserted -> inserted.rowCount() == 1
            ? Future.succeededFuture(new Claim(null))
            : existing(conn, merchantId, key, fingerprints));
  }

  private Future<Claim> existing(SqlConnection conn, UUID merchantId, String key, List<byte[]> fingerprints) {
    return conn.preparedQuery("""
            SELECT request_fingerprint, response_status, response_body FROM idempotency_keys
            WHERE merchant_id = $1 AND idempotency_key = $2""")
        .execute(Tuple.of(merchantId, key))
        .map(rows -> {
          if (rows.size() == 0) throw new ApiException(ErrorCode.IDEMPOTENCY_KEY_IN_USE); // expired between the two statements
          Row row = rows.iterator().next();
          byte[] stored = row.getBuffer("request_fingerprint").getBytes();
          if (fingerprints.stream().noneMatch(f -> MessageDigest.isEqual(stored, f))) {
            throw new ApiException(ErrorCode.IDEMPOTENCY_KEY_REUSED);
          }
          Integer status = row.getInteger("response_status");
          if (status == null) throw new ApiException(ErrorCode.IDEMPOTENCY_KEY_IN_USE);
          return new Claim(new StoredResponse(status, (JsonObject) row.getValue("response_body")));
        });
  }

  Future<StoredResponse> complete(SqlConnection conn, UUID merchantId, String key, StoredResponse response) {
    return conn.preparedQuery("""
            UPDATE idempotency_keys SET response_status = $3, response_body = $4
            WHERE merchant_id = $1 AND idempotency_key = $2""")
        .execute(Tuple.of(merchantId, key, response.status(), response.body()))
        .map(response);
  }
}
