package io.tollgate.gasless;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.tollgate.chain.EthRpc;
import io.tollgate.chain.Hex;
import io.tollgate.chain.RpcRequest;
import io.tollgate.chain.RpcResponse;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.util.List;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint8;

/**
 * The token's state an authorization depends on, asked in one JSON-RPC batch before any gas is
 * spent: whether its nonce is used ({@code authorizationState(from, nonce)}) and the payer's
 * balance; and the exact {@code transferWithAuthorization} call the relayer sends.
 */
final class ChainFacts {
  private ChainFacts() {}

  record TokenState(boolean nonceUsed, BigInteger balance) {}

  static Future<TokenState> read(EthRpc chain, String token, TransferAuthorization a) {
    String state = FunctionEncoder.encode(new Function("authorizationState",
        List.of(new Address(a.from()), new Bytes32(Hex.decode(a.nonce()))), List.of()));
    String balance = FunctionEncoder.encode(new Function("balanceOf", List.of(new Address(a.from())), List.of()));
    return chain.batch(List.of(call(token, state), call(token, balance)))
        .recover(e -> Future.failedFuture(unavailable(e.getMessage())))
        .map(answers -> new TokenState(word(answers.get(0), "authorizationState").signum() != 0,
            word(answers.get(1), "balanceOf")));
  }

  private static RpcRequest call(String to, String data) {
    return new RpcRequest("eth_call", new JsonArray().add(new JsonObject().put("to", to).put("data", data)).add("latest"));
  }

  private static BigInteger word(RpcResponse answer, String what) {
    if (answer.isError()) {
      // A token without the EIP-3009 view (or a node failing) says nothing about this authorization.
      throw unavailable(what + " failed: " + answer.error().getMessage());
    }
    byte[] bytes = answer.result() instanceof String hex ? Hex.decodeOrNull(hex) : null;
    if (bytes == null || bytes.length != 32) throw unavailable(what + " answered " + answer.result());
    return new BigInteger(1, bytes);
  }

  private static ApiException unavailable(String detail) {
    return new ApiException(ErrorCode.UNAVAILABLE, "the token's state could not be read: " + detail);
  }

  /**
   * The call the relayer makes: the {@code (v, r, s)} overload for a 65-byte key signature (every
   * USDC version has it), the {@code bytes} overload for a contract wallet's signature.
   */
  static byte[] transferCall(TransferAuthorization a, byte[] signature, boolean keySignature) {
    List<org.web3j.abi.datatypes.Type> args = new java.util.ArrayList<>(List.of(new Address(a.from()), new Address(a.to()),
        new Uint256(a.value()), new Uint256(a.validAfter()), new Uint256(a.validBefore()), new Bytes32(Hex.decode(a.nonce()))));
    if (keySignature && signature.length == AuthorizationSignature.ECDSA_LENGTH) {
      int v = signature[64] & 0xff;
      args.add(new Uint8(v < 27 ? v + 27 : v));
      args.add(new Bytes32(java.util.Arrays.copyOfRange(signature, 0, 32)));
      args.add(new Bytes32(java.util.Arrays.copyOfRange(signature, 32, 64)));
    } else {
      args.add(new DynamicBytes(signature));
    }
    return Hex.decode(FunctionEncoder.encode(new Function("transferWithAuthorization", args, List.of())));
  }
}
