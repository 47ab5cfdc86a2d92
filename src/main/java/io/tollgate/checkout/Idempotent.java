package io.tollgate.checkout;

import io.tollgate.api.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * The merchant API's idempotency keys (those of checkout creation, {@link IdempotencyStore}) for
 * every other money-moving request: the key is claimed in the transaction that does the work, so a
 * retry, a replay or a concurrent duplicate gets the first answer and the work runs once. The
 * fingerprint covers the operation and the resource as well as the body (canonical JSON: key order
 * does not matter): one key cannot be reused for another request. A refusal (4xx) the work answers
 * is stored under the key like a success, with the work's own writes rolled back to a savepoint:
 * a retry sees the same refusal even if the state changed since (a new key asks anew). Our faults
 * and unavailable dependencies (5xx, any other failure) store nothing: the transaction rolls back,
 * key included, and a retry does the work. Refusals before the work starts (a malformed body, a
 * bad key, a checkout of another merchant or mode) are not stored either. Work must refuse before it
 * records a transition: a transition's listeners report it once the transaction commits, and a
 * stored refusal commits.
 */
public final class Idempotent {
  private static final IdempotencyStore STORE = new IdempotencyStore();

  private Idempotent() {}

  /**
   * Runs {@code work} once per (merchant, key) inside one transaction with the key's claim.
   *
   * @param operation what is asked, with its resource (e.g. {@code "refund:" + checkoutId})
   */
  public static Future<StoredResponse> run(Pool pool, UUID merchantId, String key, String operation, JsonObject request,
      Function<SqlConnection, Future<StoredResponse>> work) {
    // The canonical form first (stored); the body as sent matches keys stored before it was canonical.
    List<byte[]> fingerprints = List.of(sha256(operation + "\n" + CanonicalJson.encode(request)),
        sha256(operation + "\n" + request.encode()));
    return pool.withTransaction(conn -> STORE.claim(conn, merchantId, key, fingerprints)
        .compose(claim -> !claim.isNew() ? Future.succeededFuture(claim.replay())
            : conn.query("SAVEPOINT idempotent_work").execute()
                .compose(ignored -> work.apply(conn))
                .recover(e -> e instanceof ApiException api && api.error().httpStatus() < 500
                    ? conn.query("ROLLBACK TO SAVEPOINT idempotent_work").execute().map(StoredResponse.of(api))
                    : Future.failedFuture(e))
                .compose(response -> STORE.complete(conn, merchantId, key, response))));
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
