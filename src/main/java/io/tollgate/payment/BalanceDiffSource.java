package io.tollgate.payment;

import io.tollgate.chain.ChainDataException;
import io.tollgate.chain.Hex;
import io.tollgate.chain.RpcException;
import io.tollgate.chain.RpcRequest;
import io.tollgate.chain.RpcResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.util.Locale;

/**
 * Native payments judged by the balance change they cause, so that smart wallets and ERC-4337
 * bundlers (whose outer transaction is not the payer's) pay like anyone: {@code
 * debug_traceTransaction} with {@code prestateTracer} in {@code diffMode}. The recipient's net
 * balance must have risen and the payer's fallen (the payer's own fees as sender left out); a call
 * tree is not read, so value in a reverted sub-call, a value-bearing delegatecall, or value the
 * recipient passes on in the same transaction pays nothing. A trace that cannot be the
 * transaction's ({@link BalanceDiff#checkConsistent}) is retried, never judged.
 *
 * <p>The transaction's own fields are still read first (fixed before mining, kept, so the mining
 * block costs the receipt and the trace). A plain transfer (to the recipient, no call data, a plain
 * transfer's 21,000 gas) runs no code, so its fields prove its balance diff: no trace is asked. On a provider without the debug API (every provider
 * answered "method not found"), a plain transfer (to the recipient, no call data, exactly the
 * 21,000 gas of a transfer to an account without code) is judged from those fields, which then say
 * all; anything else is {@link TraceUnavailableException}.
 */
public final class BalanceDiffSource implements NativeTransferSource {
  /** The gas of a value transfer that runs no code (EIP-2028 intrinsic cost). */
  static final long PLAIN_TRANSFER_GAS = 21_000;
  private static final JsonObject TRACER = new JsonObject().put("tracer", "prestateTracer")
      .put("tracerConfig", new JsonObject().put("diffMode", true));

  private final TransactionFieldsSource fields = new TransactionFieldsSource();

  @Override
  public String evidenceMethod() {
    return fields.evidenceMethod();
  }

  @Override
  public JsonArray evidenceParams(String txHash) {
    return fields.evidenceParams(txHash);
  }

  @Override
  public boolean evidenceFixedBeforeMining() {
    return true;
  }

  @Override
  public FixedEvidence fixedEvidence(String txHash, Object answer) {
    return fields.fixedEvidence(txHash, answer);
  }

  @Override
  public RpcRequest minedEvidenceCall(String txHash) {
    return new RpcRequest("debug_traceTransaction", new JsonArray().add(txHash).add(TRACER.copy()));
  }

  @Override
  public boolean needsMinedEvidence() {
    return true;
  }

  /**
   * A plain transfer to the recipient (no call data, and once the receipt is known exactly a plain
   * transfer's gas) is proven by its fields: its balance diff can only be value in, value and fees
   * out. So the drop's ordinary buyers cost no trace call.
   */
  @Override
  public boolean needsMinedEvidence(PaymentExpectation expectation, JsonObject receipt, Object evidence) {
    if (!(evidence instanceof JsonObject tx)) return true;
    Object to = tx.getValue("to");
    boolean looksPlain = to instanceof String address && address.equalsIgnoreCase(expectation.recipient())
        && Boolean.FALSE.equals(tx.getValue("hasData"));
    return !looksPlain || (receipt != null && !plainGas(receipt));
  }

