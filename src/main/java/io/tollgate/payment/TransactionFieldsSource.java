package io.tollgate.payment;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Native payments from ordinary accounts: the transaction's own {@code from}, {@code to} and
 * {@code value}. Blind to value moved inside the call tree, so it rejects smart-wallet payments as
 * WRONG_RECIPIENT rather than accepting anything it cannot see.
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
}
