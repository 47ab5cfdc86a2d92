package io.tollgate.relay;

import io.tollgate.chain.EthRpc;
import io.tollgate.chain.Hex;
import io.tollgate.chain.RpcRequest;
import io.tollgate.chain.RpcResponse;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Bytes32;

/**
 * Relays whose nonce the chain has used: which transaction used it. One of ours that succeeded →
 * MINED; one of ours that reverted, or none of ours → FAILED, saying whether the authorization was
 * consumed by another transaction ({@code authorizationState}); the cancel of a given-up relay →
 * its nonce is free of worry.
 *
 * <p>First ONE {@code eth_getLogs} for the round: the tokens' {@code AuthorizationUsed(authorizer,
 * nonce)} and {@code Transfer(from, ...)} events of the round's authorizers in the blocks since the
 * last settled reading. An {@code AuthorizationUsed} of one of our own hashes for the relay's
 * authorization says it succeeded (a reverted transaction leaves no log), so a round's successful
 * relays cost one call together instead of a receipt each (issue 16 counts the calls of every
 * gasless checkout); the same answer's {@code Transfer}s of that transaction are kept with the relay
 * ({@link MinedLogs}), so a caller can check what moved without a call of its own. Both events are
 * asked in the one filter (topic 0 either event, topic 1 the authorizers), so the answer holds only
 * the round's payers' logs. Whatever the logs do not explain (a deploy, a revert, another sender,
 * the first round after a start) is asked by receipts, in one batch; a receipt's logs give the same facts.
 */
final class Settlement {
  private static final Logger LOG = LoggerFactory.getLogger(Settlement.class);

  private final EthRpc rpc;
  private final RelayStore store;
  private final Consumer<RelayChanged> publisher;
  /** keccak256("AuthorizationUsed(address,bytes32)"): EIP-3009's event for a used authorization. */
  static final String AUTHORIZATION_USED = org.web3j.crypto.Hash.sha3String("AuthorizationUsed(address,bytes32)");
  /** The widest span of blocks asked in one eth_getLogs; wider: receipts. */
  static final long MAX_LOG_BLOCKS = 500;
  /**
   * The most authorizers named in the filter's topic 1 (providers cap the alternatives of a topic;
   * geth at 1,000); with more the filter names none, and the answer holds every payer's logs.
   */
  static final int MAX_FILTER_AUTHORIZERS = 256;
  /** The block through which every used nonce was settled, or -1 (not known since the start: receipts). */
  private long settledThrough = -1;

  Settlement(EthRpc rpc, RelayStore store, Consumer<RelayChanged> publisher) {
    this.rpc = rpc;
    this.store = store;
    this.publisher = publisher;
  }

  /**
   * @param readAt the block of the round's reading: every nonce used at it was used in a block up to
   *     it (or a later one), so the next round's logs start after it
   */
  Future<Void> settle(List<RelayRow> used, long readAt) {
    if (used.isEmpty()) {
      settledThrough = Math.max(settledThrough, readAt);
      return Future.succeededFuture();
    }
    long from = settledThrough + 1;
    // Logs only over a short span (after a long quiet spell providers refuse wide ranges), and a
    // failed or refused logs call falls back to receipts: settling never depends on eth_getLogs.
    Future<List<RelayRow>> left = settledThrough < 0 || from > readAt || readAt - from > MAX_LOG_BLOCKS
        ? Future.succeededFuture(used)
        : byLogs(used, from).recover(e -> Future.succeededFuture(used));
    return left.compose(this::byReceipts).onSuccess(v -> settledThrough = Math.max(settledThrough, readAt));
  }

