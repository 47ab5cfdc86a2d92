package io.tollgate.watch;

import io.tollgate.chain.AssetKind;
import io.tollgate.chain.RpcRequest;
import io.tollgate.payment.ActivePayment;
import io.tollgate.payment.FixedEvidence;
import io.tollgate.payment.NativeTransferSource;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The native payments' evidence a {@link ChainWatcher} read before their transactions were mined,
 * kept across rounds by transaction hash, so that the block mining one needs only its receipt.
 * Only for a {@link NativeTransferSource} whose evidence is fixed before mining (a transaction's
 * own fields, which its hash commits to), so nothing kept goes stale. This is a cache of chain
 * data, not payment state: a restart, or another instance taking the chain over, starts empty and
 * asks again. Confined to the watcher's context, like the watcher.
 */
final class KeptEvidence {
  private final NativeTransferSource source;
  private final Map<String, Object> byTxHash;

  /**
   * @param capacity a backstop only (oldest dropped first): the watcher prunes to the active
   *     payments every full round, so only more native payments waiting at once than that reach it
   */
  KeptEvidence(NativeTransferSource source, int capacity) {
    this.source = Objects.requireNonNull(source);
    this.byTxHash = new LinkedHashMap<>() {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Object> eldest) {
        return size() > capacity;
      }
    };
  }

  /** Whether to ask an unmined payment's evidence rather than its receipt: native, fixed early, not kept yet. */
  boolean askFirst(ActivePayment payment) {
    return payment.expectation().kind() == AssetKind.NATIVE && source.evidenceFixedBeforeMining()
        && !byTxHash.containsKey(payment.txHash());
  }

  /** The payment's kept evidence, or null. */
  Object of(ActivePayment payment) {
    return payment.expectation().kind() == AssetKind.NATIVE ? byTxHash.get(payment.txHash()) : null;
  }

  /** Whether a mined native payment also needs the source's mined-evidence call (its balance-diff trace). */
  boolean traced(ActivePayment payment) {
    return payment.expectation().kind() == AssetKind.NATIVE && source.needsMinedEvidence();
  }

  /**
   * Whether a mined payment's trace must be asked: {@link #traced}, and its fields do not already
   * prove it (a plain transfer). {@code receipt} null while the receipt is still to come.
   */
  boolean needsTrace(ActivePayment payment, io.vertx.core.json.JsonObject receipt, Object fields) {
    return traced(payment) && source.needsMinedEvidence(payment.expectation(), receipt, fields);
  }

  /** The call that reads a mined payment's trace ({@link #traced}). */
  RpcRequest traceCall(ActivePayment payment) {
    return source.minedEvidenceCall(payment.txHash());
  }

  /** The call that reads a payment's evidence. */
  RpcRequest call(ActivePayment payment) {
    return new RpcRequest(source.evidenceMethod(), source.evidenceParams(payment.txHash()));
  }

  /**
   * Reads an answer to {@link #call} and keeps what it proves (checked by the source to be the
   * payment's transaction first, so nothing about another transaction is kept).
   *
   * @return null when the node does not know the transaction
   */
  FixedEvidence keep(ActivePayment payment, Object answer) {
    FixedEvidence read = source.fixedEvidence(payment.txHash(), answer);
    if (read != null) byTxHash.put(payment.txHash(), read.evidence());
    return read;
  }

  /** Drops the evidence of transactions no longer active (paid, rejected), so it stays as small as the work. */
  void retainOnly(List<ActivePayment> active) {
    if (byTxHash.isEmpty()) return;
    Set<String> hashes = new HashSet<>();
    for (ActivePayment payment : active) hashes.add(payment.txHash());
    byTxHash.keySet().retainAll(hashes);
  }

  int size() {
    return byTxHash.size();
  }
}
