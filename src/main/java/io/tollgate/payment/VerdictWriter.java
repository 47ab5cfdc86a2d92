package io.tollgate.payment;

import io.tollgate.checkout.TransitionLog;
import io.tollgate.db.Transactions;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A chain watcher's round of verdicts, written: partitioned into chunks of paying verdicts
 * ({@link PayingChunkWriter}, one transaction each, a few in flight) and the rest, recorded one by
 * one ({@link VerdictRecorder}), which is also the fallback of a chunk whose transaction fails.
 */
final class VerdictWriter {
  private static final Logger LOG = LoggerFactory.getLogger(VerdictWriter.class);

  private final Pool pool;
  private final VerdictRecorder recorder;
  private final RefundTransferRecorder refunds;
  private final PayingChunkWriter chunkWriter;
  private final VerdictWriteSettings verdictWrites;

  VerdictWriter(Pool pool, TransitionLog transitions, VerdictWriteSettings verdictWrites) {
    this.pool = pool;
    this.recorder = new VerdictRecorder(pool, transitions);
    this.refunds = new RefundTransferRecorder(pool, transitions);
    this.chunkWriter = new PayingChunkWriter(transitions);
    this.verdictWrites = verdictWrites;
  }

  /**
   * Records a chain watcher's round. Paying verdicts, the bulk of a ticket drop's writes (a receipt
   * first seen, a confirmation that pays a checkout), are written set-based
   * ({@link PayingChunkWriter#confirmAll}, {@link PayingChunkWriter#minedAll}) in chunks of at most
   * {@link VerdictWriteSettings#chunkSize()} verdicts, each chunk its own transaction on its own
   * pooled connection, up to {@link VerdictWriteSettings#chunksInFlight()} at once: PostgreSQL runs
   * a transaction on one core, and a chunk's payments are published as soon as that chunk commits,
   * not when the whole block is written. A chunk holds only confirmations or only first receipts, of
   * distinct checkouts (a second paying verdict for a checkout already in the round is recorded one
   * by one, as are the rest, as by {@link VerdictRecorder#record(VerdictMessage)}), so chunks never
   * touch the same payment or checkout row. If a chunk's transaction fails as a whole (a deadlock
   * with another writer, say), that chunk's verdicts are recorded one by one; the other chunks are
   * not held up. Fails if any verdict could not be recorded; those are reported again on a later head.
   */
  Future<Void> recordAll(List<VerdictMessage> verdicts) {
    List<VerdictMessage> confirming = new ArrayList<>();
    List<VerdictMessage> mining = new ArrayList<>();
    List<VerdictMessage> finals = new ArrayList<>();
    List<VerdictMessage> others = new ArrayList<>();
    List<Future<Void>> writes = new ArrayList<>();
    Set<UUID> batched = new HashSet<>();
    for (VerdictMessage v : verdicts) {
      if (v.payment().isRefund()) {
        writes.add(refunds.record(v)); // a shop's refund transfer: a few, never part of a drop
      } else if (v.verdict() instanceof Verdict.Paying p && batched.add(v.payment().checkoutId())) {
        (p.confirmed() ? confirming : mining).add(v);
      } else if (v.verdict() instanceof Verdict.Final) {
        finals.add(v);
      } else {
        others.add(v);
      }
    }
    List<Chunk> chunks = new ArrayList<>();
    if (confirming.size() + mining.size() == 1) {
      others.addAll(confirming);
      others.addAll(mining);
    } else {
      chunks.addAll(chunks(confirming, true));
      chunks.addAll(chunks(mining, false));
    }
    Future<Void> paying = writeChunks(chunks);
    writes.add(paying);
    // Finality marks wait for the round's paying chunks: they are not urgent, those are.
    if (finals.size() == 1) others.addAll(finals);
    else if (!finals.isEmpty()) writes.add(paying.transform(ignored -> writeFinals(finals)));
    others.forEach(v -> writes.add(recorder.record(v)));
    return Future.join(writes).mapEmpty();
  }

