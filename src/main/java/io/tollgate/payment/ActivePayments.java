package io.tollgate.payment;

import io.vertx.core.Future;
import java.util.List;

/** The store's view of the payments a chain watcher must check (status submitted or mined). */
@FunctionalInterface
public interface ActivePayments {

  Future<List<ActivePayment>> activeOn(long chainId);

  /**
   * Only the active payments with an id above {@code afterPaymentId}: what a catch-up round on an
   * already processed head needs. Stores should override this with a query that reads only those.
   */
  default Future<List<ActivePayment>> activeOn(long chainId, long afterPaymentId) {
    return activeOn(chainId).map(all -> all.stream().filter(p -> p.paymentId() > afterPaymentId).toList());
  }

  /**
   * The confirmed payments not yet final whose recorded block is at or below {@code minedAtOrBelow}
   * (deep enough for their finality check), as {@link ActivePayment}s carrying the recorded facts.
   * A store without finality checks has none.
   */
  default Future<List<ActivePayment>> awaitingFinality(long chainId, long minedAtOrBelow) {
    return Future.succeededFuture(List.of());
  }
}
