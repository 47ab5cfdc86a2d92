package io.tollgate.checkout;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;
import java.util.function.Function;

/**
 * The merchant API's idempotency keys (those of checkout creation, {@link IdempotencyStore}) for
 * every other money-moving request: the key is claimed in the transaction that does the work, so a
 * retry, a replay or a concurrent duplicate gets the first answer and the work runs once. The
 * fingerprint covers the operation and the resource as well as the body: one key cannot be reused
 * for another request. A refusal (4xx) rolls the whole transaction back, key included, so a retry
 * after fixing nothing is refused the same way and one after the state changed is judged anew.
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
    byte[] fingerprint = sha256(operation + "\n" + request.encode());
    return pool.withTransaction(conn -> STORE.claim(conn, merchantId, key, fingerprint)
        .compose(claim -> !claim.isNew() ? Future.succeededFuture(claim.replay())
            : work.apply(conn).compose(response -> STORE.complete(conn, merchantId, key, response))));
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
