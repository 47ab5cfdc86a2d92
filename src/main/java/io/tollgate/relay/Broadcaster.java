package io.tollgate.relay;

import io.tollgate.chain.EthRpc;
import io.tollgate.chain.RpcRequest;
import io.tollgate.chain.RpcResponse;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends stored transactions and looks after the sent ones whose nonce is not yet used: broadcast
 * what was stored but never accepted (a crash between storing and sending), rebroadcast what the
 * node no longer knows, bump what is stuck (same nonce, fees ×1.5, at most {@code maxBumps} times,
 * never close to validBefore), and give up a relay the chain's clock says has expired, replacing
 * its transaction with a cancel so the key's later nonces are not held up.
 */
final class Broadcaster {
  private static final Logger LOG = LoggerFactory.getLogger(Broadcaster.class);

  /** Why a transaction is sent, for the log and for whether listeners hear of it. */
  enum Kind { FIRST, BUMP, CANCEL, AGAIN }

  private final RelayerSettings.Chain chain;
  private final EthRpc rpc;
  private final RelayStore store;
  private final Clock clock;
  private final Consumer<RelayChanged> publisher;

  Broadcaster(RelayerSettings.Chain chain, EthRpc rpc, RelayStore store, Clock clock, Consumer<RelayChanged> publisher) {
    this.chain = chain;
    this.rpc = rpc;
    this.store = store;
    this.clock = clock;
    this.publisher = publisher;
  }

  Future<Void> lookAfter(List<RelayRow> sent, ChainReading reading) {
    Instant now = clock.instant();
    List<RelayRow> unsent = new ArrayList<>();
    List<RelayRow> due = new ArrayList<>();
    List<Future<?>> work = new ArrayList<>();
    for (RelayRow row : sent) {
      if (row.state() == RelayState.SENT && !reading.blockTime().isBefore(row.validBefore())) {
        work.add(giveUp(row, RelayTicket.EXPIRED).compose(r -> cancel(row, reading)));
      } else if (row.awaitingBroadcast()) {
        unsent.add(row);
      } else if (!row.broadcastAt().plus(chain.bumpAfter()).isAfter(now)) {
        due.add(row);
      }
    }
    work.add(send(unsent, Kind.FIRST)); // stored, never sent: listeners have not heard of it yet
    work.add(checkDue(due, reading));
    return Future.join(work).mapEmpty();
  }

  /** Due rows: dropped → the same transaction again; still pending → bumped if allowed, else checked again later. */
  private Future<Void> checkDue(List<RelayRow> due, ChainReading reading) {
    if (due.isEmpty()) return Future.succeededFuture();
    return rpc.batch(due.stream().map(r -> RpcRequest.of("eth_getTransactionByHash", r.currentHash())).toList())
        .compose(answers -> {
          List<RelayRow> dropped = new ArrayList<>();
          List<RelayRow> waiting = new ArrayList<>();
          List<Future<?>> bumps = new ArrayList<>();
          for (int i = 0; i < due.size(); i++) {
            RelayRow row = due.get(i);
            RpcResponse answer = answers.get(i);
            if (answer.isError()) continue;
            if (answer.result() == null && mayBump(row) && row.fees().maxFee().compareTo(reading.quote().maxFee()) < 0) {
              // Nodes evict (and refuse again) a transaction whose max fee fell below the base fee: pay what it takes now.
              LOG.info("relay {}: tx {} unknown to the node and underpriced now; bumping it", row.relayId(), row.currentHash());
              bumps.add(bump(row, reading));
            } else if (answer.result() == null) {
              LOG.info("relay {}: tx {} unknown to the node (dropped); broadcasting it again", row.relayId(), row.currentHash());
              dropped.add(row);
            } else if (answer.result() instanceof JsonObject tx && tx.getValue("blockNumber") != null) {
              continue; // mined since the round's reading: settled next round
            } else if (mayBump(row)) {
              bumps.add(bump(row, reading));
            } else {
              waiting.add(row);
            }
          }
          return Future.join(List.of(send(dropped, Kind.AGAIN), Future.join(bumps), store.broadcast(waiting, clock.instant())))
              .mapEmpty();
        });
  }

