package io.tollgate.x402;

import io.tollgate.chain.EthRpc;
import io.tollgate.chain.Hex;
import io.tollgate.chain.RpcException;
import io.tollgate.chain.RpcRequest;
import io.tollgate.chain.RpcResponse;
import io.tollgate.chain.RpcUnavailableException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A chain at the JSON-RPC boundary for verify's facts: blocks with hashes and parents, one EIP-3009
 * token's balances and used nonces per block, and its Transfer / AuthorizationUsed logs. Answers the
 * facts helper's {@code eth_call} (at "latest" or a block number, as the chain stood there),
 * {@code eth_getBlockByNumber}, and {@code eth_getLogs} by block hash or range; records every call
 * (method and params, each call of a batch on its own); {@link #fail} makes one method fail as a
 * provider error does. A test mines blocks, moves money, uses nonces and replaces blocks (a reorg).
 */
final class FakeFactsChain implements EthRpc {
  record Call(String method, JsonArray params) {}

  private record Block(long number, String hash, String parentHash, Map<String, BigInteger> balances, Set<String> used,
      List<JsonObject> logs) {}

  final String token;
  private final List<Block> blocks = new ArrayList<>();
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final Set<String> failing = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private Map<String, BigInteger> balances = new HashMap<>();
  private Set<String> used = new HashSet<>();
  private final List<JsonObject> pending = new ArrayList<>();
  private int forks;

  FakeFactsChain(String token) {
    this.token = token;
    blocks.add(new Block(0, hash(0, 0), hash(-1, 0), Map.of(), Set.of(), List.of()));
  }

  @Override
  public long chainId() {
    return 31337;
  }

  synchronized FakeFactsChain mint(String holder, long units) {
    balances.merge(holder, BigInteger.valueOf(units), BigInteger::add);
    pending.add(transferLog("0x0000000000000000000000000000000000000000", holder, units));
    return this;
  }

  /** A Transfer in the next block. */
  synchronized FakeFactsChain transfer(String from, String to, long units) {
    balances.merge(from, BigInteger.valueOf(-units), BigInteger::add);
    balances.merge(to, BigInteger.valueOf(units), BigInteger::add);
    pending.add(transferLog(from, to, units));
    return this;
  }

  /** A balance change the token logs nothing about (a rebasing token). */
  synchronized FakeFactsChain silentlySet(String holder, long units) {
    balances.put(holder, BigInteger.valueOf(units));
    return this;
  }

  /** AuthorizationUsed (or AuthorizationCanceled) in the next block. */
  synchronized FakeFactsChain use(String authorizer, String nonce, boolean canceled) {
    used.add(authorizer + nonce);
    pending.add(log(canceled ? FactLogs.CANCELED : FactLogs.USED, word(authorizer), nonce, "0x"));
    return this;
  }

  /** Mines the pending changes into a new block. */
  synchronized long mine() {
    Block head = blocks.get(blocks.size() - 1);
    long number = head.number() + 1;
    String hash = hash(number, forks);
    List<JsonObject> logs = new ArrayList<>();
    for (int i = 0; i < pending.size(); i++) {
      logs.add(pending.get(i).copy().put("blockNumber", Hex.quantity(number)).put("blockHash", hash)
          .put("logIndex", Hex.quantity(i)));
    }
    pending.clear();
    blocks.add(new Block(number, hash, head.hash(), Map.copyOf(balances), Set.copyOf(used), logs));
    return number;
  }

  /** Replaces the head block by another of the same height and content (a reorg of depth one). */
  synchronized void replaceHead() {
    Block head = blocks.remove(blocks.size() - 1);
    forks++;
    String hash = hash(head.number(), forks);
    List<JsonObject> logs = head.logs().stream().map(l -> l.copy().put("blockHash", hash)).toList();
    blocks.add(new Block(head.number(), hash, head.parentHash(), head.balances(), head.used(), logs));
  }

  synchronized long head() {
    return blocks.get(blocks.size() - 1).number();
  }

  void fail(String method, boolean fail) {
    if (fail) failing.add(method);
    else failing.remove(method);
  }

  List<Call> calls() {
    return List.copyOf(calls);
  }

  long count(String method) {
    return calls.stream().filter(c -> c.method().equals(method)).count();
  }

  @Override
  public Future<Object> call(String method, JsonArray params) {
    calls.add(new Call(method, params.copy()));
    RpcResponse r = answer(method, params);
    if (r == null) return Future.failedFuture(new RpcUnavailableException("fake chain: " + method + " is down", null));
    return r.isError() ? Future.failedFuture(r.error()) : Future.succeededFuture(r.result());
  }

  @Override
  public Future<List<RpcResponse>> batch(List<RpcRequest> requests) {
    List<RpcResponse> out = new ArrayList<>();
    for (RpcRequest r : requests) {
      calls.add(new Call(r.method(), r.params().copy()));
      RpcResponse answer = answer(r.method(), r.params());
      out.add(answer == null ? RpcResponse.failed(new RpcException(-32000, "fake chain: " + r.method() + " is down", null)) : answer);
    }
    return Future.succeededFuture(out);
  }

  private synchronized RpcResponse answer(String method, JsonArray params) {
    if (failing.contains(method)) return null;
    switch (method) {
      case "eth_getBlockByNumber": {
        Block b = at(params.getString(0));
        return RpcResponse.ok(b == null ? null : new JsonObject().put("number", Hex.quantity(b.number())).put("hash", b.hash())
            .put("parentHash", b.parentHash()));
      }
      case "eth_getLogs": {
        JsonObject filter = params.getJsonObject(0);
        List<Block> range = new ArrayList<>();
        if (filter.containsKey("blockHash")) {
          blocks.stream().filter(b -> b.hash().equals(filter.getString("blockHash"))).forEach(range::add);
          if (range.isEmpty()) return RpcResponse.failed(new RpcException(-32000, "unknown block", null));
        } else {
          long from = Hex.longQuantity(filter.getString("fromBlock"));
          long to = Hex.longQuantity(filter.getString("toBlock"));
          blocks.stream().filter(b -> b.number() >= from && b.number() <= to).forEach(range::add);
        }
        JsonArray logs = new JsonArray();
        range.forEach(b -> b.logs().forEach(logs::add));
        return RpcResponse.ok(logs);
      }
      case "eth_call": {
        Block b = at(params.getString(1));
        String data = params.getJsonObject(0).getString("data");
        String args = data.substring(data.length() - 3 * 64);
        String from = "0x" + args.substring(64 + 24, 128);
        String nonce = "0x" + args.substring(128);
        BigInteger balance = b.balances().getOrDefault(from, BigInteger.ZERO);
        boolean nonceUsed = b.used().contains(from + nonce);
        StringBuilder out = new StringBuilder("0x");
        for (BigInteger w : List.of(BigInteger.ONE, nonceUsed ? BigInteger.ONE : BigInteger.ZERO, BigInteger.ONE, balance,
            BigInteger.ZERO, BigInteger.valueOf(1234), BigInteger.valueOf(7 * 32), BigInteger.ZERO)) {
          out.append(String.format("%064x", w));
        }
        return RpcResponse.ok(out.toString());
      }
      default:
        return RpcResponse.failed(new RpcException(-32601, "fake chain does not answer " + method, null));
    }
  }

  private Block at(String tag) {
    if ("latest".equals(tag)) return blocks.get(blocks.size() - 1);
    long n = Hex.longQuantity(tag);
    return n < blocks.size() ? blocks.get((int) n) : null;
  }

  private JsonObject transferLog(String from, String to, long units) {
    return log(FactLogs.TRANSFER, word(from), word(to), String.format("0x%064x", units));
  }

  private JsonObject log(String topic0, String topic1, String topic2, String data) {
    return new JsonObject().put("address", token).put("topics", new JsonArray().add(topic0).add(topic1).add(topic2))
        .put("data", data).put("removed", false);
  }

  static String word(String address) {
    return "0x000000000000000000000000" + address.substring(2);
  }

  private static String hash(long number, int fork) {
    return String.format("0x%056x%08x", number, fork);
  }
}
