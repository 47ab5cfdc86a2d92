package io.tollgate.payment;

import io.tollgate.chain.ChainDataException;
import io.tollgate.chain.Hex;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Native payments from ordinary accounts: the transaction's own {@code from}, {@code to} and
 * {@code value}. Blind to value moved inside the call tree, so it rejects smart-wallet payments as
 * WRONG_RECIPIENT rather than accepting anything it cannot see.
 *
 * <p>The transaction hash commits to the signed transaction, so these fields are the same while it
 * is pending as once it is mined: the evidence may be fetched before mining.
 */
public final class TransactionFieldsSource implements NativeTransferSource {

  @Override
  public String evidenceMethod() {
    return "eth_getTransactionByHash";
  }

  @Override
  public JsonArray evidenceParams(String txHash) {
    return new JsonArray().add(txHash);
  }

  @Override
  public NativeTransfer transferOf(PaymentExpectation expectation, JsonObject receipt, Object evidence) {
    if (!(evidence instanceof JsonObject tx)) throw new ChainDataException("transaction missing");
    String txHash = Hex.hash(Hex.member(tx, "hash"));
    if (!txHash.equals(Hex.hash(Hex.member(receipt, "transactionHash")))) {
      throw new ChainDataException("transaction " + txHash + " is not the receipt's");
    }
    Object to = tx.getValue("to");
    return new NativeTransfer(
        Hex.address(Hex.member(tx, "from")),
        to == null ? null : Hex.address(Hex.member(tx, "to")),
        Hex.quantity(Hex.member(tx, "value")));
  }

  @Override
  public boolean evidenceFixedBeforeMining() {
    return true;
  }

  @Override
  public FixedEvidence fixedEvidence(String txHash, Object answer) {
    if (answer == null) return null;
    if (!(answer instanceof JsonObject tx)) throw new ChainDataException("transaction is not an object");
    String hash = Hex.hash(Hex.member(tx, "hash"));
    if (!hash.equals(Hex.hash(txHash))) throw new ChainDataException("transaction " + hash + " is not " + txHash);
    // Only the fields transferOf reads, checked now so that nothing malformed is kept: a drop keeps
    // thousands of these, and the rest of a transaction (input, signature, fees) is most of it. The
    // hash stays, so transferOf still checks the receipt is this transaction's.
    Object to = tx.getValue("to");
    String value = Hex.member(tx, "value");
    Hex.quantity(value);
    Object input = tx.getValue("input");
    JsonObject kept = new JsonObject()
        .put("hash", hash)
        .put("from", Hex.address(Hex.member(tx, "from")))
        .put("to", to == null ? null : Hex.address(Hex.member(tx, "to")))
        .put("value", value)
        // For a balance-diff trace: whether it is a plain transfer (no call data), and its sender's nonce.
        .put("hasData", !(input instanceof String data) || !(data.equals("0x") || data.isEmpty()));
    if (tx.getValue("nonce") instanceof String nonce) kept.put("nonce", Hex.longQuantity(nonce));
    // A pending transaction has null block fields.
    if (tx.getValue("blockHash") == null) return FixedEvidence.pending(kept);
    return new FixedEvidence(kept, Hex.longQuantity(Hex.member(tx, "blockNumber")), Hex.hash(Hex.member(tx, "blockHash")));
  }
}
