package io.tollgate.ratelimit;

import io.tollgate.eventbus.Addresses;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A {@link RateLimiter} that asks a {@link RateLimitVerticle} over the local event bus, so HTTP
 * verticles hold a {@code RateLimiter} and need not know where decisions are made. Failures read
 * as they would locally: {@link IllegalArgumentException} for a bad request,
 * {@link RateLimiterUnavailableException} for everything else (no verticle, timeout, Redis down).
 *
 * <p>Called on an event loop (an HTTP verticle), the requests made within one turn of that loop
 * travel as one {@link RateLimitBatch} message, answered by one {@link RateLimitBatchReply}: two
 * messages per turn instead of two per request. Each message wakes the other thread and costs its
 * event-bus bookkeeping (and metrics), which under load was a larger share of a rate-limited poll
 * than the decision itself. A lone request is sent at the end of its turn, so it waits for
 * nothing. Elsewhere (a worker, a test thread) each request is sent alone, as a
 * {@link RateLimitRequest}. If a batch message fails, every request in it fails alike.
 */
public final class EventBusRateLimiter implements RateLimiter {
  /** Requests per message at most, unless the constructor is given another bound. */
  static final int DEFAULT_MAX_BATCH = 128;

  private final EventBus eventBus;
  private final DeliveryOptions options;
  private final int maxBatch;
  // Where this limiter keeps the open batch in each event-loop context's data (an HTTP request's
  // duplicated context shares the data of its verticle's context, so one batch spans the requests).
  private final Object batchKey = new Object();

  /**
   * @param timeout how long to wait for the verticle; longer than its decision timeout, so its more
   *     specific failure arrives first
   */
  public EventBusRateLimiter(EventBus eventBus, Duration timeout) {
    this(eventBus, timeout, DEFAULT_MAX_BATCH);
  }

  /** @param maxBatch requests per message at most (1 sends every request alone) */
  public EventBusRateLimiter(EventBus eventBus, Duration timeout, int maxBatch) {
    if (maxBatch < 1) throw new IllegalArgumentException("maxBatch must be at least 1: " + maxBatch);
    this.eventBus = Objects.requireNonNull(eventBus, "eventBus");
    // Records travel by reference with a local-only codec; never try another cluster node.
    this.options = new DeliveryOptions().setSendTimeout(timeout.toMillis()).setLocalOnly(true);
    this.maxBatch = maxBatch;
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
    Context context = Vertx.currentContext();
    if (maxBatch == 1 || context == null || !Context.isOnEventLoopThread()) {
      return eventBus.<RateLimitDecision>request(Addresses.RATELIMIT_ACQUIRE, request, options)
          .map(Message::body)
          .recover(err -> Future.failedFuture(translate(err)));
    }
    return openBatch(context).add(request);
  }

  /** This turn's batch on {@code context}; the first request of a turn opens it and schedules its sending. */
  private OpenBatch openBatch(Context context) {
    OpenBatch batch = context.get(batchKey);
    if (batch == null) {
      OpenBatch opened = new OpenBatch(context);
      context.put(batchKey, opened);
      context.runOnContext(v -> opened.send());
      batch = opened;
    }
    return batch;
  }

  /** The requests of one turn on one event loop; used on that loop only. */
  private final class OpenBatch {
    private final Context context;
    private final List<RateLimitRequest> requests = new ArrayList<>();
    private final List<Promise<RateLimitDecision>> decisions = new ArrayList<>();
    private boolean sent;

    OpenBatch(Context context) {
      this.context = context;
    }

    Future<RateLimitDecision> add(RateLimitRequest request) {
      Promise<RateLimitDecision> decision = Promise.promise();
      requests.add(request);
      decisions.add(decision);
      if (requests.size() >= maxBatch) send();
      return decision.future();
    }

    /** Sends the batch once: when full, or at the end of the turn, whichever comes first. */
    void send() {
      if (sent) return;
      sent = true;
      context.remove(batchKey);
      eventBus.<RateLimitBatchReply>request(Addresses.RATELIMIT_ACQUIRE, new RateLimitBatch(requests), options)
          .onComplete(reply -> {
            List<RateLimitDecision> answers = reply.body().decisions();
            if (answers.size() != decisions.size()) {
              failAll(new RateLimiterUnavailableException("the rate-limit verticle answered " + answers.size()
                  + " decisions for " + decisions.size() + " requests", null));
              return;
            }
            for (int i = 0; i < answers.size(); i++) decisions.get(i).complete(answers.get(i));
          }, err -> failAll(translate(err)));
    }

    private void failAll(Throwable err) {
      decisions.forEach(d -> d.fail(err));
    }
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
