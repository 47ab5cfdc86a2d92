package io.tollgate.watch;

import io.tollgate.chain.AssetKind;
import io.tollgate.chain.ChainDataException;
import io.tollgate.chain.Hex;
import io.tollgate.payment.ActivePayment;
import io.vertx.core.json.JsonObject;

/**
 * A payment's receipt, checked to be its transaction's.
 *
 * @param evidence the payment's native evidence if already known (null otherwise, and for ERC-20)
 */
record Mined(ActivePayment payment, JsonObject receipt, BlockKey block, Object evidence) {

  /** A receipt answered for the payment, which must be its transaction's. */
  static Mined of(ActivePayment payment, Object result, Object knownEvidence) {
    if (!(result instanceof JsonObject receipt)) throw new ChainDataException("receipt is not an object");
    if (!Hex.hash(Hex.member(receipt, "transactionHash")).equalsIgnoreCase(payment.txHash())) {
      throw new ChainDataException("receipt of another transaction");
    }
    return new Mined(payment, receipt, new BlockKey(
        Hex.longQuantity(Hex.member(receipt, "blockNumber")), Hex.hash(Hex.member(receipt, "blockHash"))),
        knownEvidence);
  }

  /** Whether the receipt still lacks its native evidence (never for ERC-20). */
  boolean needsEvidence() {
    return payment.expectation().kind() == AssetKind.NATIVE && evidence == null;
  }
}
