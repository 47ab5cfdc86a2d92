package io.tollgate.ratelimit;

import io.vertx.core.Future;
import io.vertx.core.Promise;
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
 * up to the whole limit, so behind N instances a client may get N times it).
 *
 * <p>"Does not answer" covers a refused connection and a hanging one alike: the shared limiter
 * gets {@code timeout} per call, after which the call counts as failed and the local limiter
 * decides (a Redis that accepts connections and never answers would otherwise hold every buyer for
 * the whole decision timeout). After a failure the shared limiter is asked again once
 * {@code retryAfter} has passed, by one probe at a time (the calls meanwhile are decided locally,
 * so only the probe's callers can wait, and at most {@code timeout}); the first answer it gives
 * ends the degraded mode. One WARN when it starts and one INFO when it ends, {@link #degraded()}
 * for a gauge and {@link #fallbacks()} for a counter.
 *
 * <p>Confined to one context (the rate-limit verticle's), like the limiters it wraps; the timer
 * must run its tasks on that context too.
 */
public final class FallbackRateLimiter implements RateLimiter {
  private static final Logger LOG = LoggerFactory.getLogger(FallbackRateLimiter.class);

  private final RateLimiter shared;
  private final RateLimiter local;
  private final long retryAfterNanos;
  private final long timeoutMillis;
  private final RateLimitTimer timer;
  private final LongSupplier nanoTime;
  /** When the shared limiter may be asked again; meaningful while degraded. */
  private long degradedUntil;
  /** A call to the shared limiter is in flight while degraded: everyone else decides locally. */
  private boolean probing;
  private volatile boolean degraded;
  private volatile long fallbacks;

  /**
   * @param timeout how long one call to the shared limiter may take before it counts as failed
   * @param timer schedules the timeout on the caller's context
   */
  public FallbackRateLimiter(RateLimiter shared, RateLimiter local, Duration retryAfter, Duration timeout,
      RateLimitTimer timer, LongSupplier nanoTime) {
    this.shared = shared;
    this.local = local;
    this.retryAfterNanos = retryAfter.toNanos();
    this.timeoutMillis = Math.max(1, timeout.toMillis());
    this.timer = timer;
    this.nanoTime = nanoTime;
  }

  /** Whether decisions are currently this instance's own. Readable from any thread. */
  public boolean degraded() {
    return degraded;
  }

  /** Calls decided locally because the shared limiter failed or was skipped. Readable from any thread. */
  public long fallbacks() {
    return fallbacks;
  }

  @Override
  public Future<RateLimitDecision> acquire(List<RateLimitBucket> buckets) {
    return decide(() -> shared.acquire(buckets), () -> local.acquire(buckets));
  }

  @Override
  public Future<List<RateLimitDecision>> acquireAll(List<RateLimitRequest> requests) {
    return decide(() -> shared.acquireAll(requests), () -> local.acquireAll(requests));
  }

  /** The shared limiter's answer within the timeout, or the local one's while the shared one is away. */
  private <T> Future<T> decide(Supplier<Future<T>> byShared, Supplier<Future<T>> byLocal) {
    if (degraded && (probing || nanoTime.getAsLong() - degradedUntil < 0)) return locally(byLocal);
    boolean probe = degraded;
    if (probe) probing = true;
    return within(byShared.get())
        .andThen(done -> {
          if (probe) probing = false;
          if (done.succeeded()) recovered();
        })
        .recover(e -> {
          if (!(e instanceof RateLimiterUnavailableException)) return Future.failedFuture(e);
          unavailable(e);
          return locally(byLocal);
        });
  }

  private <T> Future<T> locally(Supplier<Future<T>> byLocal) {
    fallbacks++;
    return byLocal.get();
  }

  /** {@code call}, or a failure as unavailable once the timeout has passed without an answer. */
  private <T> Future<T> within(Future<T> call) {
    if (call.isComplete()) return call;
    Promise<T> answer = Promise.promise();
    Runnable cancel = timer.schedule(timeoutMillis, () -> answer.tryFail(
        new RateLimiterUnavailableException("the shared rate limiter gave no answer within " + timeoutMillis + " ms", null)));
    call.onComplete(ar -> {
      cancel.run();
      if (ar.succeeded()) answer.tryComplete(ar.result());
      else answer.tryFail(ar.cause());
    });
    return answer.future();
  }

  private void unavailable(Throwable e) {
    degradedUntil = nanoTime.getAsLong() + retryAfterNanos;
    if (!degraded) {
      degraded = true;
      LOG.warn("the shared rate limiter is unavailable ({}); limits are kept per instance until it answers again",
          e.getMessage());
    }
  }

  private void recovered() {
    if (degraded) {
      degraded = false;
      LOG.info("the shared rate limiter answers again; limits are shared across instances again");
    }
  }
}
