package io.tollgate.ratelimit;

import io.tollgate.eventbus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Serves {@link Addresses#RATELIMIT_ACQUIRE}: a {@link RateLimitRequest} in, a
 * {@link RateLimitDecision} out. Every message is answered: a reply, or a failure with
 * {@link #INVALID_REQUEST} for a malformed request and {@link #UNAVAILABLE} when the limiter failed
 * or took longer than the decision timeout (so senders learn of a stuck Redis in that time, not in
 * the event bus's 30 s).
 *
 * <p>Needs {@link io.tollgate.eventbus.Codecs#register} for {@link RateLimitRequest} and
 * {@link RateLimitDecision}. Several instances may be deployed; the bus spreads messages among them.
 */
public final class RateLimitVerticle extends VerticleBase {
  public static final int INVALID_REQUEST = 400;
  public static final int UNAVAILABLE = 503;

  private final RateLimiter limiter;
  private final long decisionTimeoutMillis;

  /**
   * @param limiter the limiter that decides (Redis in production, in-memory in development)
   * @param decisionTimeout how long a decision may take before the sender is told "unavailable";
   *     keep it below the senders' own timeout
   */
  public RateLimitVerticle(RateLimiter limiter, Duration decisionTimeout) {
    this.limiter = Objects.requireNonNull(limiter, "limiter");
    this.decisionTimeoutMillis = decisionTimeout.toMillis();
    if (decisionTimeoutMillis < 1) throw new IllegalArgumentException("decision timeout must be at least 1 ms");
  }

  @Override
  public Future<?> start() {
    return vertx.eventBus().consumer(Addresses.RATELIMIT_ACQUIRE, this::handle).completion();
  }

  private void handle(Message<Object> message) {
    decide(message.body()).onComplete(
        decision -> reply(message, decision),
        err -> message.fail(err instanceof IllegalArgumentException ? INVALID_REQUEST : UNAVAILABLE,
            String.valueOf(err.getMessage())));
  }

  private Future<RateLimitDecision> decide(Object body) {
    if (!(body instanceof RateLimitRequest request)) {
      String type = body == null ? "null" : body.getClass().getName();
      return Future.failedFuture(new IllegalArgumentException("expected a RateLimitRequest, got " + type));
    }
    try {
      return limiter.acquire(request.buckets()).timeout(decisionTimeoutMillis, TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      // A limiter that throws instead of failing its future must still not leave the sender waiting.
      return Future.failedFuture(e);
    }
  }

  private static void reply(Message<Object> message, RateLimitDecision decision) {
    try {
      message.reply(decision);
    } catch (RuntimeException e) {
      // Typically no codec registered for the decision: say so rather than let the sender time out.
      message.fail(UNAVAILABLE, "could not reply: " + e.getMessage());
    }
  }
}
