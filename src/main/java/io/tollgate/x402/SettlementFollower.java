package io.tollgate.x402;

import io.tollgate.eventbus.Addresses;
import io.tollgate.relay.RelayChanged;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows settlements answered {@code settlement_pending} to their end when nobody asks again:
 * each finished relay of an {@code x402:} purpose (a hint, local to the relay leader) records its
 * settlement's outcome at once, and a timer catches up settlements quiet for a while (an event
 * lost, or the relay finished on another instance). Every step is a compare-and-set, so any
 * number of instances may run it and the outcome (and its webhook) is recorded once.
 */
public final class SettlementFollower extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(SettlementFollower.class);
  private static final int QUIET_SECONDS = 5;

  private final X402Facilitator facilitator;
  private final long intervalMs;
  private long timer = -1;
  private boolean sweeping;

  public SettlementFollower(X402Facilitator facilitator, long intervalMs) {
    this.facilitator = facilitator;
    this.intervalMs = intervalMs;
  }

  @Override
  public Future<?> start() {
    MessageConsumer<RelayChanged> changes = vertx.eventBus().localConsumer(Addresses.RELAY_CHANGED, message -> {
      RelayChanged change = message.body();
      String purpose = change.purpose();
      if (purpose == null || !purpose.startsWith(X402Facilitator.PURPOSE_PREFIX) || !change.state().terminal()) return;
      UUID id;
      try {
        id = UUID.fromString(purpose.substring(X402Facilitator.PURPOSE_PREFIX.length()));
      } catch (IllegalArgumentException e) {
        return;
      }
      facilitator.catchUp(id).onFailure(e -> LOG.warn("x402 settlement {}: outcome not recorded now, the sweep retries: {}",
          id, e.toString()));
    });
    timer = vertx.setPeriodic(intervalMs, tick -> sweep());
    return changes.completion();
  }

  private void sweep() {
    if (sweeping) return;
    sweeping = true;
    facilitator.quietSettlements(QUIET_SECONDS, 100)
        .compose(rows -> {
          Future<Void> chain = Future.succeededFuture();
          for (Settlement s : rows) {
            chain = chain.compose(v -> facilitator.catchUp(s).recover(e -> {
              LOG.warn("x402 settlement {}: catch-up failed: {}", s.id(), e.toString());
              return Future.succeededFuture();
            }));
          }
          return chain;
        })
        .onFailure(e -> LOG.warn("x402 settlement sweep failed: {}", e.toString()))
        .onComplete(done -> sweeping = false);
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }
}