  /**
   * The round's {@link Verdict.Final} verdicts, set-based ({@link FinalChunkWriter}) in chunks of at
   * most the chunk size, one after another on one pooled connection at a time; a failed chunk is
   * recorded one by one.
   */
  private Future<Void> writeFinals(List<VerdictMessage> finals) {
    List<Throwable> failures = new ArrayList<>(); // appended to by one callback at a time, in order
    Future<Void> chain = Future.succeededFuture();
    for (int from = 0; from < finals.size(); from += verdictWrites.chunkSize()) {
      List<VerdictMessage> chunk = List.copyOf(finals.subList(from, Math.min(finals.size(), from + verdictWrites.chunkSize())));
      chain = chain.compose(ignored -> Transactions.pipelined(pool, conn -> FinalChunkWriter.finalAll(conn, chunk))
          .recover(e -> {
            LOG.warn("set-based recording of {} finality marks failed, recording them one by one: {}", chunk.size(), e.toString());
            return oneByOne(chunk);
          })
          .recover(e -> {
            failures.add(e);
            return Future.succeededFuture();
          }));
    }
    return chain.compose(ignored -> failures.isEmpty() ? Future.<Void>succeededFuture() : Future.failedFuture(failures.get(0)));
  }

  /** Paying verdicts of distinct checkouts written in one transaction, all confirmations or all first receipts. */
  private record Chunk(boolean confirming, List<VerdictMessage> verdicts) {}

  /**
   * Splits {@code verdicts} into as few chunks as the chunk size allows, of near-equal size (170
   * at 64 → 3 of 56-57, not 2 of 64 and one of 42, so they finish together), in payment id order:
   * the earliest submitted payments go first.
   */
  private List<Chunk> chunks(List<VerdictMessage> verdicts, boolean confirming) {
    if (verdicts.isEmpty()) return List.of();
    List<VerdictMessage> sorted = new ArrayList<>(verdicts);
    sorted.sort(Comparator.comparingLong(v -> v.payment().paymentId()));
    int n = sorted.size();
    int count = (n + verdictWrites.chunkSize() - 1) / verdictWrites.chunkSize();
    List<Chunk> chunks = new ArrayList<>(count);
    int from = 0;
    for (int i = 0; i < count; i++) {
      int to = from + n / count + (i < n % count ? 1 : 0);
      chunks.add(new Chunk(confirming, List.copyOf(sorted.subList(from, to))));
      from = to;
    }
    return chunks;
  }

  /**
   * Writes the chunks with at most {@code chunksInFlight} transactions at once. Each writer takes
   * the next unwritten chunk when it is done with one (not a fixed share), so a slow or failing
   * chunk holds up only its own writer while the others write the rest. Fails (after every chunk
   * was tried) if any chunk left verdicts unrecorded.
   */
  private Future<Void> writeChunks(List<Chunk> chunks) {
    if (chunks.isEmpty()) return Future.succeededFuture();
    AtomicInteger next = new AtomicInteger();
    Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
    List<Future<Void>> writers = new ArrayList<>();
    for (int i = 0; i < Math.min(verdictWrites.chunksInFlight(), chunks.size()); i++) {
      writers.add(writeNext(chunks, next, failures));
    }
    return Future.join(writers)
        .compose(ignored -> failures.isEmpty() ? Future.<Void>succeededFuture() : Future.failedFuture(failures.peek()));
  }

  private Future<Void> writeNext(List<Chunk> chunks, AtomicInteger next, Queue<Throwable> failures) {
    int i = next.getAndIncrement();
    if (i >= chunks.size()) return Future.succeededFuture();
    return write(chunks.get(i))
        .recover(e -> {
          failures.add(e);
          return Future.succeededFuture();
        })
        .compose(ignored -> writeNext(chunks, next, failures));
  }

  private Future<Void> write(Chunk chunk) {
    // BEGIN and the chunk's first statements go out together: on the way from a block to `paid`.
    return Transactions.pipelined(pool, conn -> chunk.confirming()
        ? chunkWriter.confirmAll(conn, chunk.verdicts()) : chunkWriter.minedAll(conn, chunk.verdicts()))
        .recover(e -> {
          LOG.warn("set-based recording of a chunk of {} paying verdicts failed, recording them one by one: {}",
              chunk.verdicts().size(), e.toString());
          return oneByOne(chunk.verdicts());
        });
  }

  /**
   * Records each verdict in its own transaction, one after another: a failed chunk's fallback holds
   * one pooled connection at a time, like the chunk did, instead of asking for a chunk's worth.
   * Fails with the first failure once every verdict was tried.
   */
  private Future<Void> oneByOne(List<VerdictMessage> verdicts) {
    List<Throwable> failures = new ArrayList<>(); // appended to by one callback at a time, in order
    Future<Void> chain = Future.succeededFuture();
    for (VerdictMessage v : verdicts) {
      chain = chain.compose(ignored -> recorder.record(v).recover(e -> {
        failures.add(e);
        return Future.succeededFuture();
      }));
    }
    return chain.compose(ignored -> failures.isEmpty() ? Future.<Void>succeededFuture() : Future.failedFuture(failures.get(0)));
  }
}