  /** The relays the logs show succeeded are settled MINED; answers the others. */
  private Future<List<RelayRow>> byLogs(List<RelayRow> used, long from) {
    java.util.Set<String> tokens = new java.util.TreeSet<>();
    java.util.Set<String> authorizers = new java.util.TreeSet<>();
    for (RelayRow row : used) {
      if (row.deploy()) continue;
      tokens.add(row.tokenContract().toLowerCase(java.util.Locale.ROOT));
      authorizers.add(topic(row.key().from()));
    }
    if (tokens.isEmpty()) return Future.succeededFuture(used);
    io.vertx.core.json.JsonArray topics = new io.vertx.core.json.JsonArray()
        .add(new io.vertx.core.json.JsonArray().add(AUTHORIZATION_USED).add(MinedLogs.TRANSFER));
    if (authorizers.size() <= MAX_FILTER_AUTHORIZERS) topics.add(new io.vertx.core.json.JsonArray(new ArrayList<>(authorizers)));
    JsonObject filter = new JsonObject().put("fromBlock", Hex.quantity(from)).put("toBlock", "latest")
        .put("address", new io.vertx.core.json.JsonArray(new ArrayList<>(tokens))).put("topics", topics);
    return rpc.call("eth_getLogs", new io.vertx.core.json.JsonArray().add(filter)).compose(result -> {
      // (token, authorizer, nonce) -> the hash of the transaction that used it; tx hash -> its logs
      java.util.Map<String, String> usedBy = new java.util.HashMap<>();
      java.util.Map<String, List<JsonObject>> byTx = new java.util.HashMap<>();
      if (result instanceof io.vertx.core.json.JsonArray logs) {
        for (Object entry : logs) {
          if (!(entry instanceof JsonObject log) || log.getJsonArray("topics") == null || log.getJsonArray("topics").size() < 3
              || Boolean.TRUE.equals(log.getBoolean("removed"))) continue;
          String tx = String.valueOf(log.getString("transactionHash")).toLowerCase(java.util.Locale.ROOT);
          byTx.computeIfAbsent(tx, k -> new ArrayList<>()).add(log);
          if (!AUTHORIZATION_USED.equalsIgnoreCase(log.getJsonArray("topics").getString(0))) continue;
          String authorizer = "0x" + log.getJsonArray("topics").getString(1).substring(26);
          usedBy.put(logKey(String.valueOf(log.getString("address")), authorizer, log.getJsonArray("topics").getString(2)), tx);
        }
      }
      List<RelayRow> unexplained = new ArrayList<>();
      List<Future<?>> writes = new ArrayList<>();
      for (RelayRow row : used) {
        String hash = row.deploy() ? null : usedBy.get(logKey(row.tokenContract(), row.key().from(), row.key().nonce()));
        Optional<String> ours = hash == null ? Optional.empty() : row.txHashes().stream().filter(h -> h.equalsIgnoreCase(hash)).findFirst();
        if (ours.isPresent()) {
          // the same transaction's logs, as its receipt would list them (the ones the filter let through)
          JsonObject asReceipt = new JsonObject().put("status", "0x1")
              .put("logs", new io.vertx.core.json.JsonArray(new ArrayList<>(byTx.get(hash))));
          writes.add(settleOne(new Found(row, ours.get(), asReceipt), null));
        } else {
          unexplained.add(row);
        }
      }
      return Future.join(writes).map(unexplained);
    });
  }

  /** An address as a 32-byte topic (lowercase). */
  private static String topic(String address) {
    return "0x000000000000000000000000" + address.substring(2).toLowerCase(java.util.Locale.ROOT);
  }

  private static String logKey(String token, String authorizer, String nonce) {
    return (token + "|" + authorizer + "|" + nonce).toLowerCase(java.util.Locale.ROOT);
  }

