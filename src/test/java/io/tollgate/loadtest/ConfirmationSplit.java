package io.tollgate.loadtest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Splits each paid checkout's confirmation delay (its block first seen → its {@code paid} snapshot
 * published) at the JSON-RPC batch that decided it, into the chain node's part and Tollgate's own.
 * Pure: every instant is a {@link System#nanoTime} reading of the rig's one JVM (block observer,
 * counting proxy, LISTEN thread), so the three parts add up to the whole delay.
 *
 * <p>A <em>batch</em> is what one {@code JsonRpcClient.batch} sent: one or more HTTP requests
 * (chunks of at most 100 calls) with consecutive JSON-RPC ids, sent together. A chunk joins the
 * batch of the chunk whose ids precede its own if it was sent before the batch's latest answer
 * was read; a round's second batch is sent only after the first is answered, so it starts a batch
 * of its own. A payment's deciding batch is the latest batch answered before its {@code paid} was
 * published that asked about it: its transaction by hash (receipt or transaction), or the
 * {@code eth_getLogs} of its block (ERC-20 Transfers).
 */
final class ConfirmationSplit {
  private ConfirmationSplit() {}

  /**
   * One HTTP request Tollgate sent through the counting proxy.
   *
   * @param firstId lowest JSON-RPC id in it (-1 if none was numeric)
   * @param lastId highest JSON-RPC id in it (-1 if none was numeric)
   * @param sentNanos when the proxy sent it to the node
   * @param answeredNanos when the proxy had read the node's whole answer
   * @param txHashes transactions asked about by hash (lower case)
   * @param logBlocks blocks whose logs it asked for ({@code eth_getLogs} of one block)
   */
  record Exchange(int calls, long firstId, long lastId, long sentNanos, long answeredNanos, Set<String> txHashes,
      Set<Long> logBlocks) {}

  /** A paid checkout: its transaction, its block, when the block was first seen and when paid was published. */
  record Paid(String txHash, long block, long blockSeenNanos, long publishedNanos) {}

  /**
   * One payment's delay in three parts, microseconds: block seen → batch sent to the node, the
   * batch at the node (first chunk sent → last chunk's answer read), batch answered → published.
   */
  record Parts(long beforeBatch, long atNode, long tollgate) {
    long total() {
      return beforeBatch + atNode + tollgate;
    }
  }

  /** The parts of every attributed payment, and how many had no batch that asked about them. */
  record Result(List<Parts> parts, int unattributed) {
    long[] beforeBatch() {
      return parts.stream().mapToLong(Parts::beforeBatch).toArray();
    }

    long[] atNode() {
      return parts.stream().mapToLong(Parts::atNode).toArray();
    }

    long[] tollgate() {
      return parts.stream().mapToLong(Parts::tollgate).toArray();
    }
  }

  /** A batch's span: its first chunk sent, its last chunk's answer read. */
  record Batch(long sentNanos, long answeredNanos) {}

  /** Groups the exchanges into batches (see the class comment); the map is by identity of exchange. */
  static Map<Exchange, Batch> batches(List<Exchange> exchanges) {
    List<Exchange> byId = new ArrayList<>(exchanges);
    byId.sort(Comparator.comparingLong(Exchange::firstId).thenComparingLong(Exchange::sentNanos));
    Map<Exchange, Batch> out = new java.util.IdentityHashMap<>();
    List<Exchange> group = new ArrayList<>();
    long groupLastId = Long.MIN_VALUE;
    long groupAnswered = Long.MIN_VALUE;
    for (Exchange e : byId) {
      boolean joins = !group.isEmpty() && e.firstId() >= 0 && e.firstId() == groupLastId + 1 && e.sentNanos() < groupAnswered;
      if (!joins) {
        close(group, out);
        group.clear();
        groupAnswered = Long.MIN_VALUE;
      }
      group.add(e);
      groupLastId = e.lastId();
      groupAnswered = Math.max(groupAnswered, e.answeredNanos());
    }
    close(group, out);
    return out;
  }

  private static void close(List<Exchange> group, Map<Exchange, Batch> out) {
    if (group.isEmpty()) return;
    long sent = Long.MAX_VALUE;
    long answered = Long.MIN_VALUE;
    for (Exchange e : group) {
      sent = Math.min(sent, e.sentNanos());
      answered = Math.max(answered, e.answeredNanos());
    }
    Batch batch = new Batch(sent, answered);
    for (Exchange e : group) out.put(e, batch);
  }

  /** Splits every paid checkout's delay at its deciding batch (see the class comment). */
  static Result split(List<Paid> paid, List<Exchange> exchanges) {
    Map<Exchange, Batch> batchOf = batches(exchanges);
    Map<String, List<Exchange>> byTx = new HashMap<>();
    Map<Long, List<Exchange>> byLogBlock = new HashMap<>();
    for (Exchange e : exchanges) {
      for (String tx : e.txHashes()) byTx.computeIfAbsent(tx, k -> new ArrayList<>()).add(e);
      for (Long block : e.logBlocks()) byLogBlock.computeIfAbsent(block, k -> new ArrayList<>()).add(e);
    }
    List<Parts> parts = new ArrayList<>();
    int unattributed = 0;
    for (Paid p : paid) {
      Batch deciding = null;
      List<Exchange> asked = new ArrayList<>(byTx.getOrDefault(p.txHash() == null ? "" : p.txHash().toLowerCase(), List.of()));
      asked.addAll(byLogBlock.getOrDefault(p.block(), List.of()));
      for (Exchange e : asked) {
        Batch b = batchOf.get(e);
        if (b.answeredNanos() > p.publishedNanos()) continue; // asked again after it was decided
        if (deciding == null || b.answeredNanos() > deciding.answeredNanos()) deciding = b;
      }
      if (deciding == null) {
        unattributed++;
        continue;
      }
      parts.add(new Parts((deciding.sentNanos() - p.blockSeenNanos()) / 1_000, (deciding.answeredNanos() - deciding.sentNanos()) / 1_000,
          (p.publishedNanos() - deciding.answeredNanos()) / 1_000));
    }
    return new Result(parts, unattributed);
  }

  /** The nearest-rank percentile p in [0, 100] of the values (NaN-free; 0 values: -1). */
  static long percentile(long[] values, double p) {
    if (values.length == 0) return -1;
    long[] s = values.clone();
    Arrays.sort(s);
    int idx = (int) Math.min(s.length - 1, Math.max(0, Math.ceil(p / 100.0 * s.length) - 1));
    return s[idx];
  }

  /** "p50 X ms, p99 Y ms, max Z ms" of microsecond values. */
  static String p50p99(long[] micros) {
    if (micros.length == 0) return "no samples";
    return String.format("p50 %.1f ms, p99 %.1f ms, max %.1f ms", percentile(micros, 50) / 1000.0, percentile(micros, 99) / 1000.0,
        percentile(micros, 100) / 1000.0);
  }
}
