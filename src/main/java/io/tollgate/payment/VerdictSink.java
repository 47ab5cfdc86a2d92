package io.tollgate.payment;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the chain watcher reports a verdict that changes what {@link ActivePayment} says: a first
 * paying receipt ({@link Verdict.Paying}, confirmed or not), a confirmation, a rejection, or
 * {@link Verdict.NotMined} for a recorded receipt that a reorg removed. Implementations must be
 * idempotent (compare-and-set): after a failed write the watcher reports the same verdict again
 * on a later head.
 */
@FunctionalInterface
public interface VerdictSink {

  /**
   * @param head the chain head the verdict was computed at
   */
  Future<Void> record(ActivePayment payment, Verdict verdict, long head);

  /**
   * A whole round's verdicts. Completes once every verdict is recorded; fails if any was not
   * (the others may still have been recorded). The default records them one by one, concurrently.
   */
  default Future<Void> recordAll(List<VerdictMessage> verdicts) {
    List<Future<Void>> writes = new ArrayList<>(verdicts.size());
    for (VerdictMessage v : verdicts) writes.add(record(v.payment(), v.verdict(), v.head()));
    return Future.join(writes).mapEmpty();
  }
}
