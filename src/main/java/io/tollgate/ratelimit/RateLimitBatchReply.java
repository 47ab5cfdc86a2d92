package io.tollgate.ratelimit;

import java.util.List;

/** The answer to a {@link RateLimitBatch}: one decision per request, in the batch's order. */
public record RateLimitBatchReply(List<RateLimitDecision> decisions) {
  public RateLimitBatchReply {
    decisions = List.copyOf(decisions);
  }
}
