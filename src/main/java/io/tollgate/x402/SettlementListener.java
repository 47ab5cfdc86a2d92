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

  /** Not called for an open-mode settlement (no merchant: nobody to tell). */
  Future<Void> onFinished(SqlConnection conn, SettlementFinished finished);

  /**
   * After the outcome committed, once per settlement (open-mode ones too): for the log and the
   * metrics, which must not count an outcome that rolled back.
   */
  default void onCommitted(SettlementFinished finished) {}
}
