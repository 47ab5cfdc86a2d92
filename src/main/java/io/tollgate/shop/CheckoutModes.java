package io.tollgate.shop;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.tollgate.merchant.Merchant;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * The test/live wall for the money routes: a key acts only on checkouts of its own mode, as
 * {@code GET /v1/checkouts/{id}} reads only them. A checkout of the other mode is a 403
 * {@code mode_mismatch}; an unknown one is left to the action (its own 404).
 */
public final class CheckoutModes {
  private final Pool pool;

  public CheckoutModes(Pool pool) {
    this.pool = pool;
  }

  public Future<Void> require(Merchant merchant, UUID checkoutId) {
    return pool.preparedQuery("SELECT mode FROM checkouts WHERE id = $1 AND merchant_id = $2")
        .execute(Tuple.of(checkoutId, merchant.id()))
        .compose(rows -> {
          if (rows.size() == 0) return Future.succeededFuture();
          String mode = rows.iterator().next().getString("mode");
          if (merchant.mode().code().equals(mode)) return Future.succeededFuture();
          return Future.failedFuture(new ApiException(ErrorCode.MODE_MISMATCH, "checkout " + checkoutId + " is a "
              + mode + "-mode checkout; act on it with a " + mode + " key"));
        });
  }
}
