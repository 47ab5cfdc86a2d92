package io.tollgate.watch;

import io.tollgate.payment.ActivePayment;
import io.tollgate.payment.ActivePayments;
import io.tollgate.payment.Verdict;
import io.tollgate.payment.VerdictSink;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The store side of the watcher, in memory: what PostgreSQL does, minus durability. */
final class InMemoryPayments implements ActivePayments, VerdictSink {
  record Recorded(long paymentId, Verdict verdict, long head) {}

  final Map<Long, ActivePayment> active = new LinkedHashMap<>();
  final List<Recorded> recorded = new ArrayList<>();
  Future<List<ActivePayment>> nextLoad; // set to delay a load
  Future<Void> nextWrite; // set to delay the next write until it completes
  int failWrites;

  synchronized void add(ActivePayment payment) {
    active.put(payment.paymentId(), payment);
  }

  @Override
  public synchronized Future<List<ActivePayment>> activeOn(long chainId) {
    if (nextLoad != null) {
      Future<List<ActivePayment>> load = nextLoad;
      nextLoad = null;
      return load;
    }
    return Future.succeededFuture(active.values().stream().filter(p -> p.expectation().chainId() == chainId).toList());
  }

  @Override
  public synchronized Future<Void> record(ActivePayment payment, Verdict verdict, long head) {
    if (nextWrite != null) {
      Future<Void> delay = nextWrite;
      nextWrite = null;
      return delay.compose(v -> record(payment, verdict, head));
    }
    if (failWrites > 0) {
      failWrites--;
      return Future.failedFuture(new IllegalStateException("store down"));
    }
    recorded.add(new Recorded(payment.paymentId(), verdict, head));
    if (verdict instanceof Verdict.Paying paying && !paying.confirmed()) {
      active.put(payment.paymentId(), payment.withMined(paying));
    } else if (verdict instanceof Verdict.Unverifiable) {
      // not judged: stays active, as the ledger keeps it
    } else if (verdict instanceof Verdict.NotMined) {
      active.put(payment.paymentId(), ActivePayment.unmined(payment.paymentId(), payment.checkoutId(),
          payment.txHash(), payment.expectation()));
    } else {
      active.remove(payment.paymentId());
    }
    return Future.succeededFuture();
  }

  synchronized List<Verdict> verdictsOf(long paymentId) {
    return recorded.stream().filter(r -> r.paymentId() == paymentId).map(Recorded::verdict).toList();
  }
}
