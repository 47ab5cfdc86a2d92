package io.tollgate.gasless;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import org.web3j.abi.DefaultFunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * The EIP-712 domain of an EIP-3009 token: fields in the order USDC and USDT0 declare them (name,
 * version, chainId, verifyingContract). A wrong name or version gives a different separator, so a
 * buyer's signature would be refused by the token itself: it must be the token's own.
 *
 * @param verifyingContract the token's address, lowercase 0x-hex
 */
public record TokenDomain(String name, String version, long chainId, String verifyingContract) {
  static final byte[] DOMAIN_TYPEHASH = Hash.sha3(
      "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)".getBytes(StandardCharsets.US_ASCII));

  public TokenDomain {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(verifyingContract, "verifyingContract");
  }

  /** {@code keccak256(abi.encode(typehash, keccak256(name), keccak256(version), chainId, verifyingContract))}. */
  public byte[] separator() {
    List<Type> fields = List.of(new Bytes32(DOMAIN_TYPEHASH),
        new Bytes32(Hash.sha3(name.getBytes(StandardCharsets.UTF_8))),
        new Bytes32(Hash.sha3(version.getBytes(StandardCharsets.UTF_8))),
        new Uint256(chainId), new Address(verifyingContract));
    return Hash.sha3(Numeric.hexStringToByteArray(new DefaultFunctionEncoder().encodeParameters(fields)));
  }

  /** The {@code domain} member of {@code eth_signTypedData_v4}'s argument. */
  JsonObject toJson() {
    return new JsonObject().put("name", name).put("version", version).put("chainId", chainId)
        .put("verifyingContract", verifyingContract);
  }
}
