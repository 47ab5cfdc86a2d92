package io.tollgate.watch;

import io.tollgate.chain.AssetKind;
import io.tollgate.chain.ChainDataException;
import io.tollgate.chain.Hex;
import io.tollgate.chain.RpcRequest;
import io.tollgate.chain.RpcResponse;
import io.tollgate.payment.ActivePayment;
import io.tollgate.payment.PaymentVerifier;
import io.tollgate.payment.RejectionReason;
import io.tollgate.payment.Verdict;
import io.tollgate.watch.RoundPlan.Answers;
import io.tollgate.watch.RoundPlan.Slot;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The finality re-check of confirmed payments whose block is deep enough: one
 * {@code eth_getTransactionReceipt} each, added to round 1's batch of the head (no call of its own),
 * judged here. Same block hash → {@link Verdict.Final}; no receipt → {@link Verdict.Vanished}
 * (the ledger reverses on the second in a row); another block → {@link Verdict.Remined} with the
 * new facts when the receipt still pays, {@link Verdict.Reversed} when it does not. An error or a
 * malformed answer decides nothing: the next head asks again. Pure apart from logging.
 */
final class FinalityChecks {
  private static final Logger LOG = LoggerFactory.getLogger(FinalityChecks.class);

  private record Asked(ActivePayment payment, Slot slot) {}

  private final List<Asked> asked;

  private FinalityChecks(List<Asked> asked) {
    this.asked = asked;
  }

  /** Adds a receipt call per due payment to {@code batch}. */
  static FinalityChecks ask(RoundPlan batch, List<ActivePayment> due) {
    List<Asked> asked = new ArrayList<>(due.size());
    for (ActivePayment payment : due) {
      asked.add(new Asked(payment, batch.ask(RpcRequest.of("eth_getTransactionReceipt", payment.txHash()))));
    }
    return new FinalityChecks(asked);
  }

  int size() {
    return asked.size();
  }

  List<Decision> judge(long chainId, Answers answers, PaymentVerifier verifier, WatchMemory memory, long head) {
    List<Decision> decided = new ArrayList<>(asked.size());
    for (Asked a : asked) {
      Decision d = judge(chainId, a.payment(), answers.of(a.slot()), verifier, memory, head);
      if (d != null) decided.add(d);
    }
    return decided;
  }

  private static Decision judge(long chainId, ActivePayment payment, RpcResponse answer, PaymentVerifier verifier,
      WatchMemory memory, long head) {
    if (answer.isError()) {
      LOG.debug("chain {}: finality receipt of payment {} not served: {}", chainId, payment.paymentId(), answer.error().getMessage());
      return null;
    }
    if (answer.result() == null) {
      LOG.info("chain {}: the confirmed transaction of payment {} (block {} {}) has no receipt at head {}",
          chainId, payment.paymentId(), payment.minedBlockNumber(), payment.minedBlockHash(), head);
      return new Decision(payment, new Verdict.Vanished("no receipt at head " + head + " for the transaction confirmed in block "
          + payment.minedBlockNumber() + " " + payment.minedBlockHash()));
    }
    try {
      Mined mined = Mined.of(payment, answer.result(), null);
      if (mined.block().hash().equalsIgnoreCase(payment.minedBlockHash())) {
        return new Decision(payment, new Verdict.Final(payment.minedBlockHash()));
      }
      LOG.info("chain {}: the transaction of payment {} moved from block {} {} to block {} {}", chainId,
          payment.paymentId(), payment.minedBlockNumber(), payment.minedBlockHash(), mined.block().number(), mined.block().hash());
      return new Decision(payment, remined(payment, mined, verifier, memory, head));
    } catch (ChainDataException e) {
      LOG.warn("chain {}: malformed finality receipt for payment {}, retrying next head: {}", chainId, payment.paymentId(), e.toString());
      return null;
    }
  }

  /**
   * A receipt in another block. It must still succeed; an ERC-20 payment's receipt is judged again
   * by the rules when its block's header is at hand (the watcher keeps the recent heads'), so a
   * transfer that no longer pays, or now lies outside the window, reverses the payment. A native
   * payment's value, sender and recipient are fixed by its hash, so its status decides. Without
   * the header the recorded block time is kept.
   */
  private static Verdict remined(ActivePayment payment, Mined mined, PaymentVerifier verifier, WatchMemory memory, long head) {
    String status = Hex.member(mined.receipt(), "status");
    if (Hex.quantity(status).signum() == 0) {
      return new Verdict.Reversed(RejectionReason.TX_REVERTED, "mined again in block " + mined.block().number()
          + " " + mined.block().hash() + ", where it reverted");
    }
    if (!Hex.quantity(status).equals(BigInteger.ONE)) throw new ChainDataException("receipt status " + status);
    JsonObject header = memory.header(mined.block());
    int confirmations = PaymentVerifier.confirmations(mined.block().number(), head);
    Verdict.Paying kept = new Verdict.Paying(mined.block().number(), mined.block().hash(), payment.minedBlockTime(),
        payment.minedPayer(), payment.minedAmount(), confirmations, true);
    if (header == null || payment.expectation().kind() != AssetKind.ERC20) return new Verdict.Remined(kept);
    Verdict again = verifier.verify(payment.expectation(), mined.receipt(), null, header, head);
    if (again instanceof Verdict.Paying paying) return new Verdict.Remined(paying);
    if (again instanceof Verdict.PaidLate late) return new Verdict.Remined(late.paying());
    if (again instanceof Verdict.Rejected rejected) {
      return new Verdict.Reversed(rejected.reason(), "mined again in block " + mined.block().number() + ": " + rejected.detail());
    }
    return new Verdict.Remined(kept);
  }
}
