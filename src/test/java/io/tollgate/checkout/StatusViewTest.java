package io.tollgate.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.chain.ChainConfig;
import io.tollgate.chain.ChainRegistry;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class StatusViewTest {
  private final ChainHeads heads = new ChainHeads();
  private final StatusView view = new StatusView(new ChainRegistry(List.of(
      new ChainConfig(8453, "base", List.of("http://x"), 3, Duration.ofSeconds(1), Map.of()))), heads);
  private final UUID id = UUID.randomUUID();

  @Test
  void pendingShowsConfirmationsFromTheChainHead() {
    CheckoutStatus mined = status(4, "pending", 1_000_000L, new CheckoutStatus.Payment(1, 8453, "USDC", "0xab", "mined", null, 100L));
    heads.advance(8453, 100);
    JsonObject first = view.render(mined, 0).body().toJsonObject();
    assertThat(first.getInteger("confirmations")).isEqualTo(1);
    assertThat(first.getInteger("requiredConfirmations")).isEqualTo(3);
    String etag = view.etag(mined, 0);
    heads.advance(8453, 101);
    assertThat(view.render(mined, 0).body().toJsonObject().getInteger("confirmations")).isEqualTo(2);
    assertThat(view.etag(mined, 0)).isNotEqualTo(etag); // the body changed, so the ETag must
    heads.advance(8453, 150);
    assertThat(view.render(mined, 0).body().toJsonObject().getInteger("confirmations")).isEqualTo(3); // capped
  }

  @Test
  void anOpenCheckoutPastItsExpiryShowsExpiredBeforeTheSweeperWritesIt() {
    CheckoutStatus open = status(1, "open", 1_000L, null);
    assertThat(view.render(open, 999).body().toJsonObject().getString("status")).isEqualTo("open");
    assertThat(view.render(open, 1_001).body().toJsonObject().getString("status")).isEqualTo("expired");
    assertThat(view.etag(open, 999)).isNotEqualTo(view.etag(open, 1_001));
  }

  @Test
  void theSequenceGrowsWithEveryChangeOfTheBodyAndOnlyThen() {
    CheckoutStatus open = status(0, "open", 10_000L, null);
    long first = view.render(open, 0).sequence();
    assertThat(first).isEqualTo(1_000); // never 0
    assertThat(view.render(open, 0).sequence()).isEqualTo(first);
    long expired = view.render(open, 10_001).sequence();
    assertThat(expired).isGreaterThan(first);
    CheckoutStatus.Payment minedAt100 = new CheckoutStatus.Payment(1, 8453, "USDC", "0xab", "mined", null, 100L);
    CheckoutStatus mined = status(1, "pending", 10_000L, minedAt100);
    heads.advance(8453, 100);
    long one = view.render(mined, 0).sequence();
    heads.advance(8453, 101);
    long two = view.render(mined, 0).sequence();
    CheckoutStatus paid = status(2, "paid", 10_000L, new CheckoutStatus.Payment(1, 8453, "USDC", "0xab", "confirmed", null, 100L));
    long done = view.render(paid, 20_000).sequence();
    assertThat(List.of(first, expired, one, two, done)).isSorted().doesNotHaveDuplicates();
    assertThat(view.render(paid, 20_000).status()).isEqualTo("paid");
  }

  @Test
  void aPaidCheckoutNeverTurnsExpired() {
    CheckoutStatus paid = status(9, "paid", 1_000L, new CheckoutStatus.Payment(1, 8453, "USDC", "0xab", "confirmed", null, 100L));
    JsonObject body = view.render(paid, 5_000).body().toJsonObject();
    assertThat(body.getString("status")).isEqualTo("paid");
    assertThat(body.getInteger("confirmations")).isEqualTo(3);
  }

  @Test
  void theCacheKeepsTheNewestVersion() {
    StatusCache cache = new StatusCache(null);
    cache.apply(status(5, "pending", 1L, null));
    cache.apply(status(4, "open", 1L, null)); // a late notification
    assertThat(cache.get(id).result().snapshot().status()).isEqualTo("pending");
    cache.apply(status(6, "paid", 1L, null));
    assertThat(cache.get(id).result().snapshot().status()).isEqualTo("paid");
  }

  @Test
  void aCachedCheckoutIsRenderedOnceAndAgainOnlyWhenTheConfirmationsShownChange() {
    StatusCache cache = new StatusCache(null);
    cache.apply(status(4, "pending", 1_000_000L, new CheckoutStatus.Payment(1, 8453, "USDC", "0xab", "mined", null, 100L)));
    heads.advance(8453, 100);
    CachedStatus entry = cache.peek(id);
    StatusView.Rendered first = view.render(entry, 0);
    assertThat(view.render(entry, 5)).isSameAs(first); // nothing changed: the same answer, not encoded again
    assertThat(first).isEqualTo(view.render(entry.snapshot(), 0)); // and it is what a fresh rendering gives

    heads.advance(8453, 101);
    StatusView.Rendered second = view.render(entry, 10);
    assertThat(second.body().toJsonObject().getInteger("confirmations")).isEqualTo(2);
    assertThat(second.etag()).isNotEqualTo(first.etag()).isEqualTo(view.etag(entry.snapshot(), 10));
    assertThat(view.render(entry, 10)).isSameAs(second);
  }

  @Test
  void aCachedOpenCheckoutTurnsExpiredWhenItsTimeHasPassed() {
    StatusCache cache = new StatusCache(null);
    cache.apply(status(1, "open", 1_000L, null));
    CachedStatus entry = cache.peek(id);
    StatusView.Rendered before = view.render(entry, 999);
    assertThat(view.render(entry, 1_000)).isSameAs(before); // expired only after expiresAt
    StatusView.Rendered after = view.render(entry, 1_001);
    assertThat(after.body().toJsonObject().getString("status")).isEqualTo("expired");
    assertThat(after.etag()).isNotEqualTo(before.etag()).isEqualTo(view.etag(entry.snapshot(), 1_001));
  }

  @Test
  void aNewSnapshotIsRenderedAfresh() {
    StatusCache cache = new StatusCache(null);
    cache.apply(status(1, "open", 1_000_000L, null));
    StatusView.Rendered open = view.render(cache.peek(id), 0);
    cache.apply(status(2, "pending", 1_000_000L, new CheckoutStatus.Payment(1, 8453, "USDC", "0xab", "submitted", null, null)));
    StatusView.Rendered pending = view.render(cache.peek(id), 0);
    assertThat(pending.body().toJsonObject().getString("status")).isEqualTo("pending");
    assertThat(pending.etag()).isNotEqualTo(open.etag());
    // the same version again (a duplicate notification) replaces the entry; the answer stays right
    cache.apply(status(2, "pending", 1_000_000L, new CheckoutStatus.Payment(1, 8453, "USDC", "0xab", "mined", null, 7L)));
    assertThat(view.render(cache.peek(id), 0).body().toJsonObject().getJsonObject("payment").getString("status")).isEqualTo("mined");
  }

  private CheckoutStatus status(int version, String status, long expiresAt, CheckoutStatus.Payment payment) {
    return new CheckoutStatus(id, version, status, null, expiresAt, null, payment);
  }
}
