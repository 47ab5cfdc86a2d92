package io.tollgate.chain;

import java.time.Instant;

/**
 * Told of every chain head a watcher processes (intermediate heads it skipped are not reported).
 * Called on the watcher's event loop: must not block.
 */
@FunctionalInterface
public interface HeadListener {

  HeadListener NONE = (chainId, blockNumber, blockTime) -> {};

  void onHead(long chainId, long blockNumber, Instant blockTime);
}
