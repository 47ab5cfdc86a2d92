package io.tollgate.ratelimit;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Gathers the rate-limit requests that arrive within one event-loop turn into one
 * {@link RateLimiter#acquireAll} call, so Redis runs one script per turn instead of one per request.
 *
 * <p>The first request of a batch schedules the flush with {@code endOfTurn}, which on an event
 * loop queues it behind the tasks already waiting (the event-bus messages that arrived meanwhile),
 * so a busy loop batches what piled up while it was busy and an idle one sends a lone request at
 * once, adding no latency. A batch that reaches {@code maxBatch} requests is sent at once.
 * Requests are decided in the order they were submitted. Requests submitted together (one
 * event-bus message carrying an HTTP verticle's batch) stay together in one limiter call.
 *
 * <p>Every request is answered: with its decision, or, when the limiter fails, throws, answers
 * nonsense or takes longer than the timeout, every request of that batch fails with the same error.
 * One timer per batch, not per request: a timer per decision was a measurable cost on the poll path.
 * Not thread-safe: use it from one event loop (the {@link RateLimitVerticle}'s).
 */
final class DecisionBatcher {
  /** Requests that came together (one event-bus message) and are answered together. */
  private record Group(List<RateLimitRequest> requests, Promise<List<RateLimitDecision>> decisions) {}

  private final RateLimiter limiter;
  private final int maxBatch;
  private final long timeoutMillis;
  private final Executor endOfTurn;
  private final RateLimitTimer timer;
  private List<Group> batch = new ArrayList<>();
  private int batchRequests;

  /**
   * @param maxBatch requests per limiter call at most (a larger group is sent alone)
   * @param timeoutMillis how long a batch may take before its requests fail as unavailable
   * @param endOfTurn runs a task after the tasks already queued on this event loop
   */
  DecisionBatcher(RateLimiter limiter, int maxBatch, long timeoutMillis, Executor endOfTurn, RateLimitTimer timer) {
    if (maxBatch < 1) throw new IllegalArgumentException("maxBatch must be at least 1: " + maxBatch);
    if (timeoutMillis < 1) throw new IllegalArgumentException("timeout must be at least 1 ms: " + timeoutMillis);
    this.limiter = Objects.requireNonNull(limiter, "limiter");
    this.maxBatch = maxBatch;
    this.timeoutMillis = timeoutMillis;
    this.endOfTurn = Objects.requireNonNull(endOfTurn, "endOfTurn");
    this.timer = Objects.requireNonNull(timer, "timer");
  }

  /** The decision for {@code request}, made together with the others of its turn. */
  Future<RateLimitDecision> submit(RateLimitRequest request) {
    return submitAll(List.of(request)).map(decisions -> decisions.get(0));
  }

  /**
   * The decisions for {@code requests}, in order, made in one limiter call together with the
   * others of this turn; all answered or all failed together.
   */
  Future<List<RateLimitDecision>> submitAll(List<RateLimitRequest> requests) {
    if (requests.isEmpty()) return Future.succeededFuture(List.of());
    Promise<List<RateLimitDecision>> decisions = Promise.promise();
    if (batchRequests > 0 && batchRequests + requests.size() > maxBatch) flush(batch);
    List<Group> current = batch;
    current.add(new Group(requests, decisions));
    batchRequests += requests.size();
    if (batchRequests >= maxBatch) {
      flush(current);
    } else if (current.size() == 1) {
      endOfTurn.execute(() -> flush(current));
    }
    return decisions.future();
  }

  /** Sends {@code pending} if it is still the open batch (a full batch was already sent). */
  private void flush(List<Group> pending) {
    if (pending != batch) return;
    batch = new ArrayList<>();
    int size = batchRequests;
    batchRequests = 0;
    List<RateLimitRequest> requests;
    if (pending.size() == 1) {
      requests = pending.get(0).requests();
    } else {
      requests = new ArrayList<>(size);
      for (Group g : pending) requests.addAll(g.requests());
    }
    Runnable cancelTimeout = timer.schedule(timeoutMillis, () -> failAll(pending,
        new RateLimiterUnavailableException("no rate-limit decision within " + timeoutMillis + " ms", null)));
    Future<List<RateLimitDecision>> decided;
    try {
      decided = limiter.acquireAll(requests);
    } catch (RuntimeException e) {
      // A limiter that throws instead of failing its future must still not leave anyone waiting.
      decided = Future.failedFuture(e);
    }
    decided.onComplete(decisions -> {
      cancelTimeout.run();
      if (decisions == null || decisions.size() != size) {
        failAll(pending, new IllegalStateException("limiter answered "
            + (decisions == null ? "null" : decisions.size() + " decisions") + " for " + size + " requests"));
        return;
      }
      int from = 0;
      for (Group g : pending) {
        int to = from + g.requests().size();
        g.decisions().tryComplete(pending.size() == 1 ? decisions : decisions.subList(from, to));
        from = to;
      }
    }, err -> {
      cancelTimeout.run();
      failAll(pending, err);
    });
  }

  // tryFail: after a timeout the limiter may still answer, or the other way round; the first wins.
  private static void failAll(List<Group> pending, Throwable err) {
    for (Group g : pending) g.decisions().tryFail(err);
  }
}
