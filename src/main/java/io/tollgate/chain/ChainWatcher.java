package io.tollgate.chain;

import io.tollgate.payment.ActivePayment;
import io.tollgate.payment.ActivePayments;
import io.tollgate.payment.AssetKind;
import io.tollgate.payment.ChainDataException;
import io.tollgate.payment.FixedEvidence;
import io.tollgate.payment.Hex;
import io.tollgate.payment.NativeTransferSource;
import io.tollgate.payment.PaymentVerifier;
import io.tollgate.payment.RejectionReason;
import io.tollgate.payment.Verdict;
import io.tollgate.payment.VerdictMessage;
import io.tollgate.payment.VerdictSink;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks every active payment of one chain once per new chain head, in at most two JSON-RPC
 * batches per head:
 *
 * <ol>
 *   <li>the head's header, the receipts of payments with no recorded receipt, and the canonical
 *       header at each height where a recorded receipt reaches its confirmations (one per height,
 *       shared by all payments mined there). An unmined native payment whose evidence is fixed
 *       before mining ({@link NativeTransferSource#evidenceFixedBeforeMining()}) and not known yet
 *       has its evidence asked instead of its receipt: one call either way, and it says whether the
 *       transaction is mined as well. ERC-20 payments whose receipts were missing at the previous
 *       head share one {@code eth_getLogs} of the head's Transfers instead ({@link BlockTransferLogs});
 *   <li>only when something is missing: the headers of the new receipts' blocks (deduplicated, and
 *       remembered in a small cache by number and hash), the native evidence not known yet, and the
 *       receipts (with their blocks' headers) of transactions whose evidence said they are mined, or
 *       that the head lists without Transfer logs to the recipient.
 * </ol>
 *
 * Evidence fixed before mining is kept by transaction hash once read: a native payment whose
 * transaction was seen pending (usually in its submission's catch-up round) needs only its receipt
 * in the block that mines it, and since that block is the head, whose header round 1 fetched, it is
 * decided without a second batch. The kept evidence is a cache of immutable chain data, pruned to
 * the active payments every full round; losing it only costs the calls of a watcher without it.
 *
 * <p>A payment with a recorded receipt that is still short of its confirmations costs no call: its
 * confirmations follow from the head. Only verdicts that change what the store holds go to the
 * {@link VerdictSink}: round 1's as soon as it is answered, while round 2 (if any) is asked, so a
 * few payments that need round 2 do not delay the verdicts of the rest; round 2's as soon as it is
 * answered, whether or not round 1's are written yet.
 *
 * <p>An RPC failure skips the round and the next tick retries it; it is logged once per outage and
 * never turns into a rejection. Not thread-safe: {@link #poll()} must be called from one context
 * (the verticle's event loop). Calls made while a round runs are folded into one poll right after
 * it, so rounds never overlap, a head announced mid-round is not left for the next timer tick, and
 * a slow round is followed by the newest head, not by every head it missed.
 */
public final class ChainWatcher {
  private static final Logger LOG = LoggerFactory.getLogger(ChainWatcher.class);
  private static final int DEFAULT_HEADER_CACHE_SIZE = 256;
  /** How long the HTTP endpoint may lag the announced heads before that is worth a warning. */
  static final java.time.Duration HEAD_LAG_WARNING = java.time.Duration.ofSeconds(30);
  /**
   * A backstop only: the kept evidence is pruned to the active payments every full round, so this
   * is reached only by more native payments waiting at once than a drop brings (about 1 KB each).
   */
  private static final int DEFAULT_EVIDENCE_CACHE_SIZE = 50_000;

  private final EthRpc rpc;
  private final ActivePayments payments;
  private final VerdictSink sink;
  private final HeadListener heads;
  private final PaymentVerifier verifier;
  private final NativeTransferSource nativeSource;
  private final Map<BlockKey, JsonObject> headers;
  private final KeptEvidence evidence;
  private final LongAdder rpcCalls = new LongAdder();
  private final LongAdder rounds = new LongAdder();

  private long lastHead = -1;
  /** The hash of {@link #lastHead}'s block (null before the first round). */
  private String lastHeadHash;
  /** The head hash the running round read; becomes {@link #lastHeadHash} if the round succeeds. */
  private String roundHeadHash;
  /**
   * The head at which each waiting payment's receipt was last answered missing. An ERC-20 payment
   * missing at the previous head can only be mined in the next one, so that head's Transfer logs
   * answer for it ({@link BlockTransferLogs}). Only a receipt's answer sets it, never the logs, so
   * a payment is asked its receipt at least every other head: a miss answered by a node that lagged
   * behind the head costs one head's delay, not the payment. A cache: losing it costs calls only.
   */
  private final Map<Long, Long> missingAt = new java.util.HashMap<>();
  /** The timestamp of {@link #lastHead}'s block (null before the first round), for catch-up rounds. */
  private Instant lastHeadTime;
  /** The head timestamp the running round read; becomes {@link #lastHeadTime} if the round succeeds. */
  private Instant roundHeadTime;
  /**
   * The highest payment id checked at {@link #lastHead}: a catch-up round on the same head reads only
   * newer payments. One committed late with a lower id waits for the next head's full round.
   */
  private long newestCheckedPayment;
  /** Set from any thread when a payment was submitted; read on the watcher's context. */
  private final java.util.concurrent.atomic.AtomicBoolean submissionsWaiting = new java.util.concurrent.atomic.AtomicBoolean();
  private Future<Void> running;
  /** A poll asked for while a round ran (a new-head notification, say): run one more after it. */
  private boolean pollRequested;
  /** The highest head a subscription announced, or -1. */
  private long announcedHead = -1;
  private boolean unavailable;
  private long skippedWhileUnavailable;
  /** When rounds began to find the announced head not served over HTTP (nanoTime), or -1. */
  private long headNotServedSince = -1;
  /** The highest announced head found not served; a round that processes it ends the lag. */
  private long unservedHead = -1;
  private boolean headLagWarned;
  private java.util.function.LongSupplier nanoClock = System::nanoTime;

  public ChainWatcher(EthRpc rpc, ActivePayments payments, VerdictSink sink, HeadListener heads,
      PaymentVerifier verifier) {
    this(rpc, payments, sink, heads, verifier, DEFAULT_HEADER_CACHE_SIZE);
  }

  public ChainWatcher(EthRpc rpc, ActivePayments payments, VerdictSink sink, HeadListener heads,
      PaymentVerifier verifier, int headerCacheSize) {
    this(rpc, payments, sink, heads, verifier, headerCacheSize, DEFAULT_EVIDENCE_CACHE_SIZE);
  }

  ChainWatcher(EthRpc rpc, ActivePayments payments, VerdictSink sink, HeadListener heads,
      PaymentVerifier verifier, int headerCacheSize, int evidenceCacheSize) {
    this.rpc = Objects.requireNonNull(rpc);
    this.payments = Objects.requireNonNull(payments);
    this.sink = Objects.requireNonNull(sink);
    this.heads = Objects.requireNonNull(heads);
    this.verifier = Objects.requireNonNull(verifier);
    this.nativeSource = verifier.nativeSource();
    this.headers = new LinkedHashMap<>(32, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<BlockKey, JsonObject> eldest) {
        return size() > headerCacheSize;
      }
    };
    this.evidence = new KeptEvidence(nativeSource, evidenceCacheSize);
  }

  public long chainId() { return rpc.chainId(); }

  /** JSON-RPC calls this watcher asked for, each call inside a batch counted. */
  public long rpcCalls() { return rpcCalls.sum(); }

  /** Heads fully processed. */
  public long rounds() { return rounds.sum(); }

  /** The last head fully processed, or -1. */
  public long lastHead() { return lastHead; }

  /** Transactions whose native evidence is kept (for tests). */
  int evidenceKept() { return evidence.size(); }

  /** Completes when no round is running (for an orderly stop). */
  public Future<Void> idle() {
    Future<Void> current = running;
    return current == null ? Future.succeededFuture() : current.transform(done -> Future.succeededFuture());
  }

  /**
   * One timer tick: asks for the head and, if it is new, runs a round for it. The future fails only
   * on errors other than RPC unavailability (those skip the round and are logged here).
   */
  public Future<Void> poll() {
    return start(null);
  }

  /**
   * A new head announced by a subscription ({@code eth_subscribe newHeads}): runs its round without
   * first asking for the head number. Announcements during a round fold into one round after it.
   */
  public Future<Void> headAnnounced(long head) {
    announcedHead = Math.max(announcedHead, head);
    return start(head);
  }

  /**
   * The catch-up round for payments submitted since the last processed head's round, on that head,
   * without asking for the head number: for a caller that learns of new heads by subscription (a
   * newer head gets its own round when it is announced). Before any head was processed it polls.
   */
  public Future<Void> catchUp() {
    return start(lastHead < 0 ? null : lastHead);
  }

  private Future<Void> start(Long announced) {
    if (running != null) {
      pollRequested = true;
      return Future.succeededFuture();
    }
    // An announced head at or above the last processed one needs no head call (at it: only a catch-up).
    Future<Long> head = announced != null && announced >= lastHead
        ? Future.succeededFuture(announced)
        : call("eth_blockNumber", new JsonArray()).map(result -> Hex.longQuantity(requireString(result, "eth_blockNumber")));
    Future<Void> round = head
        .compose(number -> {
          // Any round covers submissions committed before it starts; later ones set the flag again.
          boolean submitted = submissionsWaiting.getAndSet(false);
          if (number > lastHead) return processHead(number, false);
          return submitted && number == lastHead ? processHead(number, true) : Future.<Void>succeededFuture();
        })
        .transform(outcome -> {
          if (outcome.succeeded()) {
            if (headNotServedSince >= 0 && lastHead >= unservedHead) headServed();
            if (unavailable) {
              LOG.info("chain {}: RPC answers again after {} skipped rounds", chainId(), skippedWhileUnavailable);
              unavailable = false;
            }
            return Future.<Void>succeededFuture();
          }
          Throwable cause = outcome.cause();
          if (cause instanceof HeadNotServedYet notYet) {
            headNotServed(notYet);
            return Future.<Void>succeededFuture();
          }
          if (cause instanceof RpcUnavailableException || cause instanceof RpcException
              || cause instanceof ChainDataException) {
            skipRound(cause);
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
        start(announcedHead > lastHead ? announcedHead : null);
      }
    });
    return round;
  }

  /**
   * A provider's WebSocket node often announces a block before the HTTP node it balances to has it,
   * for a few hundred ms: expected, and retried soon by the caller, so it is not an outage and not
   * worth a warning per block. Only an HTTP endpoint that stays behind for
   * {@link #HEAD_LAG_WARNING} is warned about (once, and once when it catches up).
   */
  private void headNotServed(HeadNotServedYet notYet) {
    long now = nanoClock.getAsLong();
    if (headNotServedSince < 0) headNotServedSince = now;
    unservedHead = Math.max(unservedHead, notYet.head());
    if (!headLagWarned && now - headNotServedSince >= HEAD_LAG_WARNING.toNanos()) {
      headLagWarned = true;
      LOG.warn("chain {}: the RPC endpoint has not served announced heads for {} s (now head {}); payments wait for it",
          chainId(), HEAD_LAG_WARNING.toSeconds(), notYet.head());
    } else {
      LOG.debug("chain {}: head {} announced but not served over HTTP yet; retried soon", chainId(), notYet.head());
    }
  }

  private void headServed() {
    if (headLagWarned) LOG.info("chain {}: the RPC endpoint serves the announced heads again", chainId());
    headNotServedSince = -1;
    unservedHead = -1;
    headLagWarned = false;
  }

  /** For tests: the clock that times how long announced heads go unserved. */
  void nanoClock(java.util.function.LongSupplier clock) {
    this.nanoClock = clock;
  }

  /** An announced head the HTTP endpoint does not serve yet (it lags the node that announced it). */
  static final class HeadNotServedYet extends ChainDataException {
    private final long head;

    HeadNotServedYet(long head) {
      super("node does not serve head block " + head + " yet");
      this.head = head;
    }

    long head() { return head; }
  }

  private void skipRound(Throwable cause) {
    if (!unavailable) {
      unavailable = true;
      skippedWhileUnavailable = 1;
      LOG.warn("chain {}: RPC unavailable or answering nonsense, skipping rounds until it recovers: {}",
          chainId(), cause.toString());
    } else {
      skippedWhileUnavailable++;
      LOG.debug("chain {}: round skipped again: {}", chainId(), cause.toString());
    }
  }

  /**
   * Tells the watcher a payment was submitted (from any thread). Its transaction may already be in
   * the current head, which will not be processed again by itself: the next tick runs a catch-up
   * round on the same head for the payments not yet checked there, so confirmation does not wait
   * for the next block, and the RPC cost stays one call per new payment: its receipt, or for a
   * native payment whose evidence is fixed before mining, that evidence (usually of a transaction
   * still pending, so that the block mining it needs only the receipt).
   */
  public void paymentSubmitted() {
    submissionsWaiting.set(true);
  }

  private Future<Void> processHead(long head, boolean sameHead) {
    // Where a round's time goes (DEBUG): the store's read, round 1's batch, round 1's write.
    long started = System.nanoTime();
    long[] at = new long[3];
    Future<List<ActivePayment>> loaded = sameHead
        ? payments.activeOn(chainId(), newestCheckedPayment)
        : payments.activeOn(chainId());
    long[] newest = {sameHead ? newestCheckedPayment : 0};
    return loaded
        .compose(active -> {
          at[0] = System.nanoTime();
          active.forEach(p -> newest[0] = Math.max(newest[0], p.paymentId()));
          if (!sameHead) {
            evidence.retainOnly(active);
            java.util.Set<Long> ids = new java.util.HashSet<>(active.size() * 2);
            active.forEach(p -> ids.add(p.paymentId()));
            missingAt.keySet().retainAll(ids);
          }
          if (sameHead && active.isEmpty()) return Future.<Void>succeededFuture();
          return firstRound(head, sameHead, active).compose(first -> {
            at[1] = System.nanoTime();
            // Round 1's verdicts are written while round 2 is asked, so the few payments that need
            // it (first seen after mining, say) do not hold back the rest of the block's.
            Future<Void> written = report(head, first.decided()).onComplete(done -> at[2] = System.nanoTime());
            // Round 2's are written as soon as they are decided, while round 1's may still be: in a
            // drop they were the slowest payments of their block when they waited for round 1's
            // write. The two rounds decide different payments, and the ledger's compare-and-set and
            // lock order make writes that share a checkout safe. The round ends once both are
            // written, so the next one never judges a payment whose verdict is in flight.
            Future<Void> lateWritten = secondRound(first).compose(late -> report(head, late));
            return Future.join(written, lateWritten).mapEmpty();
          });
        })
        .onSuccess(done -> {
          newestCheckedPayment = newest[0];
          if (!sameHead) {
            lastHeadTime = roundHeadTime;
            lastHeadHash = roundHeadHash;
          }
          lastHead = head;
          rounds.increment();
          if (LOG.isDebugEnabled() && at[1] != 0) {
            LOG.debug("chain {}: head {}{}: active read {} ms, batch 1 {} ms, round 1 written {} ms, round done {} ms",
                chainId(), head, sameHead ? " (catch-up)" : "", millis(started, at[0]), millis(at[0], at[1]),
                millis(at[1], at[2]), millis(started, System.nanoTime()));
          }
        })
        .onFailure(e -> { if (sameHead) submissionsWaiting.set(true); });
  }

  private static long millis(long fromNanos, long toNanos) {
    return toNanos == 0 ? -1 : (toNanos - fromNanos) / 1_000_000;
  }

  // ---- round 1: head header, new receipts (or fixed evidence), canonical headers at confirmation heights ----

  /** What round 1 learned: the verdicts it decided, and what needs round 2. */
  private record FirstRound(long head, List<Decision> decided, List<Mined> mined, List<Sighted> sighted) {}

  private record Decision(ActivePayment payment, Verdict verdict) {}

  /**
   * A payment's receipt, checked to be its transaction's.
   *
   * @param evidence the payment's native evidence if already known (null otherwise, and for ERC-20)
   */
  private record Mined(ActivePayment payment, JsonObject receipt, BlockKey block, Object evidence) {}

  /**
   * A transaction known to be mined in {@code block} without its receipt: its evidence (asked
   * instead of the receipt) said so, or the head lists it without Transfer logs to the recipient
   * (evidence null). Its receipt comes next.
   */
  private record Sighted(ActivePayment payment, Object evidence, BlockKey block) {}

  private record BlockKey(long number, String hash) {}

  private Future<FirstRound> firstRound(long head, boolean sameHead, List<ActivePayment> active) {
    List<RpcRequest> calls = new ArrayList<>();
    // A catch-up round on the processed head already knows its header.
    boolean askHead = !(sameHead && lastHeadTime != null);
    if (askHead) calls.add(RpcRequest.of("eth_getBlockByNumber", Hex.quantity(head), false));
    Map<ActivePayment, Integer> receiptAt = new LinkedHashMap<>();
    Map<ActivePayment, Integer> evidenceAt = new LinkedHashMap<>();
    Map<Long, Integer> heightAt = new LinkedHashMap<>();
    List<ActivePayment> confirmable = new ArrayList<>();
    // The head right after the last processed one, whose header this batch asks anyway.
    boolean nextHead = askHead && !sameHead && lastHeadHash != null && head == lastHead + 1;
    List<ActivePayment> viaLogs = new ArrayList<>();
    for (ActivePayment payment : active) {
      if (nextHead && !payment.isMined() && payment.expectation().kind() == AssetKind.ERC20
          && Long.valueOf(lastHead).equals(missingAt.get(payment.paymentId()))) {
        viaLogs.add(payment); // mined in this head or not yet: one eth_getLogs for all of them
        continue;
      }
      boolean reached = payment.isMined()
          && PaymentVerifier.confirmations(payment.minedBlockNumber(), head)
              >= payment.expectation().requiredConfirmations();
      if (!payment.isMined() && evidence.askFirst(payment)) {
        // As cheap as the receipt (one call) and it also says whether the transaction is mined; once
        // kept, the block that mines it needs only the receipt, decided without a second batch.
        evidenceAt.put(payment, calls.size());
        calls.add(evidence.call(payment));
      } else if (!payment.isMined() || (reached && !payment.hasRecordedVerdict())) {
        receiptAt.put(payment, calls.size());
        calls.add(RpcRequest.of("eth_getTransactionReceipt", payment.txHash()));
      } else if (reached) {
        confirmable.add(payment);
        // One confirmation means no reorg check (the chain's setting accepts the head's view).
        if (payment.expectation().requiredConfirmations() > 1) {
          heightAt.computeIfAbsent(payment.minedBlockNumber(), height -> {
            calls.add(RpcRequest.of("eth_getBlockByNumber", Hex.quantity(height), false));
            return calls.size() - 1;
          });
        }
      }
    }
    int logsAt = viaLogs.isEmpty() ? -1 : calls.size();
    if (!viaLogs.isEmpty()) calls.add(BlockTransferLogs.request(head, viaLogs));
    return batch(calls).map(answers -> {
      Instant headTime;
      JsonObject headHeader = null;
      if (askHead) {
        headHeader = header(answers.get(0), "head " + head);
        if (headHeader == null) throw new HeadNotServedYet(head);
        headTime = remember(headHeader);
        roundHeadTime = headTime;
        roundHeadHash = Hex.hash(Hex.member(headHeader, "hash"));
        notifyHead(head, headTime);
      } else {
        headTime = lastHeadTime;
      }

      List<Decision> decided = new ArrayList<>();
      List<Mined> mined = new ArrayList<>();
      receiptAt.forEach((payment, index) -> {
        RpcResponse answer = answers.get(index);
        if (answer.isError()) {
          LOG.debug("chain {}: receipt of payment {} not served: {}", chainId(), payment.paymentId(), answer.error().getMessage());
          return;
        }
        if (answer.result() == null) {
          if (payment.isMined()) {
            decided.add(new Decision(payment, new Verdict.NotMined())); // its recorded receipt is gone: reorg
          } else {
            missingAt.put(payment.paymentId(), head);
            Decision expired = notMinedInTime(payment, head, headTime, "no receipt");
            if (expired != null) decided.add(expired);
          }
          return;
        }
        try {
          mined.add(minedOf(payment, answer.result(), evidence.of(payment)));
        } catch (ChainDataException e) {
          LOG.warn("chain {}: malformed receipt for payment {}, retrying next head: {}", chainId(), payment.paymentId(), e.toString());
        }
      });
      List<Sighted> sighted = new ArrayList<>();
      evidenceAt.forEach((payment, index) -> {
        RpcResponse answer = answers.get(index);
        if (answer.isError()) {
          LOG.debug("chain {}: evidence of payment {} not served: {}", chainId(), payment.paymentId(), answer.error().getMessage());
          return;
        }
        FixedEvidence read;
        try {
          read = evidence.keep(payment, answer.result());
        } catch (ChainDataException e) {
          LOG.warn("chain {}: malformed evidence for payment {}, retrying next head: {}", chainId(), payment.paymentId(), e.toString());
          return;
        }
        if (read != null && read.mined()) {
          sighted.add(new Sighted(payment, read.evidence(), new BlockKey(read.blockNumber(), read.blockHash())));
        } else {
          // Pending or unknown to the node: not mined, exactly as a missing receipt would have said.
          Decision expired = notMinedInTime(payment, head, headTime, read == null ? "transaction unknown" : "transaction pending");
          if (expired != null) decided.add(expired);
        }
      });
      if (logsAt >= 0) fromLogs(viaLogs, answers.get(logsAt), head, headHeader, headTime, decided, mined, sighted);
      for (ActivePayment payment : confirmable) {
        Decision decision = confirmRecorded(payment, head, heightAt.get(payment.minedBlockNumber()), answers);
        if (decision != null) decided.add(decision);
      }
      // A receipt whose block's header and evidence are at hand (in the head block, say, of an
      // ERC-20 payment or a native one whose evidence is kept) is judged now: round 2 would add
      // nothing to it, and its verdict is written without waiting for round 2.
      List<Mined> waiting = new ArrayList<>();
      for (Mined receipt : mined) {
        JsonObject header = headers.get(receipt.block());
        if (header == null || needsEvidence(receipt)) {
          waiting.add(receipt);
        } else {
          Decision decision = judge(receipt, header, receipt.evidence(), head);
          if (decision != null) decided.add(decision);
        }
      }
      return new FirstRound(head, decided, waiting, sighted);
    });
  }

  /**
   * Sorts the payments whose receipts the head's Transfer logs stand in for: those with logs in the
   * head are mined there (judged now, like any receipt whose header is at hand); those the head lists
   * without logs are mined there but paid nothing expected, so their receipt (asked in round 2) says
   * why; the rest are not mined yet. A head that does not follow the last processed one (a reorg),
   * lists no transaction hashes, or whose logs are not usable decides nothing here: the next head
   * asks these payments' receipts.
   */
  private void fromLogs(List<ActivePayment> viaLogs, RpcResponse answer, long head, JsonObject header,
      Instant headTime, List<Decision> decided, List<Mined> mined, List<Sighted> sighted) {
    String hash = roundHeadHash;
    java.util.Set<String> inBlock = BlockTransferLogs.transactionsOf(header);
    Map<String, JsonArray> logs;
    try {
      Object parent = header.getValue("parentHash");
      if (inBlock == null || !(parent instanceof String parentHash) || !Hex.hash(parentHash).equals(lastHeadHash)) {
        throw new ChainDataException("head " + head + " does not follow " + lastHeadHash + " or lists no transactions");
      }
      logs = BlockTransferLogs.byTransaction(answer, head, hash);
    } catch (ChainDataException e) {
      LOG.debug("chain {}: the logs of head {} not used, {} receipts asked next head: {}", chainId(), head, viaLogs.size(), e.getMessage());
      return;
    }
    BlockKey block = new BlockKey(head, hash);
    for (ActivePayment payment : viaLogs) {
      JsonArray own = logs.get(payment.txHash());
      if (own != null) {
        mined.add(new Mined(payment, BlockTransferLogs.receiptOf(payment.txHash(), head, hash, own), block, null));
      } else if (inBlock.contains(payment.txHash())) {
        sighted.add(new Sighted(payment, null, block));
      } else {
        Decision expired = notMinedInTime(payment, head, headTime, "transaction not in block");
        if (expired != null) decided.add(expired);
      }
    }
  }

  /** An unmined payment past its validity at this head can no longer be mined in time. */
  private static Decision notMinedInTime(ActivePayment payment, long head, Instant headTime, String what) {
    if (!headTime.isAfter(payment.expectation().validUntil())) return null;
    return new Decision(payment, new Verdict.Rejected(RejectionReason.NOT_MINED_BEFORE_EXPIRY,
        what + " at head " + head + " (" + headTime + ")", null));
  }

  private Decision confirmRecorded(ActivePayment payment, long head, Integer heightIndex, List<RpcResponse> answers) {
    if (heightIndex != null) {
      String canonicalHash;
      try {
        JsonObject canonical = header(answers.get(heightIndex), "height " + payment.minedBlockNumber());
        if (canonical == null) return null;
        canonicalHash = Hex.hash(Hex.member(canonical, "hash"));
      } catch (ChainDataException e) {
        LOG.warn("chain {}: header at {} not usable, retrying next head: {}", chainId(), payment.minedBlockNumber(), e.toString());
        return null;
      }
      if (!canonicalHash.equalsIgnoreCase(payment.minedBlockHash())) {
        LOG.info("chain {}: block {} of payment {} was reorged out ({} now canonical)",
            chainId(), payment.minedBlockNumber(), payment.paymentId(), canonicalHash);
        return new Decision(payment, new Verdict.NotMined());
      }
    }
    int confirmations = PaymentVerifier.confirmations(payment.minedBlockNumber(), head);
    return new Decision(payment, new Verdict.Paying(payment.minedBlockNumber(), payment.minedBlockHash(),
        payment.minedBlockTime(), payment.minedPayer(), payment.minedAmount(), confirmations, true));
  }

  // ---- round 2: what round 1 left missing (headers, native evidence, receipts of sighted transactions) ----

  /** Round 2's decisions (round 1's are not repeated). */
  private Future<List<Decision>> secondRound(FirstRound first) {
    // Nothing missing (the usual block round once the evidence is kept): no call, and no hop.
    if (first.mined().isEmpty() && first.sighted().isEmpty()) return Future.succeededFuture(List.of());
    List<RpcRequest> calls = new ArrayList<>();
    Map<BlockKey, Integer> headerAt = new LinkedHashMap<>();
    // By identity: a record key would hash whole receipts.
    Map<Mined, Integer> evidenceAt = new IdentityHashMap<>();
    Map<Sighted, Integer> receiptAt = new IdentityHashMap<>();
    for (Mined mined : first.mined()) {
      askHeader(mined.block(), calls, headerAt);
      if (needsEvidence(mined)) {
        evidenceAt.put(mined, calls.size());
        calls.add(evidence.call(mined.payment()));
      }
    }
    for (Sighted sighted : first.sighted()) {
      receiptAt.put(sighted, calls.size());
      calls.add(RpcRequest.of("eth_getTransactionReceipt", sighted.payment().txHash()));
      // The node named the block: its header comes in this batch, not a third. If the receipt then
      // names another block (a reorg between the calls), the payment waits for the next head.
      askHeader(sighted.block(), calls, headerAt);
    }
    // Never empty: round 1 judged every receipt that lacked nothing, and a sighting lacks its receipt.
    return batch(calls).map(answers -> decide(first, answers, headerAt, evidenceAt, receiptAt));
  }

  private void askHeader(BlockKey block, List<RpcRequest> calls, Map<BlockKey, Integer> headerAt) {
    if (!headers.containsKey(block) && !headerAt.containsKey(block)) {
      headerAt.put(block, calls.size());
      calls.add(RpcRequest.of("eth_getBlockByHash", block.hash(), false));
    }
  }

  private List<Decision> decide(FirstRound first, List<RpcResponse> answers, Map<BlockKey, Integer> headerAt,
      Map<Mined, Integer> evidenceAt, Map<Sighted, Integer> receiptAt) {
    headerAt.forEach((block, index) -> {
      try {
        JsonObject header = header(answers.get(index), "block " + block.hash());
        if (header != null) remember(header);
      } catch (ChainDataException e) {
        LOG.warn("chain {}: malformed header of block {}: {}", chainId(), block.hash(), e.toString());
      }
    });
    List<Mined> toJudge = new ArrayList<>(first.mined());
    receiptAt.forEach((sighted, index) -> {
      RpcResponse answer = answers.get(index);
      if (answer.isError() || answer.result() == null) {
        // The evidence said mined but there is no receipt (a reorg, or another node, between the
        // calls): never a rejection; the kept evidence makes the next head ask for the receipt.
        LOG.debug("chain {}: no receipt yet for payment {} although its transaction is in block {}",
            chainId(), sighted.payment().paymentId(), sighted.block().number());
        return;
      }
      try {
        toJudge.add(minedOf(sighted.payment(), answer.result(), sighted.evidence()));
      } catch (ChainDataException e) {
        LOG.warn("chain {}: malformed receipt for payment {}, retrying next head: {}",
            chainId(), sighted.payment().paymentId(), e.toString());
      }
    });
    List<Decision> decided = new ArrayList<>();
    for (Mined mined : toJudge) {
      JsonObject header = headers.get(mined.block());
      Integer evidenceIndex = evidenceAt.get(mined);
      RpcResponse evidenceAnswer = evidenceIndex == null ? null : answers.get(evidenceIndex);
      if (header == null || (evidenceAnswer != null && evidenceAnswer.isError())) {
        LOG.debug("chain {}: data for payment {} not served, retrying next head", chainId(), mined.payment().paymentId());
        continue;
      }
      Object nativeEvidence = mined.evidence();
      if (evidenceAnswer != null && !nativeSource.evidenceFixedBeforeMining()) {
        nativeEvidence = evidenceAnswer.result();
      } else if (evidenceAnswer != null) {
        try {
          FixedEvidence read = evidence.keep(mined.payment(), evidenceAnswer.result());
          nativeEvidence = read == null ? null : read.evidence(); // null: transferOf calls it missing
        } catch (ChainDataException e) {
          LOG.warn("chain {}: malformed evidence for payment {}, retrying next head: {}",
              chainId(), mined.payment().paymentId(), e.getMessage());
          continue;
        }
      }
      Decision decision = judge(mined, header, nativeEvidence, first.head());
      if (decision != null) decided.add(decision);
    }
    return decided;
  }

  /** The rules' verdict on a receipt, or null (logged) when the node's data is malformed: retried next head. */
  private Decision judge(Mined mined, JsonObject header, Object nativeEvidence, long head) {
    try {
      return new Decision(mined.payment(),
          verifier.verify(mined.payment().expectation(), mined.receipt(), nativeEvidence, header, head));
    } catch (ChainDataException e) {
      LOG.warn("chain {}: malformed chain data for payment {}, retrying next head: {}",
          chainId(), mined.payment().paymentId(), e.getMessage());
      return null;
    }
  }

  /** Whether a receipt still lacks its native evidence (never for ERC-20). */
  private static boolean needsEvidence(Mined mined) {
    return mined.payment().expectation().kind() == AssetKind.NATIVE && mined.evidence() == null;
  }

  /** A receipt answered for the payment, which must be its transaction's. */
  private static Mined minedOf(ActivePayment payment, Object result, Object knownEvidence) {
    if (!(result instanceof JsonObject receipt)) throw new ChainDataException("receipt is not an object");
    if (!Hex.hash(Hex.member(receipt, "transactionHash")).equalsIgnoreCase(payment.txHash())) {
      throw new ChainDataException("receipt of another transaction");
    }
    return new Mined(payment, receipt, new BlockKey(
        Hex.longQuantity(Hex.member(receipt, "blockNumber")), Hex.hash(Hex.member(receipt, "blockHash"))),
        knownEvidence);
  }

  // ---- reporting ----

  /**
   * Hands changing verdicts to the sink together, so they can be written set-based: a round's, in
   * one batch, or two when it needed a second (each round's as soon as that round is decided).
   */
  private Future<Void> report(long head, List<Decision> decisions) {
    List<VerdictMessage> changed = new ArrayList<>();
    for (Decision decision : decisions) {
      if (changes(decision.payment(), decision.verdict())) {
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

  /** Whether the verdict differs from what the store holds (so writes stay few). */
  static boolean changes(ActivePayment payment, Verdict verdict) {
    if (verdict instanceof Verdict.NotMined) return payment.isMined();
    if (verdict instanceof Verdict.Paying paying) {
      return !payment.isMined() || paying.confirmed() || !paying.blockHash().equalsIgnoreCase(payment.minedBlockHash());
    }
    return true;
  }

  // ---- helpers ----

  private Future<Object> call(String method, JsonArray params) {
    rpcCalls.increment();
    return rpc.call(method, params);
  }

  private Future<List<RpcResponse>> batch(List<RpcRequest> calls) {
    if (calls.isEmpty()) return Future.succeededFuture(List.of());
    rpcCalls.add(calls.size());
    return rpc.batch(calls);
  }

  private JsonObject header(RpcResponse answer, String what) {
    if (answer.isError()) throw new ChainDataException(what + ": " + answer.error().getMessage());
    if (answer.result() == null) return null;
    if (!(answer.result() instanceof JsonObject header)) throw new ChainDataException(what + " is not an object");
    return header;
  }

  /** Caches a header under its own number and hash; returns its timestamp. */
  private Instant remember(JsonObject header) {
    BlockKey key = new BlockKey(Hex.longQuantity(Hex.member(header, "number")), Hex.hash(Hex.member(header, "hash")));
    Instant time = Instant.ofEpochSecond(Hex.longQuantity(Hex.member(header, "timestamp")));
    headers.put(key, header);
    return time;
  }

  private void notifyHead(long head, Instant time) {
    try {
      heads.onHead(chainId(), head, time);
    } catch (RuntimeException e) {
      LOG.error("chain {}: head listener failed on head {}", chainId(), head, e);
    }
  }

  private static String requireString(Object result, String method) {
    if (!(result instanceof String text)) throw new ChainDataException(method + " returned " + result);
    return text;
  }
}
