package io.tollgate.ratelimit;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared limiter (Redis) while it answers, this instance's own limiter while it does not:
 * rate limiting protects the service, and an outage of its store must not take the buyer side
 * down with it. While degraded the limits stay in force, per instance (each instance lets through
 * up to the whole limit, so behind N instances a client may get N times it). After a failure the
 * shared limiter is asked again once {@code retryAfter} has passed; the first answer it gives ends
 * the degraded mode. One WARN when it starts and one INFO when it ends, and {@link #degraded()}
 * for a gauge.
 *
 * <p>Confined to one context (the rate-limit verticle's), like the limiters it wraps.
 */
public final class FallbackRateLimiter implements RateLimiter {
  private static final Logger LOG = LoggerFactory.getLogger(FallbackRateLimiter.class);

  private final RateLimiter shared;
  private final RateLimiter local;
  private final long retryAfterNanos;
  private final LongSupplier nanoTime;
  /** When the shared limiter may be asked again; 0 while it answers. */
  private long degradedUntil;
  private volatile boolean degraded;

  public FallbackRateLimiter(RateLimiter shared, RateLimiter local, Duration retryAfter, LongSupplier nanoTime) {
    this.shared = shared;
    this.local = local;
    this.retryAfterNanos = retryAfter.toNanos();
    this.nanoTime = nanoTime;
  }

  /** Whether decisions are currently this instance's own. Readable from any thread. */
  public boolean degraded() {
    return degraded;
  }

  @Override
  public Future<RateLimitDecision> acquire(List<RateLimitBucket> buckets) {
    return decide(() -> shared.acquire(buckets), () -> local.acquire(buckets));
  }

  @Override
  public Future<List<RateLimitDecision>> acquireAll(List<RateLimitRequest> requests) {
    return decide(() -> shared.acquireAll(requests), () -> local.acquireAll(requests));
  }

  /** The shared limiter's answer, or the local one's while the shared one is away. */
  private <T> Future<T> decide(Supplier<Future<T>> byShared, Supplier<Future<T>> byLocal) {
    if (degradedUntil != 0 && nanoTime.getAsLong() - degradedUntil < 0) return byLocal.get();
    return byShared.get()
        .andThen(done -> { if (done.succeeded()) recovered(); })
        .recover(e -> {
          if (!(e instanceof RateLimiterUnavailableException)) return Future.failedFuture(e);
          unavailable(e);
          return byLocal.get();
        });
  }

  private void unavailable(Throwable e) {
    degradedUntil = nanoTime.getAsLong() + retryAfterNanos;
    if (degradedUntil == 0) degradedUntil = 1;
    if (!degraded) {
      degraded = true;
      LOG.warn("the shared rate limiter is unavailable ({}); limits are kept per instance until it answers again",
          e.getMessage());
    }
  }

  private void recovered() {
    degradedUntil = 0;
    if (degraded) {
      degraded = false;
      LOG.info("the shared rate limiter answers again; limits are shared across instances again");
    }
  }
}
