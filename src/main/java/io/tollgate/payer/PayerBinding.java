package io.tollgate.payer;

import io.tollgate.checkout.CheckoutStatus;
import io.tollgate.signature.SignatureCheck;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.UUID;

/**
 * A payer bound to a checkout, with what proved it: the verification method, the chain whose state
 * validated the signature and the wallet's code at that moment. {@code status} is the checkout's
 * snapshot right after the binding committed (for this instance's status cache).
 *
 * @param payer lowercase 0x address
 */
public record PayerBinding(UUID checkoutId, String payer, SignatureCheck.Valid proof, Instant boundAt, CheckoutStatus status) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("checkoutId", checkoutId.toString())
        .put("payer", payer)
        .put("method", proof.method().code())
        .put("verifiedChainId", proof.chainId())
        .put("walletKind", proof.code().kind().code())
        .put("codePrefix", proof.code().prefix())
        .put("codeHash", proof.code().codeHash())
        .put("boundAt", io.tollgate.api.Rfc3339.format(boundAt));
  }
}
