package io.tollgate.merchant;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves {@code Authorization: Bearer tg_...} to a {@link Merchant}. The key is hashed and looked
 * up by hash (an index lookup, not a comparison loop, so timing reveals nothing). Successful lookups
 * are cached for {@code cacheTtl} (never past a rotated key's expiry) so the merchant API costs no
 * extra query per request.
 *
 * <p>Revocation does not wait for the TTL: the cache is used only while {@link MerchantChangeListener}
 * listens to {@link MerchantChanges} ({@link #listening}), which evicts a merchant's entries as soon
 * as a change to its keys commits on any instance. While not listening every request is looked up.
 * A generation counter keeps a lookup that raced an eviction from caching what it read before it.
 */
public final class MerchantAuthenticator {
  private static final Logger LOG = LoggerFactory.getLogger(MerchantAuthenticator.class);
  /** How stale {@code last_used_at} may get: refreshed on a cache miss at most this often. */
  private static final Duration LAST_USED_RESOLUTION = Duration.ofMinutes(1);

  private final Pool pool;
  private final Clock clock;
  private final Duration cacheTtl;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();
  private final AtomicLong generation = new AtomicLong();
  private volatile boolean listening;

  private record Cached(Merchant merchant, Instant until) {}

  public MerchantAuthenticator(Pool pool, Clock clock, Duration cacheTtl) {
    this.pool = pool;
    this.clock = clock;
    this.cacheTtl = cacheTtl;
  }

  /** The merchant of a key of scope {@link KeyScope#ALL}: a facilitator key is refused ({@code facilitator_key_scope}). */
  public Future<Merchant> authenticate(String authorizationHeader) {
    return authenticateAnyScope(authorizationHeader).compose(m -> m.scope() == KeyScope.ALL ? Future.succeededFuture(m)
        : Future.failedFuture(new ApiException(ErrorCode.FACILITATOR_KEY_SCOPE)));
  }

  /** The merchant of a key of any scope (the x402 facilitator's routes take both). */
  public Future<Merchant> authenticateAnyScope(String authorizationHeader) {
    String key = bearer(authorizationHeader);
    if (!ApiKeys.looksLikeKey(key)) return Future.failedFuture(new ApiException(ErrorCode.UNAUTHENTICATED));
    byte[] hash = ApiKeys.hash(key);
    String cacheKey = HexFormat.of().formatHex(hash);
    Instant now = clock.instant();
    Cached cached = listening ? cache.get(cacheKey) : null;
    if (cached != null && cached.until().isAfter(now)) return Future.succeededFuture(cached.merchant());
    long seenGeneration = generation.get();
    return pool.preparedQuery("""
            SELECT k.id AS key_id, k.mode, k.scope, k.expires_at, k.last_used_at, m.id, m.name, pm.chain_id, pm.token, pm.recipient
            FROM api_keys k JOIN merchants m ON m.id = k.merchant_id
            LEFT JOIN merchant_payment_methods pm ON pm.merchant_id = m.id
            WHERE k.key_hash = $1 AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > $2)""")
        .execute(Tuple.of(Buffer.buffer(hash), OffsetDateTime.ofInstant(now, ZoneOffset.UTC)))
        .map(rows -> {
          if (rows.size() == 0) throw new ApiException(ErrorCode.UNAUTHENTICATED);
          Row first = rows.iterator().next();
          Map<String, PaymentMethod> methods = new HashMap<>();
          for (Row row : rows) {
            if (row.getValue("chain_id") != null) {
              PaymentMethod m = new PaymentMethod(row.getLong("chain_id"), row.getString("token"), row.getString("recipient"));
              methods.put(Merchant.methodKey(m.chainId(), m.token()), m);
            }
          }
          Merchant merchant = new Merchant(first.getUUID("id"), first.getString("name"), Map.copyOf(methods),
              KeyMode.fromCode(first.getString("mode")), KeyScope.fromCode(first.getString("scope")));
          Instant until = now.plus(cacheTtl);
          OffsetDateTime expires = first.getOffsetDateTime("expires_at");
          if (expires != null && expires.toInstant().isBefore(until)) until = expires.toInstant();
          if (listening && generation.get() == seenGeneration) cache.put(cacheKey, new Cached(merchant, until));
          touch(first, now);
          return merchant;
        });
  }

  /** Drops the cached authentications of one merchant (its keys or methods changed). */
  public void evict(UUID merchantId) {
    generation.incrementAndGet();
    cache.values().removeIf(c -> c.merchant().id().equals(merchantId));
  }

  /**
   * Whether changes are being heard. Turning it off (the notification connection is down) or on
   * again (notifications may have been missed meanwhile) empties the cache.
   */
  public void listening(boolean on) {
    generation.incrementAndGet();
    listening = on;
    cache.clear();
  }

  /** Records the key's use, at most once per {@link #LAST_USED_RESOLUTION}; never delays or fails the request. */
  private void touch(Row key, Instant now) {
    OffsetDateTime last = key.getOffsetDateTime("last_used_at");
    if (last != null && last.toInstant().plus(LAST_USED_RESOLUTION).isAfter(now)) return;
    pool.preparedQuery("UPDATE api_keys SET last_used_at = $2 WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2)")
        .execute(Tuple.of(key.getUUID("key_id"), OffsetDateTime.ofInstant(now, ZoneOffset.UTC)))
        .onFailure(e -> LOG.debug("could not record the last use of an API key: {}", e.getMessage()));
  }

  private static String bearer(String header) {
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) return null;
    return header.substring(7).trim();
  }
}
