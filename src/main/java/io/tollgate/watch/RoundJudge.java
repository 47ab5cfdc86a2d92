package io.tollgate.watch;

import io.tollgate.chain.ChainDataException;
import io.tollgate.chain.Hex;
import io.tollgate.chain.RpcResponse;
import io.tollgate.watch.RoundPlan.Answers;
import io.tollgate.payment.ActivePayment;
import io.tollgate.payment.FixedEvidence;
import io.tollgate.payment.NativeEvidence;
import io.tollgate.payment.TraceUnavailableException;
import io.tollgate.payment.NativeTransferSource;
import io.tollgate.payment.PaymentVerifier;
import io.tollgate.payment.RejectionReason;
import io.tollgate.payment.Verdict;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a round's answers into verdicts by the rules of {@link PaymentVerifier}. Node data that is
 * missing, unserved or malformed never becomes a rejection: the payment is left for the next head
 * (logged). No I/O: what it reads is remembered in the {@link WatchMemory} (headers, kept evidence,
 * missing receipts), and what it decides is returned.
 */
final class RoundJudge {
  private static final Logger LOG = LoggerFactory.getLogger(RoundJudge.class);

  private final long chainId;
  private final PaymentVerifier verifier;
  private final NativeTransferSource nativeSource;
  private final WatchMemory memory;
  /** The wall clock a head's time is compared with, and how far behind it a head may be to witness a missing transaction. */
  private java.time.Clock wallClock = java.time.Clock.systemUTC();
  private java.time.Duration maxHeadLag;

  /**
   * A head further behind the wall clock than {@code maxHeadLag} is no witness that a transaction
   * is missing (its node lags, or serves an old block); null: no bound.
   */
  void witnessBound(java.time.Clock wallClock, java.time.Duration maxHeadLag) {
    this.wallClock = java.util.Objects.requireNonNull(wallClock);
    this.maxHeadLag = maxHeadLag;
  }

  RoundJudge(long chainId, PaymentVerifier verifier, WatchMemory memory) {
    this.chainId = chainId;
    this.verifier = verifier;
    this.nativeSource = verifier.nativeSource();
    this.memory = memory;
  }

  /**
   * Round 1's verdicts, and what round 2 must ask.
   *
   * @throws HeadNotServedYet when the node does not have the head's block yet
   */
  FirstRound first(FirstRoundPlan plan, Answers answers) {
    long head = plan.head;
    Instant headTime;
    JsonObject headHeader = null;
    String headHash = null;
    if (plan.headHeader != null) {
      headHeader = header(answers.of(plan.headHeader), "head " + head);
      if (headHeader == null) throw new HeadNotServedYet(head);
      headTime = memory.remember(headHeader);
      headHash = Hex.hash(Hex.member(headHeader, "hash"));
    } else {
      headTime = memory.lastHeadTime();
    }
    List<Decision> decided = new ArrayList<>();
    List<Mined> mined = new ArrayList<>();
    List<Sighted> sighted = new ArrayList<>();
    for (FirstRoundPlan.Asked asked : plan.receipts) receipt(asked.payment(), answers.of(asked.slot()), head, headTime, decided, mined);
    for (FirstRoundPlan.Asked asked : plan.evidence) evidence(asked.payment(), answers.of(asked.slot()), head, headTime, decided, sighted);
    if (plan.logs != null) {
      fromLogs(plan.viaLogs, answers.of(plan.logs), head, headHash, headHeader, headTime, decided, mined, sighted);
    }
    for (ActivePayment payment : plan.confirmable) {
      RoundPlan.Slot height = plan.heights.get(payment.minedBlockNumber());
      Decision decision = confirmRecorded(payment, head, height == null ? null : answers.of(height));
      if (decision != null) decided.add(decision);
    }
    // A receipt whose block's header and evidence are at hand (in the head block, say, of an
    // ERC-20 payment or a native one whose evidence is kept) is judged now: round 2 would add
    // nothing to it, and its verdict is written without waiting for round 2.
    List<Mined> waiting = new ArrayList<>();
    for (Mined receipt : mined) {
      JsonObject header = memory.header(receipt.block());
      if (header == null || receipt.needsEvidence()
          || memory.evidence().needsTrace(receipt.payment(), receipt.receipt(), receipt.evidence())) {
        waiting.add(receipt);
      } else {
        Decision decision = judge(receipt, header, receipt.evidence(), head);
        if (decision != null) decided.add(decision);
      }
    }
    return new FirstRound(head, headHash, headTime, decided, waiting, sighted);
  }

  private void receipt(ActivePayment payment, RpcResponse answer, long head, Instant headTime,
      List<Decision> decided, List<Mined> mined) {
    if (answer.isError()) {
      LOG.debug("chain {}: receipt of payment {} not served: {}", chainId, payment.paymentId(), answer.error().getMessage());
      return;
    }
    if (answer.result() == null) {
      if (payment.isMined()) {
        decided.add(new Decision(payment, new Verdict.NotMined())); // its recorded receipt is gone: reorg
      } else {
        memory.receiptMissing(payment, head);
        add(decided, notMinedInTime(payment, head, headTime, "no receipt"));
      }
      return;
    }
    try {
      mined.add(Mined.of(payment, answer.result(), memory.evidence().of(payment)));
    } catch (ChainDataException e) {
      LOG.warn("chain {}: malformed receipt for payment {}, retrying next head: {}", chainId, payment.paymentId(), e.toString());
    }
  }

