package io.tollgate.gasless;

import io.tollgate.eventbus.Addresses;
import io.tollgate.relay.RelayChanged;
import io.tollgate.relay.Relayer;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event-bus face of {@link RelayEvents}: applies each {@link RelayChanged} (published where the
 * relayer works) to its checkout, and, on a timer, reconciles authorizations that have been quiet
 * for a while with the relayer's stored tickets, so that a lost event or a crash between the
 * relayer's answer and our write never leaves a checkout behind. Any number of instances may run:
 * every change is a compare-and-set.
 */
public final class GaslessVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(GaslessVerticle.class);

  private final RelayEvents events;
  private final GaslessLedger ledger;
  private final Relayer relayer;
  private final GaslessSettings settings;
  private long timer = -1;
  private boolean reconciling;

  GaslessVerticle(RelayEvents events, GaslessLedger ledger, Relayer relayer, GaslessSettings settings) {
    this.events = events;
    this.ledger = ledger;
    this.relayer = relayer;
    this.settings = settings;
  }

  @Override
  public Future<?> start() {
    MessageConsumer<RelayChanged> changes = vertx.eventBus().localConsumer(Addresses.RELAY_CHANGED,
        message -> events.apply(message.body())
            .onFailure(e -> LOG.warn("relay {} ({}): not applied now, the reconciler retries: {}",
                message.body().relayId(), message.body().state(), e.toString())));
    if (relayer != null) timer = vertx.setPeriodic(settings.reconcileInterval().toMillis(), tick -> reconcile());
    return changes.completion();
  }

  private void reconcile() {
    if (reconciling) return;
    reconciling = true;
    ledger.unsettled(settings.reconcileQuiet(), 100)
        .compose(rows -> {
          Future<Void> chain = Future.succeededFuture();
          for (GaslessLedger.Stored row : rows) {
            chain = chain.compose(ignored -> events.reconcile(row)
                .recover(e -> {
                  LOG.warn("gasless authorization {}: reconciliation failed: {}", row.id(), e.toString());
                  return Future.succeededFuture();
                }));
          }
          return chain;
        })
        .onFailure(e -> LOG.warn("gasless reconciliation failed: {}", e.toString()))
        .onComplete(done -> reconciling = false);
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }
}