  private Future<Void> byReceipts(List<RelayRow> used) {
    if (used.isEmpty()) return Future.succeededFuture();
    List<RpcRequest> calls = new ArrayList<>();
    List<List<String>> hashesPerRow = new ArrayList<>();
    for (RelayRow row : used) {
      List<String> hashes = new ArrayList<>(row.txHashes());
      if (row.currentHash() != null && !hashes.contains(row.currentHash())) hashes.add(row.currentHash());
      hashesPerRow.add(hashes);
      hashes.forEach(h -> calls.add(RpcRequest.of("eth_getTransactionReceipt", h)));
    }
    return rpc.batch(calls).compose(answers -> {
      List<Future<?>> writes = new ArrayList<>();
      List<RelayRow> unexplained = new ArrayList<>();
      List<Found> found = new ArrayList<>();
      int at = 0;
      for (int i = 0; i < used.size(); i++) {
        RelayRow row = used.get(i);
        Found mine = new Found(row, null, null);
        for (String h : hashesPerRow.get(i)) {
          RpcResponse answer = answers.get(at++);
          if (!answer.isError() && answer.result() instanceof JsonObject json) mine = new Found(row, h, json);
        }
        if (mine.succeeded()) writes.add(settleOne(mine, null));
        else {
          unexplained.add(row);
          found.add(mine);
        }
      }
      // Only a relay that did not succeed needs to know whether its authorization was used elsewhere.
      if (unexplained.isEmpty()) return Future.join(writes).mapEmpty();
      return rpc.batch(unexplained.stream().map(Settlement::authorizationState).toList()).compose(states -> {
        for (int i = 0; i < found.size(); i++) writes.add(settleOne(found.get(i), states.get(i)));
        return Future.join(writes).mapEmpty();
      });
    });
  }

  /** The receipt of the relay's transaction that used its nonce, if it was one of ours. */
  private record Found(RelayRow row, String hash, JsonObject receipt) {
    boolean succeeded() {
      return receipt != null && row.txHashes().contains(hash) && "0x1".equals(receipt.getString("status"));
    }
  }

  private Future<?> settleOne(Found found, RpcResponse authorizationState) {
    RelayRow row = found.row();
    if (found.succeeded()) {
      MinedLogs logs = row.deploy() ? null
          : MinedLogs.ofReceipt(found.receipt(), row.tokenContract(), row.key().from(), row.key().nonce());
      return store.mined(row, found.hash(), logs).onSuccess(r -> r.ifPresent(mined -> {
        LOG.debug("relay {} mined: chain {}, nonce {}, tx {}", row.relayId(), row.chainId(), row.txNonce(), found.hash());
        publisher.accept(RelayChanged.of(mined.ticket()));
      }));
    }
    if (authorizationState.isError() && !row.deploy()) {
      return Future.failedFuture(authorizationState.error()); // not knowing why, decide nothing yet
    }
    // A deploy has no authorization of its own (its factory answers no authorizationState).
    boolean oursReverted = found.receipt() != null && row.txHashes().contains(found.hash());
    String detail = !row.deploy() && authorizationUsed(authorizationState.result()) ? RelayTicket.AUTHORIZATION_USED_ELSEWHERE
        : oursReverted ? RelayTicket.REVERTED : RelayTicket.DROPPED;
    boolean wasOpen = row.state() == RelayState.SENT;
    String revertedHash = oursReverted ? found.hash() : null;
    return store.settledFailed(row, detail, revertedHash).onSuccess(r -> r.filter(x -> wasOpen).ifPresent(failed -> {
      LOG.debug("relay {} failed: chain {}, nonce {}, {}", row.relayId(), row.chainId(), row.txNonce(), detail);
      publisher.accept(RelayChanged.of(failed.ticket()));
    }));
  }

  /** {@code authorizationState(from, nonce)} on the token, at the latest block. */
  static RpcRequest authorizationState(RelayRow row) {
    String data = FunctionEncoder.encode(new Function("authorizationState",
        List.of(new Address(row.key().from()), new Bytes32(Hex.decode(row.key().nonce()))), List.of()));
    return RpcRequest.of("eth_call", new JsonObject().put("to", row.key().token()).put("data", data), "latest");
  }

  static boolean authorizationUsed(Object result) {
    byte[] word = result instanceof String text ? Hex.decodeOrNull(text) : null;
    return word != null && word.length == 32 && new BigInteger(1, word).signum() != 0;
  }

}
