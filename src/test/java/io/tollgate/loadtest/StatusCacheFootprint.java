package io.tollgate.loadtest;

import io.tollgate.chain.ChainConfig;
import io.tollgate.chain.ChainRegistry;
import io.tollgate.checkout.CachedStatus;
import io.tollgate.checkout.ChainHeads;
import io.tollgate.checkout.CheckoutStatus;
import io.tollgate.checkout.ClientSecrets;
import io.tollgate.checkout.StatusCache;
import io.tollgate.checkout.StatusView;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Heap taken by the status cache holding many open checkouts (issue 5: 100,000 in a 512 MB heap).
 * Fills a {@link StatusCache} with {@code count} open checkouts (and, with {@code withPayment},
 * each with a mined payment, the heavier shape), then reports the live heap after full GCs,
 * minus the heap before filling. Run with -Xmx512m: an OutOfMemoryError is the failing answer.
 * With {@code polled}, every entry has also been polled once, so it holds what a poll derives and
 * keeps (the client secret and the rendered answer, see {@link CachedStatus}): the worst case.
 * Usage: {@code StatusCacheFootprint [count=100000]}; system properties withPayment=true, polled=true.
 */
public final class StatusCacheFootprint {
  private StatusCacheFootprint() {}

  public static void main(String[] args) {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    boolean withPayment = Boolean.getBoolean("withPayment");
    boolean polled = Boolean.getBoolean("polled");
    ClientSecrets secrets = new ClientSecrets(new byte[32]);
    StatusView view = new StatusView(new ChainRegistry(List.of(
        new ChainConfig(8453, "base", List.of("http://x"), 3, Duration.ofSeconds(2), Map.of()))), new ChainHeads());
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    StatusCache cache = new StatusCache(null); // apply() never touches the pool
    long before = liveHeap(memory);
    long expires = System.currentTimeMillis() + 600_000;
    for (int i = 0; i < count; i++) {
      CheckoutStatus.Payment payment = withPayment
          ? new CheckoutStatus.Payment(i, 8453, "USDC", "0x" + String.format("%064x", i), "mined", null, 1_000_000L + i)
          : null;
      UUID id = UUID.randomUUID();
      cache.apply(new CheckoutStatus(id, withPayment ? 2 : 1, withPayment ? "pending" : "open", null, expires, null, payment));
      if (polled) {
        CachedStatus entry = cache.peek(id);
        entry.matchesClientSecret(secrets.secretFor(id), secrets);
        view.render(entry, System.currentTimeMillis());
      }
    }
    long after = liveHeap(memory);
    long max = Runtime.getRuntime().maxMemory();
    System.out.printf("entries %,d (%s%s): live heap %,d -> %,d bytes; cache ~%,.1f MB, %,d bytes per entry; max heap %,d MB%n",
        cache.size(), withPayment ? "pending, with a payment" : "open, no payment", polled ? ", each polled once" : "", before, after,
        (after - before) / 1e6, (after - before) / Math.max(1, cache.size()), max / (1 << 20));
  }

  private static long liveHeap(MemoryMXBean memory) {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Rig.sleep(100);
    }
    return memory.getHeapMemoryUsage().getUsed();
  }
}
