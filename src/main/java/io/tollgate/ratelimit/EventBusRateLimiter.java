package io.tollgate.ratelimit;

import io.tollgate.eventbus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A {@link RateLimiter} that asks a {@link RateLimitVerticle} over the local event bus, so HTTP
 * verticles hold a {@code RateLimiter} and need not know where decisions are made. Failures read
 * as they would locally: {@link IllegalArgumentException} for a bad request,
 * {@link RateLimiterUnavailableException} for everything else (no verticle, timeout, Redis down).
 */
public final class EventBusRateLimiter implements RateLimiter {
  private final EventBus eventBus;
  private final DeliveryOptions options;

  /**
   * @param timeout how long to wait for the verticle; longer than its decision timeout, so its more
   *     specific failure arrives first
   */
  public EventBusRateLimiter(EventBus eventBus, Duration timeout) {
    this.eventBus = Objects.requireNonNull(eventBus, "eventBus");
    // Records travel by reference with a local-only codec; never try another cluster node.
    this.options = new DeliveryOptions().setSendTimeout(timeout.toMillis()).setLocalOnly(true);
  }

  @Override
  public Future<RateLimitDecision> acquire(List<RateLimitBucket> buckets) {
    RateLimitRequest request;
    try {
      Gcra.validate(buckets);
      request = new RateLimitRequest(buckets);
    } catch (RuntimeException e) {
      return Future.failedFuture(new IllegalArgumentException(e.getMessage(), e));
    }
    return eventBus.<RateLimitDecision>request(Addresses.RATELIMIT_ACQUIRE, request, options)
        .map(Message::body)
        .recover(err -> Future.failedFuture(translate(err)));
  }

  private static Throwable translate(Throwable err) {
    if (err instanceof ReplyException reply
        && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE
        && reply.failureCode() == RateLimitVerticle.INVALID_REQUEST) {
      return new IllegalArgumentException(reply.getMessage(), reply);
    }
    return new RateLimiterUnavailableException("no rate-limit decision over the event bus: " + err.getMessage(), err);
  }
}
