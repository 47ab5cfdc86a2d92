package io.tollgate.x402;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;

/**
 * Told of each settlement outcome exactly once, on the connection of the transaction that records
 * it (the compare-and-set from {@code settling}): what it writes commits with the outcome or not at
 * all. The webhook outbox implements it, as it implements the checkout transition log's listener.
 */
public interface SettlementListener {
  SettlementListener NONE = (conn, finished) -> Future.succeededFuture();

  Future<Void> onFinished(SqlConnection conn, SettlementFinished finished);
}
