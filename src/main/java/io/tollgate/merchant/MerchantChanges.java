package io.tollgate.merchant;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * The {@code NOTIFY} that tells every instance a merchant's keys or payment methods changed, sent
 * inside the transaction of the change (so it arrives only if the change commits, and before any
 * request can see a half-made change). Instances drop that merchant's cached authentications.
 */
final class MerchantChanges {
  static final String CHANNEL = "merchant_changed";

  private MerchantChanges() {}

  static Future<Void> announce(SqlConnection conn, UUID merchantId) {
    return conn.preparedQuery("SELECT pg_notify('" + CHANNEL + "', $1)").execute(Tuple.of(merchantId.toString())).mapEmpty();
  }
}
