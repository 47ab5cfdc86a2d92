package io.tollgate.e2e;

import io.tollgate.signature.TestSigner;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.web3j.abi.DefaultFunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * x402 v2 {@code exact} payloads as the SDK's client makes them ({@code validAfter = now - 600},
 * {@code validBefore = now + maxTimeoutSeconds}, a random nonce, integers as decimal strings),
 * signed by web3j (EIP-712 encoded here independently of Tollgate's own code).
 */
final class X402Payloads {
  private static final SecureRandom RANDOM = new SecureRandom();

  private X402Payloads() {}

  static JsonObject requirements(String asset, String amount, String payTo, String name, String version) {
    JsonObject extra = new JsonObject();
    if (name != null) extra.put("name", name);
    if (version != null) extra.put("version", version);
    return new JsonObject().put("scheme", "exact").put("network", "eip155:" + TollgateFixture.CHAIN_ID).put("asset", asset)
        .put("amount", amount).put("payTo", payTo).put("maxTimeoutSeconds", 60).put("extra", extra);
  }

  static JsonObject authorization(String from, String to, String value, long validAfter, long validBefore) {
    byte[] nonce = new byte[32];
    RANDOM.nextBytes(nonce);
    return new JsonObject().put("from", from).put("to", to).put("value", value)
        .put("validAfter", Long.toString(validAfter)).put("validBefore", Long.toString(validBefore))
        .put("nonce", Numeric.toHexString(nonce));
  }

  /** A fresh authorization of {@code payer} for exactly what {@code requirements} ask, valid now. */
  static JsonObject authorizationFor(Credentials payer, JsonObject requirements) {
    long now = System.currentTimeMillis() / 1000;
    return authorization(payer.getAddress(), requirements.getString("payTo"), requirements.getString("amount"), now - 600,
        now + 60);
  }

  /** The EIP-712 digest of an EIP-3009 TransferWithAuthorization over the domain (name, version, chain, asset). */
  static byte[] digest(JsonObject auth, String name, String version, long chainId, String asset) {
    byte[] domainType = keccak("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    byte[] separator = Hash.sha3(Numeric.hexStringToByteArray(new DefaultFunctionEncoder().encodeParameters(java.util.List.of(
        new Bytes32(domainType), new Bytes32(keccak(name)), new Bytes32(keccak(version)), new Uint256(chainId), new Address(asset)))));
    byte[] type = keccak("TransferWithAuthorization(address from,address to,uint256 value,uint256 validAfter,"
        + "uint256 validBefore,bytes32 nonce)");
    byte[] struct = Hash.sha3(Numeric.hexStringToByteArray(new DefaultFunctionEncoder().encodeParameters(java.util.List.of(
        new Bytes32(type), new Address(auth.getString("from")), new Address(auth.getString("to")),
        new Uint256(new BigInteger(auth.getString("value"))), new Uint256(new BigInteger(auth.getString("validAfter"))),
        new Uint256(new BigInteger(auth.getString("validBefore"))), new Bytes32(Numeric.hexStringToByteArray(auth.getString("nonce")))))));
    byte[] message = new byte[66];
    message[0] = 0x19;
    message[1] = 0x01;
    System.arraycopy(separator, 0, message, 2, 32);
    System.arraycopy(struct, 0, message, 34, 32);
    return Hash.sha3(message);
  }

  static String sign(JsonObject auth, Credentials signer, String name, String version, String asset) {
    return Numeric.toHexString(TestSigner.sign(digest(auth, name, version, TollgateFixture.CHAIN_ID, asset), signer.getEcKeyPair()));
  }

  /** The facilitator request body: {x402Version, paymentPayload, paymentRequirements}. */
  static JsonObject body(JsonObject requirements, JsonObject accepted, JsonObject auth, String signature) {
    JsonObject payload = new JsonObject().put("x402Version", 2)
        .put("resource", new JsonObject().put("url", "http://localhost/weather").put("description", "weather"))
        .put("accepted", accepted).put("payload", new JsonObject().put("signature", signature).put("authorization", auth));
    return new JsonObject().put("x402Version", 2).put("paymentPayload", payload).put("paymentRequirements", requirements);
  }

  /** A correctly signed body of {@code payer} paying what {@code requirements} ask. */
  static JsonObject paying(Credentials payer, JsonObject requirements, String asset) {
    JsonObject auth = authorizationFor(payer, requirements);
    JsonObject extra = requirements.getJsonObject("extra");
    return body(requirements, requirements.copy(), auth, sign(auth, payer, extra.getString("name"), extra.getString("version"), asset));
  }

  static String hex(byte[] bytes) {
    return "0x" + HexFormat.of().formatHex(bytes);
  }

  private static byte[] keccak(String text) {
    return Hash.sha3(text.getBytes(StandardCharsets.UTF_8));
  }
}
