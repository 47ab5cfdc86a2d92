package io.tollgate.watch;

import io.tollgate.chain.AssetKind;
import io.tollgate.chain.Hex;
import io.tollgate.chain.RpcRequest;
import io.tollgate.watch.RoundPlan.Slot;
import io.tollgate.payment.ActivePayment;
import io.tollgate.payment.PaymentVerifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Round 1's batch for one head: the head's header, the receipt of every payment without a recorded
 * one (or, for a native payment whose evidence is fixed before mining and not kept yet, that
 * evidence instead: one call either way, and it also says whether the transaction is mined), the
 * canonical header at each height where recorded receipts reach their confirmations (one per
 * height, shared), and one {@code eth_getLogs} of the head for the ERC-20 payments whose receipts
 * were missing at the previous head. Each answer is read through the slot kept next to what asked
 * it. Pure: it only reads the watcher's memory.
 */
final class FirstRoundPlan {
  /** A payment and the slot of the call asked about it. */
  record Asked(ActivePayment payment, Slot slot) {}

  final long head;
  final boolean sameHead;
  final RoundPlan batch = new RoundPlan();
  /** The head's header, or null on a catch-up round, which knows it from the head's round. */
  final Slot headHeader;
  final List<Asked> receipts = new ArrayList<>();
  final List<Asked> evidence = new ArrayList<>();
  /** Recorded receipts at their confirmations: no call of their own, maybe their height's header. */
  final List<ActivePayment> confirmable = new ArrayList<>();
  /** The canonical header at each height where a recorded receipt needs a reorg check. */
  final Map<Long, Slot> heights = new HashMap<>();
  /** ERC-20 payments whose receipts the head's Transfer logs stand in for. */
  final List<ActivePayment> viaLogs = new ArrayList<>();
  final Slot logs;

  private FirstRoundPlan(long head, boolean sameHead, List<ActivePayment> active, WatchMemory memory) {
    this.head = head;
    this.sameHead = sameHead;
    boolean askHead = !(sameHead && memory.lastHeadTime() != null);
    headHeader = askHead ? batch.ask(RpcRequest.of("eth_getBlockByNumber", Hex.quantity(head), false)) : null;
    // The head right after the last processed one, whose header this batch asks anyway.
    boolean nextHead = askHead && !sameHead && memory.lastHeadHash() != null && head == memory.lastHead() + 1;
    KeptEvidence kept = memory.evidence();
    for (ActivePayment payment : active) {
      if (nextHead && !payment.isMined() && payment.expectation().kind() == AssetKind.ERC20
          && memory.missingAtLastHead(payment)) {
        viaLogs.add(payment); // mined in this head or not yet: one eth_getLogs for all of them
        continue;
      }
      boolean reached = payment.isMined()
          && PaymentVerifier.confirmations(payment.minedBlockNumber(), head)
              >= payment.expectation().requiredConfirmations();
      if (!payment.isMined() && kept.askFirst(payment)) {
        evidence.add(new Asked(payment, batch.ask(kept.call(payment))));
      } else if (!payment.isMined() || (reached && !payment.hasRecordedVerdict())) {
        receipts.add(new Asked(payment, batch.ask(RpcRequest.of("eth_getTransactionReceipt", payment.txHash()))));
      } else if (reached) {
        confirmable.add(payment);
        // One confirmation means no reorg check (the chain's setting accepts the head's view).
        if (payment.expectation().requiredConfirmations() > 1) {
          heights.computeIfAbsent(payment.minedBlockNumber(),
              height -> batch.ask(RpcRequest.of("eth_getBlockByNumber", Hex.quantity(height), false)));
        }
      }
    }
    logs = viaLogs.isEmpty() ? null : batch.ask(BlockTransferLogs.request(head, viaLogs));
  }

  /**
   * @param sameHead a catch-up round on the last processed head (for the payments submitted since)
   */
  static FirstRoundPlan of(long head, boolean sameHead, List<ActivePayment> active, WatchMemory memory) {
    return new FirstRoundPlan(head, sameHead, active, memory);
  }
}
