package io.tollgate.signature;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.crypto.Hash;

/** The eth_call payloads the verifier sends and the exact answers it accepts. */
final class ContractCalls {
  /** {@code bytes4(keccak256("isValidSignature(bytes32,bytes)"))}, ABI-encoded as a full word. */
  static final String ERC1271_MAGIC_RESULT = "0x1626ba7e" + "0".repeat(56);
  static final String DOMAIN_SEPARATOR_CALL = "0x" + Hash.sha3String("DOMAIN_SEPARATOR()").substring(2, 10);
  static final String DEPLOY_FAILED_SELECTOR = Hash.sha3String("ERC6492DeployFailed(bytes)").substring(0, 10);
  static final byte[] ZERO_SIGNATURE = new byte[Ecdsa.LENGTH];
  static final String OFFCHAIN_VALIDATOR = "contracts/ValidateSigOffchain.json";

  private ContractCalls() {}

  static String isValidSignature(byte[] hash, byte[] signature) {
    return FunctionEncoder.encode(new Function("isValidSignature",
        List.of(new Bytes32(hash), new DynamicBytes(signature)), List.of()));
  }

  static boolean isMagic(Object result) {
    return result instanceof String s && s.equalsIgnoreCase(ERC1271_MAGIC_RESULT);
  }

  /** Deployless ERC-6492 call data: the validator's creation code ‖ abi.encode(signer, hash, signature). */
  static String universalValidation(String signer, byte[] hash, byte[] signature) {
    return ValidatorCode.CREATION_CODE + FunctionEncoder.encodeConstructor(
        List.of(new Address(signer), new Bytes32(hash), new DynamicBytes(signature)));
  }

  static JsonObject call(String to, String data, long gas) {
    JsonObject call = new JsonObject();
    if (to != null) call.put("to", to);
    return call.put("data", data).put("gas", "0x" + Long.toHexString(gas));
  }

  /** Loaded on first use: the artifact is built from src/main/solidity by the Maven build. */
  private static final class ValidatorCode {
    static final String CREATION_CODE = load();

    private static String load() {
      try (InputStream in = ContractCalls.class.getClassLoader().getResourceAsStream(OFFCHAIN_VALIDATOR)) {
        if (in == null) throw new IllegalStateException(OFFCHAIN_VALIDATOR + " is not on the classpath (built by mvn from src/main/solidity)");
        String bytecode = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getString("bytecode");
        if (bytecode == null || !bytecode.startsWith("0x") || bytecode.length() < 4) {
          throw new IllegalStateException(OFFCHAIN_VALIDATOR + " has no creation bytecode");
        }
        return bytecode;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
