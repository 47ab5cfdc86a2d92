package io.tollgate.watch;

import io.tollgate.chain.RpcRequest;
import io.tollgate.watch.RoundPlan.Slot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Round 2's batch: what round 1 left missing. The headers of receipts' blocks not cached
 * (deduplicated), the native evidence of receipts that lack it, the balance-diff trace of mined
 * native payments (when the source judges by one), and the receipts of transactions
 * known to be mined, each with its block's header in the same batch (not a third). Pure: it only
 * reads the watcher's memory.
 */
final class SecondRoundPlan {
  /**
   * A receipt from round 1, with the slots of its evidence and of its trace when round 2 asks them
   * (else null).
   */
  record Pending(Mined mined, Slot evidence, Slot trace) {}

  /** A transaction known to be mined, with the slot of its receipt, and of its trace when it needs one (else null). */
  record Receipt(Sighted sighted, Slot receipt, Slot trace) {}

  final RoundPlan batch = new RoundPlan();
  final Map<BlockKey, Slot> headers = new LinkedHashMap<>();
  final List<Pending> pending;
  final List<Receipt> receipts;

  private SecondRoundPlan(FirstRound first, WatchMemory memory) {
    pending = new ArrayList<>(first.mined().size());
    receipts = new ArrayList<>(first.sighted().size());
    KeptEvidence kept = memory.evidence();
    for (Mined mined : first.mined()) {
      askHeader(mined.block(), memory);
      pending.add(new Pending(mined, mined.needsEvidence() ? batch.ask(kept.call(mined.payment())) : null,
          kept.needsTrace(mined.payment(), mined.receipt(), mined.evidence()) ? batch.ask(kept.traceCall(mined.payment())) : null));
    }
    for (Sighted sighted : first.sighted()) {
      // The node named the block, so the trace (which exists once mined) comes with the receipt.
      receipts.add(new Receipt(sighted, batch.ask(RpcRequest.of("eth_getTransactionReceipt", sighted.payment().txHash())),
          kept.needsTrace(sighted.payment(), null, sighted.evidence()) ? batch.ask(kept.traceCall(sighted.payment())) : null));
      // The node named the block: its header comes in this batch, not a third. If the receipt then
      // names another block (a reorg between the calls), the payment waits for the next head.
      askHeader(sighted.block(), memory);
    }
  }

  /**
   * Null when round 1 left nothing missing (the usual block round once evidence is kept): no call,
   * and no hop. Otherwise never empty: round 1 judged every receipt that lacked nothing, and a
   * sighting lacks its receipt.
   */
  static SecondRoundPlan of(FirstRound first, WatchMemory memory) {
    return first.leftMissing() ? new SecondRoundPlan(first, memory) : null;
  }

  private void askHeader(BlockKey block, WatchMemory memory) {
    if (!memory.hasHeader(block) && !headers.containsKey(block)) {
      headers.put(block, batch.ask(RpcRequest.of("eth_getBlockByHash", block.hash(), false)));
    }
  }
}
