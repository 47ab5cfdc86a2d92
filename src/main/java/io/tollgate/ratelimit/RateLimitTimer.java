package io.tollgate.ratelimit;

/**
 * Runs a task after a delay, on the caller's context ({@code vertx.setTimer} in production, a
 * list of tasks in tests); the returned action cancels it. A seam so the limiters that time out
 * stay plain classes.
 */
@FunctionalInterface
public interface RateLimitTimer {
  Runnable schedule(long delayMillis, Runnable task);
}
