package io.tollgate.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The fan-out behind the live status streams: one topic per checkout, each subscriber told on its
 * own event loop, the newest cached entry handed out, heads and expiry as triggers, and a checkout
 * forgotten with its last subscriber. The cache is filled by hand (no database behind it).
 */
class StatusSubscriptionsTest {
  private final Vertx vertx = Vertx.vertx();
  private final StatusCache cache = new StatusCache(null);
  private final ChainHeads heads = new ChainHeads();
  private final StatusSubscriptions subscriptions = new StatusSubscriptions(vertx, cache, heads, Clock.systemUTC());
  private final UUID id = UUID.randomUUID();

  /** What one subscriber was told: the version it saw, and on which thread. */
  private record Told(int version, String thread) {}

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aChangeReachesEverySubscriberOnItsOwnEventLoopWithTheNewestEntry() throws Exception {
    cache.apply(status(1, "open", far(), null));
    Context a = vertx.getOrCreateContext();
    Context b = vertx.getOrCreateContext();
    List<List<Told>> told = List.of(new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>());
    String threadA = on(a, () -> Thread.currentThread().getName());
    String threadB = on(b, () -> Thread.currentThread().getName());
    subscribe(a, told.get(0));
    subscribe(a, told.get(1));
    subscribe(b, told.get(2));
    assertThat(subscriptions.checkouts()).isEqualTo(1);
    assertThat(subscriptions.subscribers()).isEqualTo(3);

    cache.apply(status(2, "pending", far(), null));
    cache.apply(status(3, "paid", far(), null)); // arrived before the first notice was handed out
    subscriptions.changed(status(2, "pending", far(), null));
    awaitSize(told, 1);
    assertThat(told.get(0)).containsExactly(new Told(3, threadA));
    assertThat(told.get(1)).containsExactly(new Told(3, threadA));
    assertThat(told.get(2)).containsExactly(new Told(3, threadB));

    subscriptions.changed(otherCheckout(9, UUID.randomUUID())); // another checkout: nobody here
    Thread.sleep(100);
    assertThat(told).allSatisfy(t -> assertThat(t).hasSize(1));
  }

  @Test
  void theLastCancellationForgetsTheCheckout() throws Exception {
    cache.apply(status(1, "open", far(), null));
    Context a = vertx.getOrCreateContext();
    List<Told> told = new CopyOnWriteArrayList<>();
    StatusSubscriptions.Subscription first = subscribe(a, told);
    StatusSubscriptions.Subscription second = subscribe(a, told);
    on(a, () -> {
      first.cancel();
      first.cancel(); // twice changes nothing
      return null;
    });
    assertThat(subscriptions.subscribers()).isEqualTo(1);
    assertThat(subscriptions.checkouts()).isEqualTo(1);
    on(a, () -> {
      second.cancel();
      return null;
    });
    assertThat(subscriptions.subscribers()).isZero();
    assertThat(subscriptions.checkouts()).isZero();
    subscriptions.changed(status(2, "paid", far(), null));
    Thread.sleep(100);
    assertThat(told).isEmpty();
  }

  @Test
  void aNewHeadTellsOnlyCheckoutsWhosePaymentAwaitsConfirmationsOnThatChain() throws Exception {
    UUID other = UUID.randomUUID();
    cache.apply(new CheckoutStatus(id, 1, "pending", null, far(), null,
        new CheckoutStatus.Payment(1, 8453, "USDC", "0xab", "mined", null, 100L)));
    cache.apply(new CheckoutStatus(other, 1, "pending", null, far(), null,
        new CheckoutStatus.Payment(2, 8453, "USDC", "0xcd", "submitted", null, null)));
    Context a = vertx.getOrCreateContext();
    List<Told> mined = new CopyOnWriteArrayList<>();
    List<Told> submitted = new CopyOnWriteArrayList<>();
    subscribe(a, mined);
    on(a, () -> subscriptions.subscribe(cache.peek(other), a, e -> submitted.add(new Told(0, ""))));
    heads.advance(1, 500); // another chain
    heads.advance(8453, 101);
    heads.advance(8453, 101); // not a new head
    long deadline = System.nanoTime() + 2_000_000_000L;
    while (mined.isEmpty() && System.nanoTime() < deadline) Thread.sleep(10);
    Thread.sleep(100);
    assertThat(mined).hasSize(1);
    assertThat(submitted).isEmpty();
  }

  @Test
  void subscribersAreToldWhenTheExpiryShows() throws Exception {
    cache.apply(status(1, "open", System.currentTimeMillis() + 300, null));
    List<Told> told = new CopyOnWriteArrayList<>();
    subscribe(vertx.getOrCreateContext(), told);
    long deadline = System.nanoTime() + 3_000_000_000L;
    while (told.isEmpty() && System.nanoTime() < deadline) Thread.sleep(10);
    assertThat(told).hasSize(1);
  }

  private StatusSubscriptions.Subscription subscribe(Context context, List<Told> told) throws Exception {
    return on(context, () -> subscriptions.subscribe(cache.peek(id), context,
        entry -> told.add(new Told(entry.snapshot().version(), Thread.currentThread().getName()))));
  }

  private static <T> T on(Context context, Supplier<T> work) throws Exception {
    CompletableFuture<T> done = new CompletableFuture<>();
    context.runOnContext(v -> done.complete(work.get()));
    return done.get(5, TimeUnit.SECONDS);
  }

  private static void awaitSize(List<List<Told>> lists, int size) throws InterruptedException {
    long deadline = System.nanoTime() + 3_000_000_000L;
    while (lists.stream().anyMatch(l -> l.size() < size) && System.nanoTime() < deadline) Thread.sleep(10);
  }

  private static long far() {
    return System.currentTimeMillis() + 3_600_000;
  }

  private CheckoutStatus status(int version, String status, long expiresAt, CheckoutStatus.Payment payment) {
    return new CheckoutStatus(id, version, status, null, expiresAt, null, payment);
  }

  private static CheckoutStatus otherCheckout(int version, UUID other) {
    return new CheckoutStatus(other, version, "open", null, far(), null, null);
  }
}
