package io.tollgate.ratelimit;

import java.util.List;

/**
 * The message an {@link EventBusRateLimiter} sends to
 * {@link io.tollgate.eventbus.Addresses#RATELIMIT_ACQUIRE} for the requests one HTTP verticle made
 * within one event-loop turn; answered by a {@link RateLimitBatchReply} with one decision per
 * request, in order. Copied on construction so it can travel the local bus by reference.
 */
public record RateLimitBatch(List<RateLimitRequest> requests) {
  public RateLimitBatch {
    requests = List.copyOf(requests);
  }
}
