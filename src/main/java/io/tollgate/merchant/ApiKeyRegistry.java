package io.tollgate.merchant;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.tollgate.api.Rfc3339;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * A merchant's API keys: create (the key is in that answer only; its SHA-256 is stored), list
 * (prefix, mode, created, last used, expiry), rotate (a new key; the old one keeps working for the
 * overlap window, then stops) and revoke (at once). Rotations and revocations commit with a {@link
 * MerchantChanges} notification, on which every instance drops its cached authentications of the
 * merchant, so a revoked key is refused everywhere within a notification's delay, not a cache TTL.
 */
public final class ApiKeyRegistry {
  /** The longest overlap a rotation may ask for. */
  public static final Duration MAX_OVERLAP = Duration.ofDays(30);
  private final Pool pool;
  private final Clock clock;

  public ApiKeyRegistry(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  /** A new key's metadata and the key itself, which is never shown again. */
  public record CreatedKey(JsonObject metadata, String key) {
    /** The answer to show once: the metadata with the key. */
    public JsonObject toJson() {
      return metadata.copy().put("key", key);
    }

    @Override
    public String toString() {
      return "CreatedKey(" + metadata.getString("id") + ")"; // never the key
    }
  }

  public Future<CreatedKey> create(UUID merchantId, KeyMode mode) {
    return create(merchantId, mode, KeyScope.ALL);
  }

  /** A key of {@code scope}: {@link KeyScope#FACILITATOR} for a resource server that only calls {@code /x402/...}. */
  public Future<CreatedKey> create(UUID merchantId, KeyMode mode, KeyScope scope) {
    return pool.withTransaction(conn -> merchantExists(conn, merchantId).compose(v -> insert(conn, merchantId, mode, scope)));
  }

  public Future<JsonArray> list(UUID merchantId) {
    return pool.withConnection(conn -> merchantExists(conn, merchantId)
        .compose(v -> conn.preparedQuery("SELECT * FROM api_keys WHERE merchant_id = $1 ORDER BY created_at, id")
            .execute(Tuple.of(merchantId))))
        .map(rows -> {
          JsonArray out = new JsonArray();
          rows.forEach(r -> out.add(json(r)));
          return out;
        });
  }

  /**
   * A new key of the same mode; the old one stops at {@code now + overlap} (zero: at once). A key
   * that is revoked, expired or already rotated is refused, so a rotation cannot be repeated by
   * mistake into a chain of live keys.
   */
  public Future<CreatedKey> rotate(UUID merchantId, UUID keyId, Duration overlap) {
    if (overlap.isNegative() || overlap.compareTo(MAX_OVERLAP) > 0) {
      return Future.failedFuture(new ApiException(ErrorCode.INVALID_REQUEST,
          "overlapSeconds must be between 0 and " + MAX_OVERLAP.toSeconds()));
    }
    return pool.withTransaction(conn -> lock(conn, merchantId, keyId).compose(old -> {
      if (!usable(old) || old.getUUID("rotated_to") != null) {
        return Future.failedFuture(new ApiException(ErrorCode.API_KEY_REVOKED, "key " + keyId
            + (old.getUUID("rotated_to") != null ? " was already rotated; rotate its successor " + old.getUUID("rotated_to")
                : " is revoked or expired; create a new key instead")));
      }
      KeyMode mode = KeyMode.fromCode(old.getString("mode"));
      return insert(conn, merchantId, mode, KeyScope.fromCode(old.getString("scope"))).compose(created -> conn.preparedQuery(
                  "UPDATE api_keys SET expires_at = $2, rotated_to = $3 WHERE id = $1")
              .execute(Tuple.of(keyId, now().plus(overlap), UUID.fromString(created.metadata().getString("id"))))
              .compose(v -> MerchantChanges.announce(conn, merchantId))
              .map(created));
    }));
  }

  /** Revokes the key at once on every instance; revoking a revoked key changes nothing. */
  public Future<JsonObject> revoke(UUID merchantId, UUID keyId) {
    return pool.withTransaction(conn -> lock(conn, merchantId, keyId)
        .compose(old -> conn.preparedQuery(
                "UPDATE api_keys SET revoked_at = coalesce(revoked_at, $2) WHERE id = $1 RETURNING *")
            .execute(Tuple.of(keyId, now())))
        .compose(rows -> MerchantChanges.announce(conn, merchantId).map(json(rows.iterator().next()))));
  }

  private Future<CreatedKey> insert(SqlConnection conn, UUID merchantId, KeyMode mode, KeyScope scope) {
    String key = ApiKeys.generate(mode);
    return conn.preparedQuery("""
            INSERT INTO api_keys (id, merchant_id, key_hash, key_prefix, mode, scope, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *""")
        .execute(Tuple.of(UUID.randomUUID(), merchantId, Buffer.buffer(ApiKeys.hash(key)), ApiKeys.displayPrefix(key),
            mode.code(), scope.code(), now()))
        .map(rows -> new CreatedKey(json(rows.iterator().next()), key));
  }

  private static Future<Row> lock(SqlConnection conn, UUID merchantId, UUID keyId) {
    return conn.preparedQuery("SELECT * FROM api_keys WHERE id = $1 AND merchant_id = $2 FOR UPDATE")
        .execute(Tuple.of(keyId, merchantId))
        .compose(rows -> rows.size() == 0
            ? Future.failedFuture(new ApiException(ErrorCode.API_KEY_NOT_FOUND, "no key " + keyId + " for merchant " + merchantId))
            : Future.succeededFuture(rows.iterator().next()));
  }

  private static Future<Void> merchantExists(SqlConnection conn, UUID merchantId) {
    return conn.preparedQuery("SELECT 1 FROM merchants WHERE id = $1").execute(Tuple.of(merchantId))
        .compose(rows -> rows.size() == 0 ? Future.failedFuture(new ApiException(ErrorCode.MERCHANT_NOT_FOUND, merchantId.toString()))
            : Future.succeededFuture());
  }

  private boolean usable(Row key) {
    OffsetDateTime expires = key.getOffsetDateTime("expires_at");
    return key.getValue("revoked_at") == null && (expires == null || expires.toInstant().isAfter(clock.instant()));
  }

  private JsonObject json(Row r) {
    UUID rotatedTo = r.getUUID("rotated_to");
    String status = r.getValue("revoked_at") != null ? "revoked" : !usable(r) ? "expired"
        : r.getValue("expires_at") != null ? "expiring" : "active";
    return new JsonObject().put("id", r.getUUID("id").toString()).put("object", "api_key")
        .put("merchantId", r.getUUID("merchant_id").toString()).put("prefix", r.getString("key_prefix"))
        .put("mode", r.getString("mode")).put("scope", r.getString("scope")).put("status", status)
        .put("createdAt", Rfc3339.format(r.getOffsetDateTime("created_at")))
        .put("lastUsedAt", Rfc3339.format(r.getOffsetDateTime("last_used_at")))
        .put("expiresAt", Rfc3339.format(r.getOffsetDateTime("expires_at")))
        .put("revokedAt", Rfc3339.format(r.getOffsetDateTime("revoked_at")))
        .put("rotatedTo", rotatedTo == null ? null : rotatedTo.toString());
  }

  private OffsetDateTime now() {
    return OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
  }
}
