package io.tollgate.payment;

import io.tollgate.chain.AssetKind;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.time.Instant;

/** Node-shaped JSON (receipts, logs, headers, transactions) for rule tests. */
public final class ChainJson {
  public static final String TOKEN = "0x1111111111111111111111111111111111111111";
  public static final String OTHER_TOKEN = "0x2222222222222222222222222222222222222222";
  public static final String RECIPIENT = "0x3333333333333333333333333333333333333333";
  public static final String PAYER = "0x4444444444444444444444444444444444444444";
  public static final String STRANGER = "0x5555555555555555555555555555555555555555";
  public static final String TX_HASH = hash(0xabc);
  public static final Instant CREATED = Instant.parse("2026-11-01T12:00:00Z");
  public static final Instant EXPIRES = Instant.parse("2026-11-01T12:15:00Z");

  private ChainJson() {}

  public static String hash(long n) {
    return String.format("0x%064x", n);
  }

  public static String blockHash(long number) {
    return hash(0xb10c_0000L + number);
  }

  public static PaymentExpectation erc20(BigInteger amount, String payer, int confirmations) {
    return new PaymentExpectation(31337, AssetKind.ERC20, TOKEN, RECIPIENT, amount, payer, CREATED, EXPIRES, confirmations);
  }

  public static PaymentExpectation nativeEth(BigInteger amount, String payer, int confirmations) {
    return new PaymentExpectation(31337, AssetKind.NATIVE, null, RECIPIENT, amount, payer, CREATED, EXPIRES, confirmations);
  }

  public static JsonObject transferLog(String token, String from, String to, BigInteger amount) {
    return new JsonObject()
        .put("address", token)
        .put("topics", new JsonArray().add(PaymentVerifier.TRANSFER_TOPIC).add(topic(from)).add(topic(to)))
        .put("data", String.format("0x%064x", amount))
        .put("removed", false);
  }

  public static String topic(String address) {
    return "0x000000000000000000000000" + address.substring(2);
  }

  public static JsonObject receipt(String txHash, String status, long blockNumber, JsonObject... logs) {
    return new JsonObject()
        .put("transactionHash", txHash)
        .put("status", status)
        .put("blockNumber", "0x" + Long.toHexString(blockNumber))
        .put("blockHash", blockHash(blockNumber))
        .put("logs", new JsonArray(java.util.List.of((Object[]) logs)));
  }

  public static JsonObject receipt(String status, long blockNumber, JsonObject... logs) {
    return receipt(TX_HASH, status, blockNumber, logs);
  }

  public static JsonObject header(long number, Instant time) {
    return new JsonObject()
        .put("number", "0x" + Long.toHexString(number))
        .put("hash", blockHash(number))
        .put("timestamp", "0x" + Long.toHexString(time.getEpochSecond()));
  }

  public static JsonObject transaction(String txHash, String from, String to, BigInteger value) {
    return new JsonObject().put("hash", txHash).put("from", from).put("to", to)
        .put("value", "0x" + value.toString(16));
  }

  public static JsonObject transaction(String from, String to, BigInteger value) {
    return transaction(TX_HASH, from, to, value);
  }
}