  @Override
  public NativeTransfer transferOf(PaymentExpectation expectation, JsonObject receipt, Object evidence) {
    if (evidence instanceof JsonObject tx) {
      // Judged without a trace: only a plain transfer's fields prove what it moved.
      NativeTransfer outer = fields.transferOf(expectation, receipt, tx);
      if (plainTransfer(expectation, receipt, tx, outer)) return outer;
      throw new ChainDataException("trace missing for a transaction that is not a plain transfer");
    }
    if (!(evidence instanceof NativeEvidence both)) throw new ChainDataException("transaction or trace missing");
    if (!(both.transaction() instanceof JsonObject tx)) throw new ChainDataException("transaction missing");
    NativeTransfer outer = fields.transferOf(expectation, receipt, tx); // also: the receipt is this transaction's
    RpcResponse trace = both.mined();
    if (trace == null) throw new ChainDataException("trace missing");
    if (trace.isError()) {
      if (!methodUnavailable(trace.error())) throw new ChainDataException("trace not served: " + trace.error().getMessage());
      if (plainTransfer(expectation, receipt, tx, outer)) return outer;
      throw new TraceUnavailableException("no provider serves debug_traceTransaction, and the transaction is not a plain "
          + "transfer to the recipient (to " + outer.to() + ", call data " + tx.getValue("hasData", true) + ", gas "
          + Hex.member(receipt, "gasUsed") + ")");
    }
    BalanceDiff diff = BalanceDiff.parse(trace.result());
    BigInteger fees = fees(receipt);
    diff.checkConsistent(outer.from(), nonce(tx), fees);
    String recipient = Hex.address(expectation.recipient());
    String payer = expectation.payer() != null ? Hex.address(expectation.payer()) : largestDebit(diff, recipient, outer.from(), fees);
    return new NativeTransfer(payer, recipient, diff.delta(recipient), debit(diff, payer, outer.from(), fees));
  }

  /** JSON-RPC "method not found", or a node saying the debug namespace is off. */
  static boolean methodUnavailable(RpcException error) {
    if (error.code() == -32601) return true;
    String message = error.getMessage() == null ? "" : error.getMessage().toLowerCase(Locale.ROOT);
    return message.contains("method not found") || message.contains("does not exist")
        || message.contains("not available") || message.contains("not supported");
  }

  /**
   * To the recipient with no call data and exactly a plain transfer's gas: no code ran (a recipient
   * with code, even a 7702-delegated one, costs more), so nothing could pass the value on. The gas
   * an L2 receipt counts for L1 data ({@code gasUsedForL1}) is not execution.
   */
  private static boolean plainTransfer(PaymentExpectation expectation, JsonObject receipt, JsonObject tx, NativeTransfer outer) {
    if (outer.to() == null || !outer.to().equalsIgnoreCase(expectation.recipient())) return false;
    if (!Boolean.FALSE.equals(tx.getValue("hasData"))) return false;
    return plainGas(receipt);
  }

  private static boolean plainGas(JsonObject receipt) {
    long gas = Hex.longQuantity(Hex.member(receipt, "gasUsed"));
    if (receipt.getValue("gasUsedForL1") instanceof String l1) gas -= Hex.longQuantity(l1);
    return gas == PLAIN_TRANSFER_GAS;
  }

  /** The most the transaction's sender paid outside its value: gas at its effective price, blob and L1 data fees. */
  private static BigInteger fees(JsonObject receipt) {
    if (!(receipt.getValue("effectiveGasPrice") instanceof String price)) return null;
    BigInteger fees = Hex.quantity(Hex.member(receipt, "gasUsed")).multiply(Hex.quantity(price));
    if (receipt.getValue("blobGasUsed") instanceof String blobGas && receipt.getValue("blobGasPrice") instanceof String blobPrice) {
      fees = fees.add(Hex.quantity(blobGas).multiply(Hex.quantity(blobPrice)));
    }
    if (receipt.getValue("l1Fee") instanceof String l1Fee) fees = fees.add(Hex.quantity(l1Fee));
    return fees;
  }

  /** How much {@code account}'s balance fell, leaving out the fees it paid as the sender. */
  private static BigInteger debit(BalanceDiff diff, String account, String sender, BigInteger fees) {
    BigInteger fell = diff.delta(account).negate();
    return account.equals(sender) && fees != null ? fell.subtract(fees) : fell;
  }

  /** With no payer bound: the account that paid most (the sender first on a tie). */
  private static String largestDebit(BalanceDiff diff, String recipient, String sender, BigInteger fees) {
    String best = sender;
    BigInteger most = debit(diff, sender, sender, fees);
    for (String account : diff.accounts()) {
      if (account.equals(recipient) || account.equals(sender)) continue;
      BigInteger d = debit(diff, account, sender, fees);
      if (d.compareTo(most) > 0) {
        best = account;
        most = d;
      }
    }
    return best;
  }

  private static long nonce(JsonObject tx) {
    if (tx.getValue("nonce") instanceof Number n) return n.longValue();
    return Hex.longQuantity(Hex.member(tx, "nonce"));
  }
}
