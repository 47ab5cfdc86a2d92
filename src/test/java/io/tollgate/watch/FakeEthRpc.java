package io.tollgate.watch;

import io.tollgate.chain.EthRpc;
import io.tollgate.chain.RpcException;
import io.tollgate.chain.RpcRequest;
import io.tollgate.chain.RpcResponse;
import io.tollgate.chain.RpcUnavailableException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A scripted chain answering synchronously; records every batch it was sent. */
final class FakeEthRpc implements EthRpc {
  final Map<Long, JsonObject> canonical = new HashMap<>();
  final Map<String, JsonObject> byHash = new HashMap<>();
  final Map<String, JsonObject> receipts = new HashMap<>();
  final Map<String, JsonObject> transactions = new HashMap<>();
  final Map<String, RpcException> receiptErrors = new HashMap<>();
  final Map<String, RpcException> transactionErrors = new HashMap<>();
  final List<List<RpcRequest>> batches = new ArrayList<>();
  final List<String> calls = new ArrayList<>();
  /** Batches (by their index in {@link #batches}) answered only once the future completes. */
  final Map<Integer, Future<Void>> held = new HashMap<>();
  long head;
  boolean down;
  /** When set, eth_getLogs answers this error. */
  RpcException logsError;

  FakeEthRpc(long genesisHead, Instant genesisTime) {
    this.head = genesisHead;
    addBlock(genesisHead, blockHashOf(genesisHead, 0), genesisTime);
  }

  static String blockHashOf(long number, int fork) {
    return String.format("0x%016x%048x", fork, number);
  }

  JsonObject addBlock(long number, String hash, Instant time) {
    JsonObject parent = canonical.get(number - 1);
    JsonObject header = new JsonObject().put("number", "0x" + Long.toHexString(number)).put("hash", hash)
        .put("parentHash", parent == null ? blockHashOf(number - 1, 0) : parent.getString("hash"))
        .put("timestamp", "0x" + Long.toHexString(time.getEpochSecond()))
        .put("transactions", new JsonArray());
    canonical.put(number, header);
    byHash.put(hash, header);
    return header;
  }

  /**
   * Mines the next block 12 s after the head, including the given receipts (status 0x1 unless set);
   * their transactions, if known, get the block's number and hash as a node's would.
   */
  String mine(JsonObject... includedReceipts) {
    Instant time = Instant.ofEpochSecond(
        Long.decode(canonical.get(head).getString("timestamp")) + 12);
    head++;
    String hash = blockHashOf(head, 0);
    addBlock(head, hash, time);
    JsonArray listed = canonical.get(head).getJsonArray("transactions");
    for (JsonObject receipt : includedReceipts) {
      listed.add(receipt.getString("transactionHash"));
      receipt.put("blockNumber", "0x" + Long.toHexString(head)).put("blockHash", hash);
      receipts.put(receipt.getString("transactionHash"), receipt);
      JsonObject tx = transactions.get(receipt.getString("transactionHash"));
      if (tx != null) tx.put("blockNumber", "0x" + Long.toHexString(head)).put("blockHash", hash);
    }
    return hash;
  }

  Instant headTime() {
    return Instant.ofEpochSecond(Long.decode(canonical.get(head).getString("timestamp")));
  }

  @Override
  public long chainId() { return 31337; }

  @Override
  public Future<Object> call(String method, JsonArray params) {
    calls.add(method);
    if (down) return Future.failedFuture(new RpcUnavailableException("down", null));
    if (!method.equals("eth_blockNumber")) throw new UnsupportedOperationException(method);
    return Future.succeededFuture("0x" + Long.toHexString(head));
  }

  @Override
  public Future<List<RpcResponse>> batch(List<RpcRequest> requests) {
    batches.add(List.copyOf(requests));
    if (down) return Future.failedFuture(new RpcUnavailableException("down", null));
    List<RpcResponse> answers = new ArrayList<>();
    for (RpcRequest request : requests) {
      String first = request.params().getValue(0).toString();
      answers.add(switch (request.method()) {
        case "eth_getBlockByNumber" -> RpcResponse.ok(copy(canonical.get(Long.decode(first))));
        case "eth_getBlockByHash" -> RpcResponse.ok(copy(byHash.get(first)));
        case "eth_getTransactionReceipt" -> receiptErrors.containsKey(first)
            ? RpcResponse.failed(receiptErrors.get(first)) : RpcResponse.ok(copy(receipts.get(first)));
        case "eth_getTransactionByHash" -> transactionErrors.containsKey(first)
            ? RpcResponse.failed(transactionErrors.get(first)) : RpcResponse.ok(copy(transactions.get(first)));
        case "eth_getLogs" -> logsError != null ? RpcResponse.failed(logsError) : RpcResponse.ok(logs(request.params().getJsonObject(0)));
        default -> throw new UnsupportedOperationException(request.method());
      });
    }
    Future<Void> hold = held.remove(batches.size() - 1);
    return hold == null ? Future.succeededFuture(answers) : hold.map(v -> answers);
  }

  /** A node's eth_getLogs for one block: its receipts' logs by address and topics 0 and 2, as a node returns them. */
  private JsonArray logs(JsonObject filter) {
    if (!filter.getString("fromBlock").equals(filter.getString("toBlock"))) throw new UnsupportedOperationException("range");
    JsonObject block = canonical.get(Long.decode(filter.getString("fromBlock")));
    JsonArray out = new JsonArray();
    if (block == null) return out;
    JsonArray addresses = filter.getJsonArray("address");
    JsonArray topics = filter.getJsonArray("topics");
    for (Object tx : block.getJsonArray("transactions")) {
      JsonObject receipt = receipts.get((String) tx);
      if (receipt == null || !"0x1".equals(receipt.getString("status", "0x1"))) continue;
      for (Object item : receipt.getJsonArray("logs", new JsonArray())) {
        JsonObject log = (JsonObject) item;
        JsonArray logTopics = log.getJsonArray("topics");
        if (!matches(addresses, log.getString("address"))) continue;
        if (!matches(topics.getValue(0), logTopics.size() > 0 ? logTopics.getString(0) : null)) continue;
        if (topics.size() > 2 && !matches(topics.getValue(2), logTopics.size() > 2 ? logTopics.getString(2) : null)) continue;
        out.add(log.copy().put("transactionHash", tx).put("blockHash", block.getString("hash"))
            .put("blockNumber", block.getString("number")).put("removed", false));
      }
    }
    return out;
  }

  private static boolean matches(Object wanted, String actual) {
    if (wanted == null) return true;
    if (actual == null) return false;
    if (wanted instanceof JsonArray any) return any.stream().anyMatch(w -> ((String) w).equalsIgnoreCase(actual));
    return ((String) wanted).equalsIgnoreCase(actual);
  }

  private static JsonObject copy(JsonObject json) {
    return json == null ? null : json.copy();
  }

  /** Method names of the last batch. */
  List<String> lastBatchMethods() {
    return batches.get(batches.size() - 1).stream().map(RpcRequest::method).toList();
  }
}
