package io.tollgate.ratelimit;

import java.util.List;

/**
 * The message sent to {@link io.tollgate.eventbus.Addresses#RATELIMIT_ACQUIRE}: the buckets to
 * charge together. Copied on construction so it can travel the local bus by reference.
 */
public record RateLimitRequest(List<RateLimitBucket> buckets) {
  public RateLimitRequest {
    buckets = List.copyOf(buckets);
  }
}
