package io.tollgate.payment;

import java.util.List;

/**
 * The verdicts of one chain-watcher round, sent to the payment-state verticle together so they
 * are settled and written set-based (one transaction for all confirmations) rather than one by one.
 */
public record VerdictBatch(List<VerdictMessage> verdicts) {
  public VerdictBatch {
    verdicts = List.copyOf(verdicts);
  }
}
