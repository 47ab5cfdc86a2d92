package io.tollgate.payment;

import java.util.List;

/**
 * The verdicts of one chain-watcher round (or of one of its two JSON-RPC batches, when it needed a
 * second: round 1's are sent while round 2 is asked), sent to the payment-state verticle together
 * so they are settled and written set-based (in a few chunk transactions) rather than
 * one by one.
 */
public record VerdictBatch(List<VerdictMessage> verdicts) {
  public VerdictBatch {
    verdicts = List.copyOf(verdicts);
  }
}
