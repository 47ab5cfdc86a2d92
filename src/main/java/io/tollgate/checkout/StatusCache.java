package io.tollgate.checkout;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.Pool;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every instance's copy of checkout statuses: what the poll path reads instead of PostgreSQL. It is
 * filled by status notifications (creation included) and, on a miss, by one read of the snapshot
 * view; concurrent misses for one checkout share that read. Thread-safe: all HTTP event loops share
 * one cache. Entries are kept only as long as they are useful ({@link #evictFinished}). Each entry
 * also carries what polls derive from its snapshot ({@link CachedStatus}).
 *
 * <p>When PostgreSQL cannot be read, a miss is answered from the {@link SharedStatus} copy, so
 * during an outage every instance answers every checkout any instance has seen; a checkout loaded
 * from PostgreSQL is copied there too (the copy keeps only newer versions).
 */
public final class StatusCache {
  private final Pool pool;
  private final SharedStatus shared;
  private final ConcurrentHashMap<UUID, CachedStatus> entries = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<UUID, Future<CachedStatus>> loading = new ConcurrentHashMap<>();

  public StatusCache(Pool pool) {
    this(pool, SharedStatus.NONE);
  }

  public StatusCache(Pool pool, SharedStatus shared) {
    this.pool = pool;
    this.shared = shared;
  }

  /** Where every snapshot this instance learns of is copied for the other instances. */
  SharedStatus shared() {
    return shared;
  }

  /** The checkout's entry, read from PostgreSQL on a miss (failing with {@code checkout_not_found}). */
  public Future<CachedStatus> get(UUID checkoutId) {
    CachedStatus cached = entries.get(checkoutId);
    if (cached != null) return Future.succeededFuture(cached);
    Future<CachedStatus> inFlight = loading.get(checkoutId);
    if (inFlight != null) return inFlight;
    // Not computeIfAbsent: the load can complete on the pool's event loop before a listener is
    // attached, and removing the entry from inside the mapping function is a recursive update.
    Promise<CachedStatus> promise = Promise.promise();
    Future<CachedStatus> raced = loading.putIfAbsent(checkoutId, promise.future());
    if (raced != null) return raced;
    load(checkoutId).onComplete(result -> {
      loading.remove(checkoutId, promise.future());
      promise.handle(result);
    });
    return promise.future();
  }

  /** The checkout's entry if this instance holds it, else null; never reads the database. */
  public CachedStatus peek(UUID checkoutId) {
    return entries.get(checkoutId);
  }

  /**
   * Applies a snapshot unless the cache already holds a newer version of that checkout. An equal
   * version replaces the entry too (and with it what was derived from the old snapshot).
   */
  public void apply(CheckoutStatus status) {
    entries.merge(status.id(), new CachedStatus(status),
        (old, incoming) -> incoming.snapshot().version() >= old.snapshot().version() ? incoming : old);
  }

  /** Drops everything: after the notification stream was interrupted, any entry may be stale. */
  void invalidateAll() {
    entries.clear();
  }

  /** Forgets checkouts that are settled or long expired; a later poll reloads them from PostgreSQL. */
  public int evictFinished(long nowMillis, long keepAfterExpiryMillis) {
    int before = entries.size();
    entries.values().removeIf(e -> e.snapshot().expiresAtMillis() + keepAfterExpiryMillis < nowMillis);
    return before - entries.size();
  }

  public int size() {
    return entries.size();
  }

  private Future<CachedStatus> load(UUID checkoutId) {
    return CheckoutStatus.read(pool, checkoutId)
        .onSuccess(status -> shared.publish(status, status.toJson().encode()))
        .recover(unreadable -> unreadable instanceof io.tollgate.api.ApiException
            ? Future.failedFuture(unreadable) // checkout_not_found: PostgreSQL answered
            : shared.read(checkoutId).transform(copy -> copy.succeeded() && copy.result() != null
                ? Future.succeededFuture(copy.result())
                : Future.failedFuture(unreadable)))
        .map(status -> {
          apply(status);
          return entries.get(checkoutId);
        });
  }
}