  private boolean mayBump(RelayRow row) {
    if (row.cancelling()) return row.cancelBumps() < chain.maxBumps();
    return row.state() == RelayState.SENT && row.bumps() < chain.maxBumps()
        && clock.instant().plus(chain.validBeforeMargin()).isBefore(row.validBefore());
  }

  private Future<Void> bump(RelayRow row, ChainReading reading) {
    Fees fees = row.fees().bumped(reading.quote());
    SignedTx tx = row.cancelling()
        ? SignedTx.cancel(chain.key(), chain.chainId(), row.txNonce(), fees)
        : SignedTx.sign(chain.key(), chain.chainId(), row.txNonce(), row.gasLimit(), row.tokenContract(), row.calldata(), fees);
    return store.replace(row, tx, row.cancelling())
        .compose(stored -> stored.map(r -> send(List.of(r), row.cancelling() ? Kind.CANCEL : Kind.BUMP))
            .orElse(Future.succeededFuture()));
  }

  /** FAILED with {@code detail}, published. Its nonce, if it has one, is freed by {@link #cancel}. */
  Future<Void> giveUp(RelayRow row, String detail) {
    return store.failed(row, detail).compose(failed -> {
      failed.ifPresent(r -> {
        LOG.debug("relay {} failed: chain {}, {}, {} hash(es) sent", row.relayId(), row.chainId(), detail, row.txHashes().size());
        publisher.accept(RelayChanged.of(r.ticket()));
      });
      return Future.succeededFuture();
    });
  }

  private Future<Void> cancel(RelayRow row, ChainReading reading) {
    SignedTx tx = SignedTx.cancel(chain.key(), chain.chainId(), row.txNonce(), row.fees().bumped(reading.quote()));
    return store.replace(row, tx, true)
        .compose(stored -> stored.map(r -> send(List.of(r), Kind.CANCEL)).orElse(Future.succeededFuture()));
  }

  /**
   * Broadcasts the rows' current transactions in one batch. Accepted (or already known, or its nonce
   * already used) → marked broadcast; any other answer leaves it stored to try again next round.
   */
  Future<Void> send(List<RelayRow> rows, Kind kind) {
    if (rows.isEmpty()) return Future.succeededFuture();
    return rpc.batch(rows.stream().map(r -> RpcRequest.of("eth_sendRawTransaction", io.tollgate.chain.Hex.encode(r.rawTx())))
            .toList())
        .compose(answers -> {
          List<RelayRow> accepted = new ArrayList<>();
          for (int i = 0; i < rows.size(); i++) {
            RelayRow row = rows.get(i);
            RpcResponse answer = answers.get(i);
            if (!answer.isError() || harmless(answer.error().getMessage())) {
              accepted.add(row);
            } else {
              LOG.warn("relay {}: node refused tx {} (nonce {}): {}; retrying next round", row.relayId(), row.currentHash(),
                  row.txNonce(), answer.error().getMessage());
            }
          }
          // A transaction sent before and refused now is looked at again after bumpAfter (bumped then, if it may be),
          // not every round; one never accepted yet stays due at once (write-ahead: it must go out).
          List<RelayRow> touched = kind == Kind.AGAIN ? rows : accepted;
          return store.broadcast(touched, clock.instant()).onSuccess(v -> accepted.forEach(r -> announce(r, kind)));
        });
  }

  private void announce(RelayRow row, Kind kind) {
    switch (kind) {
      case FIRST, BUMP -> {
        LOG.debug("relay {} {}: chain {}, nonce {}, tx {}, max fee {} wei, tip {} wei", row.relayId(),
            kind == Kind.FIRST ? "sent" : "bumped (" + row.bumps() + ")", row.chainId(), row.txNonce(), row.currentHash(),
            row.fees().maxFee(), row.fees().priorityFee());
        publisher.accept(RelayChanged.of(row.ticket()));
      }
      case CANCEL -> LOG.info("relay {}: nonce {} freed by cancel tx {}", row.relayId(), row.txNonce(), row.currentHash());
      case AGAIN -> LOG.info("relay {}: tx {} broadcast again", row.relayId(), row.currentHash());
    }
  }

  /** Node answers that mean the transaction is there already, or its nonce is used (settled next round). */
  private static boolean harmless(String message) {
    String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
    return m.contains("already known") || m.contains("known transaction") || m.contains("already imported")
        || m.contains("nonce too low") || m.contains("already exists");
  }
}
