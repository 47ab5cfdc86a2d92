package io.tollgate.payment;

import io.tollgate.checkout.TransitionLog;
import io.vertx.sqlclient.Pool;

/**
 * The only writer of checkout and payment state after creation. Every change is a compare-and-set
 * ({@code UPDATE ... WHERE status IN (...)}) in one transaction with its audit row, its listeners and
 * its status notification, so a replayed verdict, a duplicate submission or two instances racing
 * change nothing twice: of two verdicts that would both pay a checkout, exactly one does.
 *
 * <p>By job: buyers' claims ({@link PaymentClaims}), chain watchers' verdicts ({@link VerdictWriter}:
 * set-based chunks by {@link PayingChunkWriter}, one verdict by {@link VerdictRecorder}) and the
 * expiry sweep ({@link CheckoutExpiry}), wired here once and served on the event bus by
 * {@link PaymentStateVerticle}.
 */
public final class PaymentLedger {
  private final PaymentClaims claims;
  private final VerdictWriter verdicts;
  private final CheckoutExpiry expiry;

  public PaymentLedger(Pool pool, TransitionLog transitions) {
    this(pool, transitions, VerdictWriteSettings.defaults());
  }

  public PaymentLedger(Pool pool, TransitionLog transitions, VerdictWriteSettings verdictWrites) {
    this.claims = new PaymentClaims(pool, transitions);
    this.verdicts = new VerdictWriter(pool, transitions, verdictWrites);
    this.expiry = new CheckoutExpiry(pool, transitions);
  }

  PaymentClaims claims() {
    return claims;
  }

  VerdictWriter verdicts() {
    return verdicts;
  }

  CheckoutExpiry expiry() {
    return expiry;
  }
}
