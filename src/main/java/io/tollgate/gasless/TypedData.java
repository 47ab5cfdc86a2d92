package io.tollgate.gasless;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The argument of {@code eth_signTypedData_v4} for an EIP-3009 transfer, in the shape MetaMask and
 * viem take: {@code types} (with {@code EIP712Domain}), {@code primaryType}, {@code domain},
 * {@code message}, integers of the message as decimal strings.
 */
final class TypedData {
  private TypedData() {}

  static JsonObject of(TokenDomain domain, TransferAuthorization authorization) {
    JsonObject types = new JsonObject()
        .put("EIP712Domain", new JsonArray()
            .add(field("name", "string")).add(field("version", "string"))
            .add(field("chainId", "uint256")).add(field("verifyingContract", "address")))
        .put("TransferWithAuthorization", new JsonArray()
            .add(field("from", "address")).add(field("to", "address")).add(field("value", "uint256"))
            .add(field("validAfter", "uint256")).add(field("validBefore", "uint256")).add(field("nonce", "bytes32")));
    return new JsonObject().put("types", types).put("primaryType", "TransferWithAuthorization")
        .put("domain", domain.toJson()).put("message", authorization.toJson());
  }

  private static JsonObject field(String name, String type) {
    return new JsonObject().put("name", name).put("type", type);
  }
}
