package io.tollgate.checkout;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The newest head block number known per chain, fed by the chain watchers' notifications. The
 * status view derives "confirmations n/m" from it, so a new block costs no write per payment.
 */
public final class ChainHeads {
  private final ConcurrentHashMap<Long, Long> heads = new ConcurrentHashMap<>();

  void advance(long chainId, long head) {
    heads.merge(chainId, head, Math::max);
  }

  /** The head, or -1 when no block was seen yet. */
  long head(long chainId) {
    return heads.getOrDefault(chainId, -1L);
  }
}
