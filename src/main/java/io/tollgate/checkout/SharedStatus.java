package io.tollgate.checkout;

import io.vertx.core.Future;
import java.util.UUID;

/**
 * A copy of every checkout's status snapshot outside PostgreSQL and outside any one instance's
 * memory (Redis), for the polls of a PostgreSQL outage: then any instance behind the load balancer
 * answers a checkout that it, or another instance, has seen, not only the ones its own cache holds.
 * A copy, never the truth: written after PostgreSQL committed (from the status notifications), a
 * newer version never overwritten by an older one, read only when PostgreSQL cannot be.
 */
public interface SharedStatus {

  /** No shared copy (one instance, no Redis): a poll missing the cache during an outage gets 503. */
  SharedStatus NONE = new SharedStatus() {
    @Override
    public void publish(CheckoutStatus status, String document) {}

    @Override
    public Future<CheckoutStatus> read(UUID checkoutId) {
      return Future.succeededFuture();
    }
  };

  /**
   * Keeps {@code status} (whose JSON is {@code document}) unless a newer version is kept. Never
   * fails and never blocks: a copy that could not be written is logged, PostgreSQL still has it.
   */
  void publish(CheckoutStatus status, String document);

  /** The kept snapshot, or null when none is kept; fails when the copy cannot be read now. */
  Future<CheckoutStatus> read(UUID checkoutId);
}
