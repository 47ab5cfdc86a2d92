package io.tollgate.checkout;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongConsumer;

/**
 * The newest head block number known per chain, fed by the chain watchers' notifications. The
 * status view derives "confirmations n/m" from it, so a new block costs no write per payment.
 */
public final class ChainHeads {
  private final ConcurrentHashMap<Long, Long> heads = new ConcurrentHashMap<>();
  private final CopyOnWriteArrayList<LongConsumer> listeners = new CopyOnWriteArrayList<>();

  void advance(long chainId, long head) {
    Long before = heads.get(chainId);
    long now = heads.merge(chainId, head, Math::max);
    if (before == null || now > before) listeners.forEach(l -> l.accept(chainId));
  }

  /**
   * Tells {@code listener} the chain id each time a chain's head moves forward, on the thread that
   * heard of it (the status feed's or a watcher's event loop): it must be thread-safe and must not block.
   */
  public void onAdvance(LongConsumer listener) {
    listeners.add(listener);
  }

  /** The head, or -1 when no block was seen yet. */
  long head(long chainId) {
    return heads.getOrDefault(chainId, -1L);
  }
}
