package io.tollgate.gasless;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.tollgate.checkout.CheckoutStatus;
import io.tollgate.eventbus.Addresses;
import io.tollgate.eventbus.Replies;
import io.tollgate.payment.PaymentSubmission;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.Locale;
import java.util.UUID;

/**
 * A relayed transaction becomes the checkout's payment claim exactly as a buyer's submitted hash
 * does ({@code payments.submit}), so the chain watcher verifies it in the same round and through
 * the same verdict path: the token's Transfer from the payer to the recipient, the exact amount,
 * the confirmations, the window.
 */
final class RelayClaims {
  private static final DeliveryOptions SUBMIT = new DeliveryOptions().setSendTimeout(10_000);

  private final Pool pool;
  private final EventBus bus;

  RelayClaims(Pool pool, EventBus bus) {
    this.pool = pool;
    this.bus = bus;
  }

  Future<Void> claim(UUID checkoutId, long chainId, String token, String txHash, String actor) {
    String hash = txHash.toLowerCase(Locale.ROOT);
    return Replies.<CheckoutStatus>request(bus, Addresses.PAYMENT_SUBMIT,
            new PaymentSubmission(checkoutId, chainId, token, hash, actor), SUBMIT)
        .<Void>mapEmpty()
        .recover(e -> e instanceof ApiException api && api.error() == ErrorCode.CHECKOUT_NOT_PAYABLE
            ? keepInView(checkoutId, chainId, token, hash)
            : Future.failedFuture(e));
  }

  /**
   * The checkout was settled by something else while the relay was on its way, so it takes no new
   * claim. The buyer's money still moves: the claim is stored anyway, and the watcher records it as
   * a payment for an already paid checkout (kept and flagged for the shop), never dropped.
   */
  private Future<Void> keepInView(UUID checkoutId, long chainId, String token, String hash) {
    return pool.preparedQuery("""
            INSERT INTO payments (checkout_id, chain_id, token, tx_hash, status, submitted_at, updated_at)
            VALUES ($1, $2, $3, $4, 'submitted', now(), now())
            ON CONFLICT DO NOTHING""")
        .execute(Tuple.of(checkoutId, chainId, token, hash))
        .mapEmpty();
  }
}
