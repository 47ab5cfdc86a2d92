package io.tollgate.watch;

import io.tollgate.chain.ChainDataException;
import io.tollgate.chain.Hex;
import io.tollgate.chain.RpcRequest;
import io.tollgate.chain.RpcResponse;
import io.tollgate.payment.ActivePayment;
import io.tollgate.payment.PaymentVerifier;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One block's token {@code Transfer} logs to the recipients of waiting ERC-20 payments, asked with
 * one {@code eth_getLogs} instead of a receipt per payment.
 *
 * <p>Why a transaction's logs can stand in for its receipt: a node keeps the logs of successful
 * transactions only, so a transaction with logs in the block has status 1; and the
 * {@link io.tollgate.payment.PaymentVerifier} decides an ERC-20 payment from the expected token's
 * {@code Transfer} logs alone, looking at any other log only when that token moved nothing, and at
 * transfers to others only when none reached the recipient. So a transaction with at least one
 * expected-token {@code Transfer} to its recipient gets the same verdict from these logs as from its
 * receipt. A transaction without such logs (reverted, or paying something else) still needs its
 * receipt, which says why.
 *
 * <p>Why it is cheaper: under a drop's load, anvil took a median 59 ms (p90 152) to return a block
 * of ~167 receipts, and 5.5 ms (p90 23) for the same block's header and logs (docs/BENCHMARKS.md);
 * a provider bills one call instead of one per payment.
 */
final class BlockTransferLogs {
  private BlockTransferLogs() {}

  /** The {@code eth_getLogs} call for block {@code number}: the payments' tokens, to their recipients. */
  static RpcRequest request(long number, List<ActivePayment> payments) {
    Set<String> tokens = new LinkedHashSet<>();
    Set<String> recipients = new LinkedHashSet<>();
    for (ActivePayment payment : payments) {
      tokens.add(Hex.address(payment.expectation().tokenAddress()));
      recipients.add(topicOf(Hex.address(payment.expectation().recipient())));
    }
    JsonObject filter = new JsonObject()
        .put("fromBlock", Hex.quantity(number))
        .put("toBlock", Hex.quantity(number))
        .put("address", new JsonArray(List.copyOf(tokens)))
        .put("topics", new JsonArray().add(PaymentVerifier.TRANSFER_TOPIC).addNull()
            .add(new JsonArray(List.copyOf(recipients))));
    return RpcRequest.of("eth_getLogs", filter);
  }

  /**
   * The answer's logs by transaction hash (lower case), each of block {@code blockHash}.
   *
   * @throws ChainDataException when the answer is an error, malformed, or holds a log of another
   *     block (the node's view moved between the header and the logs): nothing of it can be used
   */
  static Map<String, JsonArray> byTransaction(RpcResponse answer, long number, String blockHash) {
    if (answer.isError()) throw new ChainDataException("eth_getLogs: " + answer.error().getMessage());
    if (!(answer.result() instanceof JsonArray logs)) throw new ChainDataException("eth_getLogs answered no array");
    Map<String, JsonArray> byTx = new HashMap<>();
    for (Object item : logs) {
      if (!(item instanceof JsonObject log)) throw new ChainDataException("log is not an object");
      if (!Hex.hash(Hex.member(log, "blockHash")).equalsIgnoreCase(blockHash)
          || Hex.longQuantity(Hex.member(log, "blockNumber")) != number) {
        throw new ChainDataException("log of block " + log.getValue("blockHash") + " in the logs of " + blockHash);
      }
      byTx.computeIfAbsent(Hex.hash(Hex.member(log, "transactionHash")), tx -> new JsonArray()).add(log);
    }
    return byTx;
  }

  /** What the verifier reads of a receipt, for a transaction whose logs are in block {@code number}. */
  static JsonObject receiptOf(String txHash, long number, String blockHash, JsonArray logs) {
    return new JsonObject()
        .put("transactionHash", txHash)
        .put("blockNumber", Hex.quantity(number))
        .put("blockHash", blockHash)
        .put("status", "0x1") // only a successful transaction leaves logs
        .put("logs", logs);
  }

  /** The transaction hashes of a header asked without full transactions, lower case; null if absent. */
  static Set<String> transactionsOf(JsonObject header) {
    if (!(header.getValue("transactions") instanceof JsonArray hashes)) return null;
    Set<String> out = new java.util.HashSet<>(hashes.size() * 2);
    for (Object hash : hashes) {
      if (!(hash instanceof String text)) return null; // full transaction objects: not what was asked
      out.add(text.toLowerCase(java.util.Locale.ROOT));
    }
    return out;
  }

  private static String topicOf(String address) {
    return "0x000000000000000000000000" + address.substring(2);
  }
}
