package io.tollgate.console;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.tollgate.merchant.KeyMode;
import io.tollgate.merchant.Merchant;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.Map;
import java.util.UUID;

/**
 * The merchant a checkout belongs to, in the checkout's mode: the operator reads any checkout
 * through the same calls as its merchant (the detail, refunds, audit trail), scoped to this
 * {@link Merchant}. It carries no payment methods: it reads, it never creates.
 */
public final class CheckoutOwners {
  private final Pool pool;

  CheckoutOwners(Pool pool) {
    this.pool = pool;
  }

  public Future<Merchant> owner(UUID checkoutId) {
    return pool.preparedQuery("""
            SELECT c.merchant_id, c.mode, m.name FROM checkouts c JOIN merchants m ON m.id = c.merchant_id WHERE c.id = $1""")
        .execute(Tuple.of(checkoutId))
        .compose(rows -> {
          if (rows.size() == 0) return Future.failedFuture(new ApiException(ErrorCode.CHECKOUT_NOT_FOUND));
          Row row = rows.iterator().next();
          return Future.succeededFuture(new Merchant(row.getUUID("merchant_id"), row.getString("name"), Map.of(),
              KeyMode.fromCode(row.getString("mode"))));
        });
  }
}
