package io.tollgate.merchant;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolves {@code Authorization: Bearer tg_...} to a {@link Merchant}. The key is hashed and looked
 * up by hash (an index lookup, not a comparison loop, so timing reveals nothing). Successful lookups
 * are cached briefly so the merchant API costs no extra query per request; a revoked key stops
 * working within {@code cacheTtl}.
 */
public final class MerchantAuthenticator {
  private final Pool pool;
  private final Clock clock;
  private final Duration cacheTtl;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  private record Cached(Merchant merchant, Instant until) {}

  public MerchantAuthenticator(Pool pool, Clock clock, Duration cacheTtl) {
    this.pool = pool;
    this.clock = clock;
    this.cacheTtl = cacheTtl;
  }

  public Future<Merchant> authenticate(String authorizationHeader) {
    String key = bearer(authorizationHeader);
    if (!ApiKeys.looksLikeKey(key)) return Future.failedFuture(new ApiException(ErrorCode.UNAUTHENTICATED));
    byte[] hash = ApiKeys.hash(key);
    String cacheKey = HexFormat.of().formatHex(hash);
    Cached cached = cache.get(cacheKey);
    Instant now = clock.instant();
    if (cached != null && cached.until().isAfter(now)) return Future.succeededFuture(cached.merchant());
    return pool.preparedQuery("""
            SELECT m.id, m.name, pm.chain_id, pm.token, pm.recipient
            FROM api_keys k JOIN merchants m ON m.id = k.merchant_id
            LEFT JOIN merchant_payment_methods pm ON pm.merchant_id = m.id
            WHERE k.key_hash = $1 AND k.revoked_at IS NULL""")
        .execute(Tuple.of(io.vertx.core.buffer.Buffer.buffer(hash)))
        .map(rows -> {
          if (rows.size() == 0) throw new ApiException(ErrorCode.UNAUTHENTICATED);
          UUID id = null;
          String name = null;
          Map<String, PaymentMethod> methods = new HashMap<>();
          for (Row row : rows) {
            id = row.getUUID("id");
            name = row.getString("name");
            if (row.getValue("chain_id") != null) {
              PaymentMethod m = new PaymentMethod(row.getLong("chain_id"), row.getString("token"), row.getString("recipient"));
              methods.put(Merchant.methodKey(m.chainId(), m.token()), m);
            }
          }
          Merchant merchant = new Merchant(id, name, Map.copyOf(methods));
          cache.put(cacheKey, new Cached(merchant, now.plus(cacheTtl)));
          return merchant;
        });
  }

  private static String bearer(String header) {
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) return null;
    return header.substring(7).trim();
  }
}