  private void evidence(ActivePayment payment, RpcResponse answer, long head, Instant headTime,
      List<Decision> decided, List<Sighted> sighted) {
    if (answer.isError()) {
      LOG.debug("chain {}: evidence of payment {} not served: {}", chainId, payment.paymentId(), answer.error().getMessage());
      return;
    }
    FixedEvidence read;
    try {
      read = memory.evidence().keep(payment, answer.result());
    } catch (ChainDataException e) {
      LOG.warn("chain {}: malformed evidence for payment {}, retrying next head: {}", chainId, payment.paymentId(), e.toString());
      return;
    }
    if (read != null && read.mined()) {
      sighted.add(new Sighted(payment, read.evidence(), new BlockKey(read.blockNumber(), read.blockHash())));
    } else {
      // Pending or unknown to the node: not mined, exactly as a missing receipt would have said.
      add(decided, notMinedInTime(payment, head, headTime, read == null ? "transaction unknown" : "transaction pending"));
    }
  }

  /**
   * Sorts the payments whose receipts the head's Transfer logs stand in for: those with logs in the
   * head are mined there (judged now, like any receipt whose header is at hand); those the head lists
   * without logs are mined there but paid nothing expected, so their receipt (asked in round 2) says
   * why; the rest are not mined yet. A head that does not follow the last processed one (a reorg),
   * lists no transaction hashes, or whose logs are not usable decides nothing here: the next head
   * asks these payments' receipts.
   */
  private void fromLogs(List<ActivePayment> viaLogs, RpcResponse answer, long head, String hash, JsonObject header,
      Instant headTime, List<Decision> decided, List<Mined> mined, List<Sighted> sighted) {
    Set<String> inBlock = BlockTransferLogs.transactionsOf(header);
    Map<String, JsonArray> logs;
    try {
      Object parent = header.getValue("parentHash");
      if (inBlock == null || !(parent instanceof String parentHash) || !Hex.hash(parentHash).equals(memory.lastHeadHash())) {
        throw new ChainDataException("head " + head + " does not follow " + memory.lastHeadHash() + " or lists no transactions");
      }
      logs = BlockTransferLogs.byTransaction(answer, head, hash);
    } catch (ChainDataException e) {
      LOG.debug("chain {}: the logs of head {} not used, {} receipts asked next head: {}", chainId, head, viaLogs.size(), e.getMessage());
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
        add(decided, notMinedInTime(payment, head, headTime, "transaction not in block"));
      }
    }
  }

  /**
   * An unmined payment past its validity at this head can no longer be mined in time, if the head
   * is a credible witness: one lagging the wall clock by more than the chain's bound is a node
   * behind (or stuck), not evidence, and decides nothing. Even then the verdict is not final: the
   * ledger keeps a claim made in time watched for a while after its checkout expired, so a node
   * that answered {@code null} for a mined transaction cannot make it lost.
   */
  private Decision notMinedInTime(ActivePayment payment, long head, Instant headTime, String what) {
    if (!headTime.isAfter(payment.expectation().validUntil())) return null;
    if (maxHeadLag != null && headTime.isBefore(wallClock.instant().minus(maxHeadLag))) {
      LOG.debug("chain {}: head {} ({}) lags the wall clock by more than {}: no witness that payment {} is missing",
          chainId, head, headTime, maxHeadLag, payment.paymentId());
      return null;
    }
    return new Decision(payment, new Verdict.Rejected(RejectionReason.NOT_MINED_BEFORE_EXPIRY,
        what + " at head " + head + " (" + headTime + ")", null));
  }

  /** @param canonical the answer for the header at the payment's height, or null when not asked */
  private Decision confirmRecorded(ActivePayment payment, long head, RpcResponse canonical) {
    if (canonical != null) {
      String canonicalHash;
      try {
        JsonObject header = header(canonical, "height " + payment.minedBlockNumber());
        if (header == null) return null;
        canonicalHash = Hex.hash(Hex.member(header, "hash"));
      } catch (ChainDataException e) {
        LOG.warn("chain {}: header at {} not usable, retrying next head: {}", chainId, payment.minedBlockNumber(), e.toString());
        return null;
      }
      if (!canonicalHash.equalsIgnoreCase(payment.minedBlockHash())) {
        LOG.info("chain {}: block {} of payment {} was reorged out ({} now canonical)",
            chainId, payment.minedBlockNumber(), payment.paymentId(), canonicalHash);
        return new Decision(payment, new Verdict.NotMined());
      }
    }
    int confirmations = PaymentVerifier.confirmations(payment.minedBlockNumber(), head);
    return new Decision(payment, new Verdict.Paying(payment.minedBlockNumber(), payment.minedBlockHash(),
        payment.minedBlockTime(), payment.minedPayer(), payment.minedAmount(), confirmations, true));
  }

  /** Round 2's verdicts (round 1's are not repeated). */
  List<Decision> second(FirstRound first, SecondRoundPlan plan, Answers answers) {
    plan.headers.forEach((block, slot) -> {
      try {
        JsonObject header = header(answers.of(slot), "block " + block.hash());
        if (header != null) memory.remember(header);
      } catch (ChainDataException e) {
        LOG.warn("chain {}: malformed header of block {}: {}", chainId, block.hash(), e.toString());
      }
    });
    List<Decision> decided = new ArrayList<>();
    for (SecondRoundPlan.Pending pending : plan.pending) {
      add(decided, judgeLate(pending.mined(), pending.evidence() == null ? null : answers.of(pending.evidence()),
          pending.trace() == null ? null : answers.of(pending.trace()), first.head()));
    }
    for (SecondRoundPlan.Receipt asked : plan.receipts) {
      Sighted sighted = asked.sighted();
      RpcResponse answer = answers.of(asked.receipt());
      if (answer.isError() || answer.result() == null) {
        // The evidence said mined but there is no receipt (a reorg, or another node, between the
        // calls): never a rejection; the kept evidence makes the next head ask for the receipt.
        LOG.debug("chain {}: no receipt yet for payment {} although its transaction is in block {}",
            chainId, sighted.payment().paymentId(), sighted.block().number());
        continue;
      }
      try {
        add(decided, judgeLate(Mined.of(sighted.payment(), answer.result(), sighted.evidence()), null,
            asked.trace() == null ? null : answers.of(asked.trace()), first.head()));
      } catch (ChainDataException e) {
        LOG.warn("chain {}: malformed receipt for payment {}, retrying next head: {}",
            chainId, sighted.payment().paymentId(), e.toString());
      }
    }
    return decided;
  }

  /**
   * @param evidenceAnswer the answer to round 2's evidence call for it, or null when none was asked
   * @param traceAnswer the answer to its trace call, or null when none was asked; an error answer
   *     goes to the source too (a provider without the debug API still proves a plain transfer)
   */
  private Decision judgeLate(Mined mined, RpcResponse evidenceAnswer, RpcResponse traceAnswer, long head) {
    JsonObject header = memory.header(mined.block());
    if (header == null || (evidenceAnswer != null && evidenceAnswer.isError())) {
      LOG.debug("chain {}: data for payment {} not served, retrying next head", chainId, mined.payment().paymentId());
      return null;
    }
    Object nativeEvidence = mined.evidence();
    if (evidenceAnswer != null && !nativeSource.evidenceFixedBeforeMining()) {
      nativeEvidence = evidenceAnswer.result();
    } else if (evidenceAnswer != null) {
      try {
        FixedEvidence read = memory.evidence().keep(mined.payment(), evidenceAnswer.result());
        nativeEvidence = read == null ? null : read.evidence(); // null: transferOf calls it missing
      } catch (ChainDataException e) {
        LOG.warn("chain {}: malformed evidence for payment {}, retrying next head: {}",
            chainId, mined.payment().paymentId(), e.getMessage());
        return null;
      }
    }
    if (traceAnswer != null) nativeEvidence = new NativeEvidence(nativeEvidence, traceAnswer);
    return judge(mined, header, nativeEvidence, head);
  }

  /** The rules' verdict on a receipt, or null (logged) when the node's data is malformed: retried next head. */
  private Decision judge(Mined mined, JsonObject header, Object nativeEvidence, long head) {
    try {
      return new Decision(mined.payment(),
          verifier.verify(mined.payment().expectation(), mined.receipt(), nativeEvidence, header, head));
    } catch (TraceUnavailableException e) {
      // Never guessed: the checkout shows why it waits, and a later head asks again (maybe another provider).
      LOG.info("chain {}: payment {} waits for a provider that serves its trace: {}", chainId, mined.payment().paymentId(),
          e.getMessage());
      return new Decision(mined.payment(), new Verdict.Unverifiable(Verdict.TRACE_UNAVAILABLE, e.getMessage()));
    } catch (ChainDataException e) {
      LOG.warn("chain {}: malformed chain data for payment {}, retrying next head: {}",
          chainId, mined.payment().paymentId(), e.getMessage());
      return null;
    }
  }

  /** Whether the verdict differs from what the store holds (so writes stay few). */
  static boolean changes(ActivePayment payment, Verdict verdict) {
    if (verdict instanceof Verdict.NotMined) return payment.isMined();
    if (verdict instanceof Verdict.Paying paying) {
      return !payment.isMined() || paying.confirmed() || !paying.blockHash().equalsIgnoreCase(payment.minedBlockHash());
    }
    return true;
  }

  private static JsonObject header(RpcResponse answer, String what) {
    if (answer.isError()) throw new ChainDataException(what + ": " + answer.error().getMessage());
    if (answer.result() == null) return null;
    if (!(answer.result() instanceof JsonObject header)) throw new ChainDataException(what + " is not an object");
    return header;
  }

  private static void add(List<Decision> decided, Decision decision) {
    if (decision != null) decided.add(decision);
  }
}
