package io.tollgate.payer;

import io.tollgate.signature.SiweMessage;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * A challenge as handed to the buyer's browser: {@code text} is what the wallet signs, byte for
 * byte ({@code personal_sign}); {@code message} is the same, parsed.
 */
public record IssuedChallenge(UUID checkoutId, SiweMessage message, String text) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("checkoutId", checkoutId.toString())
        .put("message", text)
        .put("address", message.address())
        .put("chainId", message.chainId())
        .put("nonce", message.nonce())
        .put("issuedAt", io.tollgate.api.Rfc3339.format(message.issuedAt()))
        .put("expiresAt", io.tollgate.api.Rfc3339.format(message.expirationTime()));
  }
}
