package io.tollgate.watch;

import io.tollgate.chain.ChainDataException;
import io.tollgate.chain.ChainFinality;
import io.tollgate.chain.EthRpc;
import io.tollgate.chain.HeadListener;
import io.tollgate.chain.Hex;
import io.tollgate.chain.RpcException;
import io.tollgate.chain.RpcUnavailableException;
import io.tollgate.watch.RoundPlan.Answers;
import io.tollgate.payment.ActivePayment;
import io.tollgate.payment.ActivePayments;
import io.tollgate.payment.PaymentVerifier;
import io.tollgate.payment.Verdict;
import io.tollgate.payment.VerdictMessage;
import io.tollgate.payment.VerdictSink;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks every active payment of one chain once per new chain head, in at most two JSON-RPC
 * batches per head. This class only drives: {@link FirstRoundPlan} and {@link SecondRoundPlan} say
 * what each batch asks, {@link RoundJudge} turns the answers into verdicts by the rules of
 * {@link PaymentVerifier}, and the verdicts that change what the store holds go to the
 * {@link VerdictSink}: round 1's as soon as it is answered, while round 2 (if any) is asked, so a
 * few payments that need round 2 do not delay the verdicts of the rest; round 2's as soon as it is
 * answered, whether or not round 1's are written yet. What it keeps between rounds (the last head,
 * headers, {@link KeptEvidence}) is in {@link WatchMemory}.
 *
 * <p>An RPC failure skips the round and the next tick retries it; it is logged once per outage and
 * never turns into a rejection. Not thread-safe: rounds must be asked for from one context (the
 * verticle's event loop), except {@link #paymentSubmitted()}. Asks made while a round runs are
 * folded into one poll right after it, so rounds never overlap, a head announced mid-round is not
 * left for the next timer tick, and a slow round is followed by the newest head, not by every head
 * it missed.
 *
 * <p>Over 300 lines because it is the watcher's public face: the methods rounds are asked through,
 * its counters and the new-heads hint, each with its contract; the logic it drives lives in the
 * plans, {@link RoundJudge}, {@link WatchMemory} and {@link WatchHealth}.
 */
public final class ChainWatcher implements HeadRounds {
  private static final Logger LOG = LoggerFactory.getLogger(ChainWatcher.class);
  private static final int DEFAULT_HEADER_CACHE_SIZE = 256;
  /** Set by the watching verticle of the current leadership term; read by a gauge from any thread. */
  private volatile java.util.function.BooleanSupplier newHeadsLive = () -> false;
  /** How long the HTTP endpoint may lag the announced heads before that is worth a warning. */
  static final Duration HEAD_LAG_WARNING = WatchHealth.HEAD_LAG_WARNING;
  /**
   * A backstop only: the kept evidence is pruned to the active payments every full round, so this
   * is reached only by more native payments waiting at once than a drop brings (about 1 KB each).
   */
  private static final int DEFAULT_EVIDENCE_CACHE_SIZE = 50_000;

  private final EthRpc rpc;
  private final ActivePayments payments;
  private final VerdictSink sink;
  private final HeadListener heads;
  private final WatchMemory memory;
  private final RoundJudge judge;
  private final PaymentVerifier verifier;
  private final WatchHealth health;
  /** Blocks a confirmed payment's block must be deep before its finality re-check; 0 = no re-check. */
  private final int finalityDepth;
  private final LongAdder rpcCalls = new LongAdder();
  private final LongAdder rounds = new LongAdder();
  /** Set from any thread when a payment was submitted; read on the watcher's context. */
  private final AtomicBoolean submissionsWaiting = new AtomicBoolean();
  private Future<Void> running;
  /** A poll asked for while a round ran (a new-head notification, say): run one more after it. */
  private boolean pollRequested;
  /** The highest head a subscription announced, or -1. */
  private long announcedHead = -1;

  public ChainWatcher(EthRpc rpc, ActivePayments payments, VerdictSink sink, HeadListener heads,
      PaymentVerifier verifier) {
    this(rpc, payments, sink, heads, verifier, DEFAULT_HEADER_CACHE_SIZE);
  }

  public ChainWatcher(EthRpc rpc, ActivePayments payments, VerdictSink sink, HeadListener heads,
      PaymentVerifier verifier, int headerCacheSize) {
    this(rpc, payments, sink, heads, verifier, headerCacheSize, DEFAULT_EVIDENCE_CACHE_SIZE);
  }

  /**
   * @param finality its depth: blocks (counted like confirmations) a confirmed payment's block must
   *     be deep before its receipt is fetched again in the head's round 1 batch; 0 = never
   */
  public ChainWatcher(EthRpc rpc, ActivePayments payments, VerdictSink sink, HeadListener heads,
      PaymentVerifier verifier, ChainFinality finality) {
    this(rpc, payments, sink, heads, verifier, DEFAULT_HEADER_CACHE_SIZE, DEFAULT_EVIDENCE_CACHE_SIZE, finality.depth());
  }

  ChainWatcher(EthRpc rpc, ActivePayments payments, VerdictSink sink, HeadListener heads,
      PaymentVerifier verifier, int headerCacheSize, int evidenceCacheSize) {
    this(rpc, payments, sink, heads, verifier, headerCacheSize, evidenceCacheSize, 0);
  }

  ChainWatcher(EthRpc rpc, ActivePayments payments, VerdictSink sink, HeadListener heads,
      PaymentVerifier verifier, int headerCacheSize, int evidenceCacheSize, int finalityDepth) {
    if (finalityDepth < 0) throw new IllegalArgumentException("finalityDepth must be 0 or more");
    this.finalityDepth = finalityDepth;
    this.verifier = verifier;
    this.rpc = Objects.requireNonNull(rpc);
    this.payments = Objects.requireNonNull(payments);
    this.sink = Objects.requireNonNull(sink);
    this.heads = Objects.requireNonNull(heads);
    this.memory = new WatchMemory(verifier.nativeSource(), headerCacheSize, evidenceCacheSize);
    this.judge = new RoundJudge(rpc.chainId(), verifier, memory);
    this.health = new WatchHealth(LOG, rpc.chainId());
  }

  @Override
  public long chainId() { return rpc.chainId(); }

  /**
   * A head further behind {@code wallClock} than {@code maxHeadLag} is treated as a lagging node's,
   * never as a witness that a payment was not mined before its expiry (issue 22).
   */
  public void witnessBound(java.time.Clock wallClock, java.time.Duration maxHeadLag) {
    judge.witnessBound(wallClock, maxHeadLag);
  }

  /**
   * Where {@link #newHeadsLive()} reads whether heads currently arrive by subscription: the
   * watching verticle of the current leadership term sets it, and resets it when it stops.
   */
  public void reportNewHeads(java.util.function.BooleanSupplier live) {
    newHeadsLive = Objects.requireNonNull(live);
  }

  /** Whether this instance watches the chain and heads arrive by subscription. Readable from any thread. */
  public boolean newHeadsLive() { return newHeadsLive.getAsBoolean(); }

  /** JSON-RPC calls this watcher asked for, each call inside a batch counted. */
  public long rpcCalls() { return rpcCalls.sum(); }

  /** Heads fully processed. */
  public long rounds() { return rounds.sum(); }

  /** The last head fully processed, or -1. */
  @Override
  public long lastHead() { return memory.lastHead(); }

  /** Transactions whose native evidence is kept (for tests). */
  int evidenceKept() { return memory.evidence().size(); }

  /** For tests: the clock that times how long announced heads go unserved. */
  void nanoClock(LongSupplier clock) { health.nanoClock(clock); }

  /** Completes when no round is running (for an orderly stop). */
  Future<Void> idle() {
    Future<Void> current = running;
    return current == null ? Future.succeededFuture() : current.transform(done -> Future.succeededFuture());
  }

  /**
   * One timer tick: asks for the head and, if it is new, runs a round for it. The future fails only
   * on errors other than RPC unavailability (those skip the round and are logged here).
   */
  @Override
  public Future<Void> poll() {
    return start(null);
  }

  /**
   * A new head announced by a subscription ({@code eth_subscribe newHeads}): runs its round without
   * first asking for the head number. Announcements during a round fold into one round after it.
   */
  @Override
  public Future<Void> headAnnounced(long head) {
    announcedHead = Math.max(announcedHead, head);
    return start(head);
  }

  /**
   * The catch-up round for payments submitted since the last processed head's round, on that head,
   * without asking for the head number: for a caller that learns of new heads by subscription (a
   * newer head gets its own round when it is announced). Before any head was processed it polls.
   */
  @Override
  public Future<Void> catchUp() {
    return start(lastHead() < 0 ? null : lastHead());
  }

  /**
   * Tells the watcher a payment was submitted (from any thread). Its transaction may already be in
   * the current head, which will not be processed again by itself: the next tick runs a catch-up
   * round on the same head for the payments not yet checked there, so confirmation does not wait
   * for the next block, and the RPC cost stays one call per new payment.
   */
  public void paymentSubmitted() {
    submissionsWaiting.set(true);
  }

  /** Whether the verdict differs from what the store holds (so writes stay few). */
  static boolean changes(ActivePayment payment, Verdict verdict) {
    return RoundJudge.changes(payment, verdict);
  }

  private Future<Void> start(Long announced) {
    if (running != null) {
      pollRequested = true;
      return Future.succeededFuture();
    }
    // An announced head at or above the last processed one needs no head call (at it: only a catch-up).
    Future<Long> head = announced != null && announced >= lastHead()
        ? Future.succeededFuture(announced)
        : headNumber();
    Future<Void> round = head
        .compose(number -> {
          // Any round covers submissions committed before it starts; later ones set the flag again.
          boolean submitted = submissionsWaiting.getAndSet(false);
          if (number > lastHead()) return processHead(number, false);
          return submitted && number == lastHead() ? processHead(number, true) : Future.<Void>succeededFuture();
        })
        .transform(outcome -> {
          if (outcome.succeeded()) {
            health.roundSucceeded(lastHead());
            return Future.<Void>succeededFuture();
          }
          Throwable cause = outcome.cause();
          if (cause instanceof HeadNotServedYet notYet) {
            health.headNotServed(notYet.head());
            return Future.<Void>succeededFuture();
          }
          if (cause instanceof RpcUnavailableException || cause instanceof RpcException
              || cause instanceof ChainDataException) {
            health.roundSkipped(cause);
            return Future.<Void>succeededFuture();
          }
          return Future.<Void>failedFuture(cause);
        });
    running = round;
    round.onComplete(done -> {
      running = null;
      if (pollRequested) {
        pollRequested = false;
        // An announced head not processed yet needs no head call; otherwise ask.
        start(announcedHead > lastHead() ? announcedHead : null);
      }
    });
    return round;
  }

  private Future<Long> headNumber() {
    rpcCalls.increment();
    return rpc.call("eth_blockNumber", new JsonArray()).map(result -> {
      if (!(result instanceof String text)) throw new ChainDataException("eth_blockNumber returned " + result);
      return Hex.longQuantity(text);
    });
  }

  private Future<Void> processHead(long head, boolean sameHead) {
    // Where a round's time goes (DEBUG): the store's read, round 1's batch, round 1's write.
    long started = System.nanoTime();
    long[] at = new long[3];
    long[] newest = {sameHead ? memory.newestCheckedPayment() : 0};
    Future<List<ActivePayment>> loaded = sameHead
        ? payments.activeOn(chainId(), memory.newestCheckedPayment())
        : payments.activeOn(chainId());
    // Full rounds also re-check the confirmed payments deep enough for finality (read alongside).
    Future<List<ActivePayment>> due = sameHead || finalityDepth == 0 || head - finalityDepth + 1 < 0
        ? Future.succeededFuture(List.of())
        : payments.awaitingFinality(chainId(), head - finalityDepth + 1);
    return Future.all(loaded, due)
        .compose(both -> {
          List<ActivePayment> active = both.resultAt(0);
          at[0] = System.nanoTime();
          active.forEach(p -> newest[0] = Math.max(newest[0], p.paymentId()));
          if (!sameHead) memory.retainOnly(active);
          if (sameHead && active.isEmpty()) return Future.<FirstRound>succeededFuture();
          return bothRounds(head, sameHead, active, both.resultAt(1), at);
        })
        .onSuccess(first -> {
          memory.processed(head, newest[0], first);
          rounds.increment();
          if (LOG.isDebugEnabled() && at[1] != 0) {
            LOG.debug("chain {}: head {}{}: active read {} ms, batch 1 {} ms, round 1 written {} ms, round done {} ms",
                chainId(), head, sameHead ? " (catch-up)" : "", millis(started, at[0]), millis(at[0], at[1]),
                millis(at[1], at[2]), millis(started, System.nanoTime()));
          }
        })
        .onFailure(e -> { if (sameHead) submissionsWaiting.set(true); })
        .mapEmpty();
  }

  /** Round 1 and, when it left something missing, round 2; completes once both rounds' verdicts are written. */
  private Future<FirstRound> bothRounds(long head, boolean sameHead, List<ActivePayment> active,
      List<ActivePayment> dueForFinality, long[] at) {
    FirstRoundPlan plan = FirstRoundPlan.of(head, sameHead, active, memory);
    FinalityChecks finality = FinalityChecks.ask(plan.batch, dueForFinality);
    return send(plan.batch)
        .map(answers -> {
          FirstRound judged = judge.first(plan, answers);
          if (finality.size() == 0) return judged;
          List<Decision> decided = new ArrayList<>(judged.decided());
          decided.addAll(finality.judge(chainId(), answers, verifier, memory, head));
          return new FirstRound(judged.head(), judged.headHash(), judged.headTime(), decided, judged.mined(), judged.sighted());
        })
        .compose(first -> {
          at[1] = System.nanoTime();
          if (plan.headHeader != null) notifyHead(head, first);
          // Round 1's verdicts are written while round 2 is asked, so the few payments that need
          // it (first seen after mining, say) do not hold back the rest of the block's.
          Future<Void> written = report(head, first.decided()).onComplete(done -> at[2] = System.nanoTime());
          // Round 2's are written as soon as they are decided, while round 1's may still be: in a
          // drop they were the slowest payments of their block when they waited for round 1's
          // write. The two rounds decide different payments, and the ledger's compare-and-set and
          // lock order make writes that share a checkout safe. The round ends once both are
          // written, so the next one never judges a payment whose verdict is in flight.
          Future<Void> lateWritten = secondRound(first).compose(late -> report(head, late));
          return Future.join(written, lateWritten).map(first);
        });
  }

  private Future<List<Decision>> secondRound(FirstRound first) {
    SecondRoundPlan plan = SecondRoundPlan.of(first, memory);
    if (plan == null) return Future.succeededFuture(List.of());
    return send(plan.batch).map(answers -> judge.second(first, plan, answers));
  }

  private Future<Answers> send(RoundPlan plan) {
    if (plan.isEmpty()) return Future.succeededFuture(plan.answered(List.of()));
    rpcCalls.add(plan.size());
    return rpc.batch(plan.calls()).map(plan::answered);
  }

  /**
   * Hands changing verdicts to the sink together, so they can be written set-based: a round's, in
   * one batch, or two when it needed a second (each round's as soon as that round is decided).
   */
  private Future<Void> report(long head, List<Decision> decisions) {
    List<VerdictMessage> changed = new ArrayList<>();
    for (Decision decision : decisions) {
      if (RoundJudge.changes(decision.payment(), decision.verdict())) {
        changed.add(new VerdictMessage(decision.payment(), decision.verdict(), head));
      }
    }
    if (changed.isEmpty()) return Future.succeededFuture();
    // A failed write does not fail the round: the payment stays active and is re-checked later.
    return sink.recordAll(changed)
        .onFailure(e -> LOG.warn("chain {}: recording the {} verdicts of head {} failed in part; retried on a later head: {}",
            chainId(), changed.size(), head, e.toString()))
        .recover(e -> Future.succeededFuture());
  }

  private void notifyHead(long head, FirstRound first) {
    try {
      heads.onHead(chainId(), head, first.headTime());
    } catch (RuntimeException e) {
      LOG.error("chain {}: head listener failed on head {}", chainId(), head, e);
    }
  }

  private static long millis(long fromNanos, long toNanos) {
    return toNanos == 0 ? -1 : (toNanos - fromNanos) / 1_000_000;
  }
}
