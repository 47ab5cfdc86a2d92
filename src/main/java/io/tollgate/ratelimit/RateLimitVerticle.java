package io.tollgate.ratelimit;

import io.tollgate.eventbus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Serves {@link Addresses#RATELIMIT_ACQUIRE}: a {@link RateLimitRequest} in, a
 * {@link RateLimitDecision} out; or a {@link RateLimitBatch} in (what {@link EventBusRateLimiter}
 * sends from an event loop), a {@link RateLimitBatchReply} out. Every message is answered: a
 * reply, or a failure with {@link #INVALID_REQUEST} for a malformed request and
 * {@link #UNAVAILABLE} when the limiter failed or took longer than the decision timeout (so senders
 * learn of a stuck Redis in that time, not in the event bus's 30 s).
 *
 * <p>The requests that arrive within one turn of this verticle's event loop (up to
 * {@code maxBatch}, from any number of messages) are decided together by one
 * {@link RateLimiter#acquireAll} call ({@link DecisionBatcher}): with Redis, one script call per
 * turn instead of one per request. A malformed message is refused on its own before it joins a
 * batch; a limiter failure fails every message of its batch.
 *
 * <p>Needs {@link io.tollgate.eventbus.Codecs#register} for {@link RateLimitRequest},
 * {@link RateLimitDecision}, {@link RateLimitBatch} and {@link RateLimitBatchReply}. Several
 * instances may be deployed; the bus spreads messages among them (each batches its own).
 */
public final class RateLimitVerticle extends VerticleBase {
  static final int INVALID_REQUEST = 400;
  static final int UNAVAILABLE = 503;
  /** Requests per limiter call at most, unless the constructor is given another bound. */
  public static final int DEFAULT_MAX_BATCH = 128;

  private final RateLimiter limiter;
  private final long decisionTimeoutMillis;
  private final int maxBatch;
  private DecisionBatcher batcher;

  /**
   * @param limiter the limiter that decides (Redis in production, in-memory in development)
   * @param decisionTimeout how long a decision may take before the sender is told "unavailable";
   *     keep it below the senders' own timeout
   */
  public RateLimitVerticle(RateLimiter limiter, Duration decisionTimeout) {
    this(limiter, decisionTimeout, DEFAULT_MAX_BATCH);
  }

  /**
   * @param maxBatch requests decided by one limiter call at most; a batch message with more is
   *     decided alone, in one call (1 with {@link EventBusRateLimiter}'s bound 1: a call per request)
   */
  public RateLimitVerticle(RateLimiter limiter, Duration decisionTimeout, int maxBatch) {
    this.limiter = Objects.requireNonNull(limiter, "limiter");
    this.decisionTimeoutMillis = decisionTimeout.toMillis();
    if (decisionTimeoutMillis < 1) throw new IllegalArgumentException("decision timeout must be at least 1 ms");
    if (maxBatch < 1) throw new IllegalArgumentException("maxBatch must be at least 1: " + maxBatch);
    this.maxBatch = maxBatch;
  }

  @Override
  public Future<?> start() {
    batcher = new DecisionBatcher(limiter, maxBatch, decisionTimeoutMillis, task -> context.runOnContext(v -> task.run()),
        (delay, task) -> {
          long id = vertx.setTimer(delay, t -> task.run());
          return () -> vertx.cancelTimer(id);
        });
    return vertx.eventBus().consumer(Addresses.RATELIMIT_ACQUIRE, this::handle).completion();
  }

  private void handle(Message<Object> message) {
    if (message.body() instanceof RateLimitBatch batch) {
      decideAll(batch).onComplete(
          decisions -> reply(message, new RateLimitBatchReply(decisions)),
          err -> fail(message, err));
      return;
    }
    decide(message.body()).onComplete(decision -> reply(message, decision), err -> fail(message, err));
  }

  private Future<RateLimitDecision> decide(Object body) {
    if (!(body instanceof RateLimitRequest request)) {
      String type = body == null ? "null" : body.getClass().getName();
      return Future.failedFuture(new IllegalArgumentException("expected a RateLimitRequest, got " + type));
    }
    try {
      Gcra.validate(request.buckets());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    return batcher.submit(request);
  }

  /** A sender's batch is decided whole, together with whatever else arrived this turn. */
  private Future<List<RateLimitDecision>> decideAll(RateLimitBatch batch) {
    try {
      batch.requests().forEach(r -> Gcra.validate(r.buckets()));
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    return batcher.submitAll(batch.requests());
  }

  private static void fail(Message<Object> message, Throwable err) {
    message.fail(err instanceof IllegalArgumentException ? INVALID_REQUEST : UNAVAILABLE, String.valueOf(err.getMessage()));
  }

  private static void reply(Message<Object> message, Object answer) {
    try {
      message.reply(answer);
    } catch (RuntimeException e) {
      // Typically no codec registered for the decision: say so rather than let the sender time out.
      message.fail(UNAVAILABLE, "could not reply: " + e.getMessage());
    }
  }
}
