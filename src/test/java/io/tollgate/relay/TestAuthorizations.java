package io.tollgate.relay;

import io.tollgate.chain.Hex;
import io.tollgate.testing.TestChain;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.TypeEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint8;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.Sign;

/**
 * EIP-3009 authorizations for the demo stablecoin, signed by test keys with web3j over the
 * contract's own EIP-712 domain separator, and the {@code transferWithAuthorization} calldata that
 * relays them. Blocking (reads the domain from the chain once): test threads only.
 */
final class TestAuthorizations {
  private static final byte[] TYPEHASH = Hash.sha3(("TransferWithAuthorization(address from,address to,uint256 value,"
      + "uint256 validAfter,uint256 validBefore,bytes32 nonce)").getBytes(java.nio.charset.StandardCharsets.UTF_8));
  private static final SecureRandom RANDOM = new SecureRandom();

  private final TestChain chain;
  private final String token;
  private final byte[] domainSeparator;

  TestAuthorizations(TestChain chain, String token) {
    this.chain = chain;
    this.token = token;
    String result = (String) chain.rpc("eth_call", new JsonObject().put("to", token)
        .put("data", FunctionEncoder.encode(new Function("DOMAIN_SEPARATOR", List.of(), List.of()))), "latest");
    this.domainSeparator = Hex.decode(result);
  }

  /** A relay order for a fresh authorization of {@code value} from {@code payer} to {@code to}, valid until {@code validBefore}. */
  RelayOrder order(Credentials payer, String to, BigInteger value, Instant validBefore, String purpose) {
    byte[] nonce = new byte[32];
    RANDOM.nextBytes(nonce);
    return order(payer, payer, to, value, validBefore, nonce, purpose);
  }

  /** As above, but signed by {@code signer} (a wrong signer makes the relay revert). */
  RelayOrder order(Credentials payer, Credentials signer, String to, BigInteger value, Instant validBefore, byte[] nonce,
      String purpose) {
    BigInteger validAfter = BigInteger.ZERO;
    BigInteger before = BigInteger.valueOf(validBefore.getEpochSecond());
    String from = payer.getAddress().toLowerCase();
    byte[] struct = Hash.sha3(concat(TYPEHASH, word(new Address(from)), word(new Address(to)), word(new Uint256(value)),
        word(new Uint256(validAfter)), word(new Uint256(before)), nonce));
    byte[] digest = Hash.sha3(concat(new byte[] {0x19, 0x01}, domainSeparator, struct));
    Sign.SignatureData sig = Sign.signMessage(digest, signer.getEcKeyPair(), false);
    String calldata = FunctionEncoder.encode(new Function("transferWithAuthorization", List.of(new Address(from),
        new Address(to), new Uint256(value), new Uint256(validAfter), new Uint256(before), new Bytes32(nonce),
        new Uint8(new BigInteger(1, sig.getV())), new Bytes32(sig.getR()), new Bytes32(sig.getS())), List.of()));
    return new RelayOrder(new AuthorizationKey(chain.chainId(), token, from, Hex.encode(nonce)), token,
        Hex.decode(calldata), validBefore, purpose);
  }

  private static byte[] word(org.web3j.abi.datatypes.Type<?> value) {
    return Hex.decode("0x" + TypeEncoder.encode(value));
  }

  private static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] p : parts) length += p.length;
    byte[] out = new byte[length];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }
}
