package io.tollgate.testing;

import io.tollgate.dev.ContractArtifact;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.utils.Numeric;

/**
 * The buyer's and the operator's side of a local anvil chain, for tests: deploy contracts, sign and
 * send transactions from any key, mine blocks. Blocking (java.net.http); call it from test threads
 * only, never from an event loop.
 */
public final class TestChain {
  /** anvil's first well-known development key (public test mnemonic); funded with 10,000 ETH. */
  public static final Credentials DEPLOYER =
      Credentials.create("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");

  private static final BigInteger GWEI = BigInteger.TEN.pow(9);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final URI rpcUrl;
  private final long chainId;
  private final AtomicInteger ids = new AtomicInteger();

  public TestChain(String rpcUrl, long chainId) {
    this.rpcUrl = URI.create(rpcUrl);
    this.chainId = chainId;
  }

  public long chainId() { return chainId; }

  /** One JSON-RPC call; throws on a JSON-RPC error. */
  public Object rpc(String method, Object... params) {
    JsonObject request = new JsonObject().put("jsonrpc", "2.0").put("id", ids.incrementAndGet())
        .put("method", method).put("params", new JsonArray(Arrays.asList(params)));
    try {
      HttpResponse<String> response = http.send(
          HttpRequest.newBuilder(rpcUrl).header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(request.encode())).build(),
          HttpResponse.BodyHandlers.ofString());
      JsonObject body = new JsonObject(response.body());
      if (body.containsKey("error")) {
        throw new IllegalStateException(method + " failed: " + body.getJsonObject("error").encode());
      }
      return body.getValue("result");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A fresh key with {@code wei} native balance set directly by anvil. */
  public Credentials newAccount(BigInteger wei) {
    try {
      Credentials credentials = Credentials.create(Keys.createEcKeyPair());
      rpc("anvil_setBalance", credentials.getAddress(), Numeric.toHexStringWithPrefix(wei));
      return credentials;
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public Credentials newFundedAccount() {
    return newAccount(BigInteger.TEN.pow(20)); // 100 ETH
  }

  /** Deploys a compiled contract and returns its lowercase address. */
  public String deploy(Credentials from, ContractArtifact artifact, List<Type> constructorArgs) {
    String data = artifact.bytecode()
        + (constructorArgs.isEmpty() ? "" : FunctionEncoder.encodeConstructor(constructorArgs));
    String hash = send(from, null, BigInteger.ZERO, data, BigInteger.valueOf(5_000_000));
    JsonObject receipt = awaitReceipt(hash);
    if (!"0x1".equals(receipt.getString("status"))) throw new IllegalStateException("deploy reverted");
    return receipt.getString("contractAddress").toLowerCase();
  }

  /** Signs and broadcasts an EIP-1559 transaction; returns its hash. {@code to} null deploys. */
  public String send(Credentials from, String to, BigInteger value, String data, BigInteger gasLimit) {
    return send(from, to, value, data, gasLimit, GWEI);
  }

  /** As {@link #send}, tipping {@code tipWei} per gas (a block orders its transactions by tip). */
  public String send(Credentials from, String to, BigInteger value, String data, BigInteger gasLimit, BigInteger tipWei) {
    BigInteger nonce = Numeric.decodeQuantity((String) rpc("eth_getTransactionCount", from.getAddress(), "pending"));
    BigInteger baseFee = Numeric.decodeQuantity((String) rpc("eth_gasPrice"));
    RawTransaction tx = RawTransaction.createTransaction(
        chainId, nonce, gasLimit, to == null ? "" : to, value, data == null ? "" : data,
        tipWei, baseFee.multiply(BigInteger.TWO).add(tipWei));
    String raw = Numeric.toHexString(TransactionEncoder.signMessage(tx, from));
    return (String) rpc("eth_sendRawTransaction", raw);
  }

  public String sendEth(Credentials from, String to, BigInteger wei) {
    return send(from, to, wei, "", BigInteger.valueOf(21_000));
  }

  public String transferToken(Credentials from, String token, String to, BigInteger amount) {
    return send(from, token, BigInteger.ZERO, encode("transfer", new Address(to), new Uint256(amount)),
        BigInteger.valueOf(120_000));
  }

  /** Mints demo stablecoin (the deployer is its minter). */
  public void mintToken(String token, String to, BigInteger amount) {
    awaitReceipt(send(DEPLOYER, token, BigInteger.ZERO, encode("mint", new Address(to), new Uint256(amount)),
        BigInteger.valueOf(120_000)));
  }

  public static String encode(String function, Type<?>... args) {
    return FunctionEncoder.encode(new Function(function, List.of(args), List.of()));
  }

  public void mine(int blocks) {
    rpc("anvil_mine", Numeric.toHexStringWithPrefix(BigInteger.valueOf(blocks)));
  }

  public long blockNumber() {
    return Numeric.decodeQuantity((String) rpc("eth_blockNumber")).longValueExact();
  }

  /** Waits (mining on demand when automine is off is the caller's business) for a receipt. */
  public JsonObject awaitReceipt(String txHash) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      Object receipt = rpc("eth_getTransactionReceipt", txHash);
      if (receipt instanceof JsonObject json) return json;
      try {
        Thread.sleep(25);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException("no receipt for " + txHash);
  }

  /**
   * Uses an EIP-3009 authorization ({@code message}: from, to, value, validAfter, validBefore,
   * nonce) on {@code token} directly, as anyone may (it is a bearer instrument): the deployer calls
   * {@code transferWithAuthorization} with a 65-byte key signature. Returns the mined receipt.
   */
  public JsonObject useAuthorization(String token, JsonObject message, byte[] signature) {
    String call = encode("transferWithAuthorization", new Address(message.getString("from")), new Address(message.getString("to")),
        new Uint256(new BigInteger(message.getString("value"))), new Uint256(new BigInteger(message.getString("validAfter"))),
        new Uint256(new BigInteger(message.getString("validBefore"))),
        new org.web3j.abi.datatypes.generated.Bytes32(Numeric.hexStringToByteArray(message.getString("nonce"))),
        new org.web3j.abi.datatypes.generated.Uint8(signature[64] & 0xff),
        new org.web3j.abi.datatypes.generated.Bytes32(Arrays.copyOfRange(signature, 0, 32)),
        new org.web3j.abi.datatypes.generated.Bytes32(Arrays.copyOfRange(signature, 32, 64)));
    return awaitReceipt(send(DEPLOYER, token, BigInteger.ZERO, call, BigInteger.valueOf(300_000)));
  }
}
