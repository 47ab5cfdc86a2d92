package io.tollgate.watch;

import io.tollgate.chain.Hex;
import io.tollgate.payment.ActivePayment;
import io.tollgate.payment.NativeTransferSource;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a watcher carries from one round to the next: the last processed head, and caches of
 * immutable chain data (headers, kept native evidence, which receipts were missing where). Losing
 * any of it costs calls, never a verdict. Changed only by the judge (what it read) and by the
 * driver once a round succeeded. Confined to the watcher's context.
 */
final class WatchMemory {
  private long lastHead = -1;
  /** The hash of {@link #lastHead}'s block (null before the first round). */
  private String lastHeadHash;
  /** The timestamp of {@link #lastHead}'s block (null before the first round), for catch-up rounds. */
  private Instant lastHeadTime;
  /**
   * The highest payment id checked at {@link #lastHead}: a catch-up round on the same head reads only
   * newer payments. One committed late with a lower id waits for the next head's full round.
   */
  private long newestCheckedPayment;
  /**
   * The head at which each waiting payment's receipt was last answered missing. An ERC-20 payment
   * missing at the previous head can only be mined in the next one, so that head's Transfer logs
   * answer for it ({@link BlockTransferLogs}). Only a receipt's answer sets it, never the logs, so
   * a payment is asked its receipt at least every other head: a miss answered by a node that lagged
   * behind the head costs one head's delay, not the payment.
   */
  private final Map<Long, Long> missingAt = new HashMap<>();
  private final Map<BlockKey, JsonObject> headers;
  private final KeptEvidence evidence;

  WatchMemory(NativeTransferSource nativeSource, int headerCacheSize, int evidenceCacheSize) {
    this.headers = new LinkedHashMap<>(32, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<BlockKey, JsonObject> eldest) {
        return size() > headerCacheSize;
      }
    };
    this.evidence = new KeptEvidence(nativeSource, evidenceCacheSize);
  }

  long lastHead() { return lastHead; }

  String lastHeadHash() { return lastHeadHash; }

  Instant lastHeadTime() { return lastHeadTime; }

  long newestCheckedPayment() { return newestCheckedPayment; }

  KeptEvidence evidence() { return evidence; }

  JsonObject header(BlockKey block) { return headers.get(block); }

  boolean hasHeader(BlockKey block) { return headers.containsKey(block); }

  /** Caches a header under its own number and hash; returns its timestamp. */
  Instant remember(JsonObject header) {
    BlockKey key = new BlockKey(Hex.longQuantity(Hex.member(header, "number")), Hex.hash(Hex.member(header, "hash")));
    Instant time = Instant.ofEpochSecond(Hex.longQuantity(Hex.member(header, "timestamp")));
    headers.put(key, header);
    return time;
  }

  /** Whether the payment's receipt was answered missing at the last processed head. */
  boolean missingAtLastHead(ActivePayment payment) {
    return Long.valueOf(lastHead).equals(missingAt.get(payment.paymentId()));
  }

  void receiptMissing(ActivePayment payment, long head) {
    missingAt.put(payment.paymentId(), head);
  }

  /** Forgets what only payments no longer active needed, so the caches stay as small as the work. */
  void retainOnly(List<ActivePayment> active) {
    evidence.retainOnly(active);
    if (missingAt.isEmpty()) return;
    Set<Long> ids = new HashSet<>(active.size() * 2);
    active.forEach(p -> ids.add(p.paymentId()));
    missingAt.keySet().retainAll(ids);
  }

  /** A round on {@code head} succeeded; a catch-up keeps the head's hash and time it had. */
  void processed(long head, long newestChecked, FirstRound first) {
    newestCheckedPayment = newestChecked;
    if (first != null && first.headHash() != null) {
      lastHeadHash = first.headHash();
      lastHeadTime = first.headTime();
    }
    lastHead = head;
  }
}
