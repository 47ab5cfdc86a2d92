package io.tollgate.gasless;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.tollgate.chain.EthRpc;
import io.tollgate.chain.Hex;
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
 * The token's state an authorization depends on, asked in ONE JSON-RPC call before any gas is
 * spent: whether its nonce is used ({@code authorizationState(from, nonce)}) and the payer's
 * balance, read by the {@code GaslessFacts} helper run without deploying it (an {@code eth_call}
 * with no {@code to}, its creation code returning both); and the exact
 * {@code transferWithAuthorization} call the relayer sends.
 */
final class ChainFacts {
  static final String HELPER = "contracts/GaslessFacts.json";

  private ChainFacts() {}

  /** @param payerCode the payer's code at the block read (empty for an account without code) */
  record TokenState(boolean nonceUsed, BigInteger balance, byte[] payerCode) {}

  static Future<TokenState> read(EthRpc chain, String token, TransferAuthorization a) {
    return readRaw(chain, token, a.from(), a.nonce(), "latest").map(ChainFacts::decode);
  }

  /**
   * The helper's six words, undecoded, at {@code block} ("latest" or a block number as a hex
   * quantity); fails {@code service_unavailable} when the chain cannot be asked.
   */
  static Future<Object> readRaw(EthRpc chain, String token, String from, String nonce, String block) {
    String data = HelperCode.CREATION_CODE + FunctionEncoder.encodeConstructor(
        List.of(new Address(token), new Address(from), new Bytes32(Hex.decode(nonce))));
    return chain.call("eth_call", new JsonArray().add(new JsonObject().put("data", data)).add(block))
        .recover(e -> Future.failedFuture(unavailable(e.getMessage())));
  }

  /**
   * abi.encode(stateOk, authorizationState, balanceOk, balance, codeSize, tokenCodeSize, code): six
   * words, the offset of the payer's code (seven words), its length, and the code padded to whole words.
   */
  static TokenState decode(Object answer) {
    byte[] bytes = answer instanceof String hex ? Hex.decodeOrNull(hex) : null;
    if (bytes == null || bytes.length < 8 * 32 || !word(bytes, 6).equals(BigInteger.valueOf(7 * 32))
        || word(bytes, 7).compareTo(BigInteger.valueOf(bytes.length - 8 * 32)) > 0) {
      throw unavailable("the token's views answered " + abbreviated(answer));
    }
    // A token without the EIP-3009 view (or a node failing) says nothing about this authorization.
    if (word(bytes, 0).signum() == 0) throw unavailable("authorizationState failed");
    if (word(bytes, 2).signum() == 0) throw unavailable("balanceOf failed");
    byte[] code = java.util.Arrays.copyOfRange(bytes, 8 * 32, 8 * 32 + word(bytes, 7).intValueExact());
    return new TokenState(word(bytes, 1).signum() != 0, word(bytes, 3), code);
  }

  private static String abbreviated(Object answer) {
    String text = String.valueOf(answer);
    return text.length() <= 80 ? text : text.substring(0, 80) + "...";
  }

  static BigInteger word(byte[] bytes, int index) {
    return new BigInteger(1, java.util.Arrays.copyOfRange(bytes, index * 32, index * 32 + 32));
  }

  /** Loaded on first use: the artifact is built from src/main/solidity by the Maven build. */
  private static final class HelperCode {
    static final String CREATION_CODE = load();

    private static String load() {
      try (java.io.InputStream in = ChainFacts.class.getClassLoader().getResourceAsStream(HELPER)) {
        if (in == null) throw new IllegalStateException(HELPER + " is not on the classpath (built by mvn from src/main/solidity)");
        String code = new JsonObject(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)).getString("bytecode");
        if (code == null || !code.startsWith("0x") || code.length() < 4) throw new IllegalStateException(HELPER + " has no bytecode");
        return code;
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
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
