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
 * its nonce is free of worry. One batch of receipts for all of them.
 */
final class Settlement {
  private static final Logger LOG = LoggerFactory.getLogger(Settlement.class);

  private final EthRpc rpc;
  private final RelayStore store;
  private final Consumer<RelayChanged> publisher;

  Settlement(EthRpc rpc, RelayStore store, Consumer<RelayChanged> publisher) {
    this.rpc = rpc;
    this.store = store;
    this.publisher = publisher;
  }

  Future<Void> settle(List<RelayRow> used) {
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
      return store.mined(row, found.hash()).onSuccess(r -> r.ifPresent(mined -> {
        LOG.info("relay {} mined: chain {}, nonce {}, tx {}", row.relayId(), row.chainId(), row.txNonce(), found.hash());
        publisher.accept(RelayChanged.of(mined.ticket()));
      }));
    }
    if (authorizationState.isError() && !row.deploy()) {
      return Future.failedFuture(authorizationState.error()); // not knowing why, decide nothing yet
    }
    // A deploy has no authorization of its own (its factory answers no authorizationState).
    String detail = !row.deploy() && authorizationUsed(authorizationState.result()) ? RelayTicket.AUTHORIZATION_USED_ELSEWHERE
        : found.receipt() != null && row.txHashes().contains(found.hash()) ? RelayTicket.REVERTED : RelayTicket.DROPPED;
    boolean wasOpen = row.state() == RelayState.SENT;
    return store.settledFailed(row, detail).onSuccess(r -> r.filter(x -> wasOpen).ifPresent(failed -> {
      LOG.info("relay {} failed: chain {}, nonce {}, {}", row.relayId(), row.chainId(), row.txNonce(), detail);
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
