package io.tollgate.payment;

import io.tollgate.eventbus.Addresses;
import io.tollgate.eventbus.Replies;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event-bus face of {@link PaymentLedger}: buyers' submissions ({@link PaymentClaims}) and chain
 * watchers' verdicts (a batch at a time, one or two per round, reviewed by the
 * {@link SettlementCheck} and written set-based by {@link VerdictWriter}) arrive here, and the
 * expiry sweeper ({@link CheckoutExpiry}) runs on its timer. Any number of instances (in one JVM or
 * many) may run: the ledger's compare-and-set updates make concurrent work safe.
 */
public final class PaymentStateVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(PaymentStateVerticle.class);

  private final PaymentLedger ledger;
  private final Duration sweepInterval;
  private final SettlementCheck settlement;
  private long sweepTimer = -1;
  private boolean sweeping;

  public PaymentStateVerticle(PaymentLedger ledger, Duration sweepInterval) {
    this(ledger, sweepInterval, SettlementCheck.NONE);
  }

  /** With {@code settlement} consulted before any confirmed verdict is recorded (the payer re-check). */
  public PaymentStateVerticle(PaymentLedger ledger, Duration sweepInterval, SettlementCheck settlement) {
    this.ledger = ledger;
    this.sweepInterval = sweepInterval;
    this.settlement = settlement;
  }

  @Override
  public Future<?> start() {
    MessageConsumer<PaymentSubmission> submissions = vertx.eventBus().consumer(Addresses.PAYMENT_SUBMIT,
        Replies.responding(message -> ledger.claims().submit(message.body())));
    MessageConsumer<VerdictBatch> verdicts = vertx.eventBus().consumer(Addresses.PAYMENT_VERDICTS,
        message -> {
          List<VerdictMessage> round = message.body().verdicts();
          // A verdict whose review could not be made now is left out and reported again later.
          Replies.respond(message, settlement.reviewAll(round).compose(reviewed -> {
            if (reviewed.size() < round.size()) {
              LOG.debug("{} of {} verdicts not reviewable now; retried on a later head", round.size() - reviewed.size(), round.size());
            }
            return ledger.verdicts().recordAll(reviewed);
          }));
        });
    sweepTimer = vertx.setPeriodic(sweepInterval.toMillis(), tick -> sweep());
    return Future.all(submissions.completion(), verdicts.completion());
  }

  private void sweep() {
    if (sweeping) return; // a slow sweep is not stacked with the next one
    sweeping = true;
    ledger.expiry().expireDue(500)
        .onSuccess(n -> { if (n > 0) LOG.debug("expired {} checkouts", n); })
        .onFailure(e -> LOG.warn("expiry sweep failed: {}", e.toString()))
        .onComplete(done -> sweeping = false);
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(sweepTimer);
    return Future.succeededFuture();
  }
}
