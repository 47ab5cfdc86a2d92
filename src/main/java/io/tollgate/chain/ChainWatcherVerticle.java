package io.tollgate.chain;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one {@link ChainWatcher} from a timer on this verticle's event loop (the watcher is
 * confined to it). Deploy one per chain, on the instance holding that chain's leadership.
 */
public final class ChainWatcherVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ChainWatcherVerticle.class);

  private final ChainWatcher watcher;
  private final Duration pollInterval;
  private long timerId = -1;

  /**
   * @param pollInterval how often to ask for the head; about a third of the chain's block time
   *     notices a new block soon without asking much in between
   */
  public ChainWatcherVerticle(ChainWatcher watcher, Duration pollInterval) {
    this.watcher = Objects.requireNonNull(watcher);
    this.pollInterval = Objects.requireNonNull(pollInterval);
    if (pollInterval.toMillis() < 1) throw new IllegalArgumentException("pollInterval must be at least 1 ms");
  }

  public ChainWatcher watcher() { return watcher; }

  /**
   * Ready after the first round ran. An unreachable node does not fail deployment (the watcher
   * skips rounds until it answers); an error in the watcher's own dependencies (the payment store)
   * does, because the verticle would only repeat it every tick.
   */
  @Override
  public Future<?> start() {
    return watcher.poll().onSuccess(first -> {
      timerId = vertx.setPeriodic(pollInterval.toMillis(), tick -> watcher.poll()
          .onFailure(e -> LOG.error("chain {}: watcher round failed", watcher.chainId(), e)));
      LOG.info("chain {}: watching every {} ms", watcher.chainId(), pollInterval.toMillis());
    });
  }

  @Override
  public Future<?> stop() {
    if (timerId >= 0) vertx.cancelTimer(timerId);
    return watcher.idle();
  }
}
