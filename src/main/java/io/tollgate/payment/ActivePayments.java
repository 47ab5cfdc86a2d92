package io.tollgate.payment;

import io.vertx.core.Future;
import java.util.List;

/** The store's view of the payments a chain watcher must check (status submitted or mined). */
@FunctionalInterface
public interface ActivePayments {

  Future<List<ActivePayment>> activeOn(long chainId);
}
