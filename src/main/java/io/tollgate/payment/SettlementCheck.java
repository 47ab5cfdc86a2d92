package io.tollgate.payment;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * A last look at a payment before it is recorded as paid, for facts the chain watcher's pure rules
 * cannot see (the payer binding's signature and wallet code, see {@code io.tollgate.payer}). It
 * runs between the watcher's confirmed verdict and {@link VerdictWriter#recordAll}, on the
 * payment-state verticle's event loop, so it must not block.
 *
 * <p>Idempotent by construction: it only reads; the ledger's compare-and-set decides what a
 * replayed verdict changes.
 */
public interface SettlementCheck {

  /** Lets every verdict through unchanged. */
  SettlementCheck NONE = (payment, paying) -> Future.succeededFuture(paying);

  /**
   * The verdict to record for a confirmed paying verdict: {@code paying} itself, or a
   * {@link Verdict.Rejected}. The future fails when the check cannot be made now (an RPC outage):
   * nothing is recorded and the watcher reports the payment again on a later head.
   */
  Future<Verdict> review(ActivePayment payment, Verdict.Paying paying);

  /**
   * A round's verdicts with every confirmed paying one reviewed; the others pass unchanged. A
   * verdict whose review could not be made now is left out (reported again on a later head). The
   * default reviews one by one; an implementation that reads the database should override it with
   * one read for the whole round.
   */
  default Future<List<VerdictMessage>> reviewAll(List<VerdictMessage> verdicts) {
    List<Future<Verdict>> reviews = new ArrayList<>(verdicts.size());
    for (VerdictMessage v : verdicts) {
      reviews.add(needsReview(v) ? review(v.payment(), (Verdict.Paying) v.verdict()) : Future.succeededFuture(v.verdict()));
    }
    return Future.join(reviews).transform(done -> Future.succeededFuture(reviewed(verdicts, reviews)));
  }

  /**
   * Whether {@code v} is reviewed: only a confirmed verdict that would pay its checkout (a refund
   * transfer is the shop's own, from the recipient: no buyer binding to re-check).
   */
  static boolean needsReview(VerdictMessage v) {
    return v.verdict() instanceof Verdict.Paying paying && paying.confirmed() && !v.payment().isRefund()
        && !v.payment().recovery();
  }

  /** {@code verdicts} with each replaced by its review's outcome, and dropped where the review failed. */
  static List<VerdictMessage> reviewed(List<VerdictMessage> verdicts, List<Future<Verdict>> reviews) {
    List<VerdictMessage> out = new ArrayList<>(verdicts.size());
    for (int i = 0; i < verdicts.size(); i++) {
      Future<Verdict> review = reviews.get(i);
      if (review.succeeded()) {
        VerdictMessage v = verdicts.get(i);
        out.add(new VerdictMessage(v.payment(), review.result(), v.head()));
      }
    }
    return out;
  }
}
