package io.tollgate.relay;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one chain's {@link RelayEngine} every {@code tick}, one round at a time, on this verticle's
 * event loop. Deploy it on the chain's relay leader only (inside a {@code LeaderOnlyVerticle}):
 * the key's nonces must have one writer. Stopping waits for the round in progress.
 */
public final class RelayEngineVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(RelayEngineVerticle.class);

  private final RelayEngine engine;
  private final Duration tick;
  private long timer = -1;
  private Future<Void> round = Future.succeededFuture();
  private boolean running;
  private int failuresInARow;

  public RelayEngineVerticle(RelayEngine engine, Duration tick) {
    this.engine = engine;
    this.tick = tick;
  }

  @Override
  public Future<?> start() {
    LOG.info("relay engine of chain {} started (round every {} ms)", engine.chainId(), tick.toMillis());
    timer = vertx.setPeriodic(0, Math.max(1, tick.toMillis()), t -> runRound());
    return Future.succeededFuture();
  }

  private void runRound() {
    if (running) return;
    running = true;
    round = engine.round().onComplete(done -> {
      running = false;
      if (done.succeeded()) {
        failuresInARow = 0;
      } else if (failuresInARow++ % 20 == 0) { // a down node would otherwise log every tick
        LOG.warn("relay round of chain {} failed ({} in a row): {}", engine.chainId(), failuresInARow, done.cause().toString());
      }
    });
  }

  @Override
  public Future<?> stop() {
    if (timer >= 0) vertx.cancelTimer(timer);
    return round.otherwiseEmpty();
  }
}
