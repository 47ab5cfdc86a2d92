package io.tollgate.relay;

import io.tollgate.chain.EthRpc;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay leader's work for one key, one round at a time (the caller never overlaps rounds):
 * read the chain once, settle relays whose nonce is used, look after the sent ones (broadcast what
 * was stored and not sent, rebroadcast what the node dropped, bump fees of what is stuck, give up
 * what expired), then sign and send the queued ones with the next nonces. Plain class: the verticle
 * only times it.
 */
public final class RelayEngine {
  private static final Logger LOG = LoggerFactory.getLogger(RelayEngine.class);
  /** Most new relays signed per round, so one round's signing never holds the event loop long. */
  private static final int MAX_NEW_PER_ROUND = 256;
  /**
   * With nothing queued, how often the chain is read for the sent relays: only a new block can
   * settle one, and a tick's reading between blocks is calls spent for nothing (issue 16 counts
   * every call of a gasless checkout). A mined relay's checkout does not wait for it: the watcher
   * verifies the transaction on its own.
   */
  static final java.time.Duration SENT_ONLY_READ_INTERVAL = java.time.Duration.ofSeconds(1);

  private final RelayerSettings.Chain chain;
  private final EthRpc rpc;
  private final RelayStore store;
  private final Clock clock;
  private final RelayCapacityView capacity;
  private final OperatorAlerts alerts;
  private final Settlement settlement;
  private final Broadcaster broadcaster;
  /** When the chain was last read for a round (the engine's context only). */
  private Instant lastRead = Instant.MIN;

  RelayEngine(RelayerSettings.Chain chain, EthRpc rpc, RelayStore store, Clock clock, RelayCapacityView capacity,
      OperatorAlerts alerts, Consumer<RelayChanged> publisher) {
    this.chain = chain;
    this.rpc = rpc;
    this.store = store;
    this.clock = clock;
    this.capacity = capacity;
    this.alerts = alerts;
    this.settlement = new Settlement(rpc, store, publisher);
    this.broadcaster = new Broadcaster(chain, rpc, store, clock, publisher);
  }

  public long chainId() {
    return chain.chainId();
  }

  /** One round; fails only when the chain or the database could not be read (the next round retries). */
  public Future<Void> round() {
    return store.open(chain.chainId(), chain.address()).compose(rows -> {
      if (rows.isEmpty()) {
        // Nothing to do: only the funds, as often as the capacity cache allows (gauge and warnings).
        return capacity.capacity(0).onSuccess(alerts::check).<Void>mapEmpty();
      }
      Instant now = clock.instant();
      boolean queued = rows.stream().anyMatch(r -> r.txNonce() == null);
      if (!queued && now.isBefore(lastRead.plus(SENT_ONLY_READ_INTERVAL))) return Future.<Void>succeededFuture();
      lastRead = now;
      return readChain(rows);
    });
  }

  private Future<Void> readChain(List<RelayRow> rows) {
    // The fee quote and balance are reused while the capacity cache holds them (fees move per block
    // at most, and signing adds 25 % headroom); the block and the nonces are read every time.
    return ChainReading.read(rpc, chain.address(), capacity.fresh())
        .compose(reading -> {
          if (reading.fresh()) capacity.observe(reading.balance(), reading.quote());
          long inFlight = rows.stream().filter(r -> !r.state().terminal()).count();
          return capacity.capacity(inFlight).onSuccess(alerts::check).transform(ignored -> work(rows, reading));
        });
  }

  private Future<Void> work(List<RelayRow> rows, ChainReading reading) {
    List<RelayRow> used = new ArrayList<>();
    List<RelayRow> sent = new ArrayList<>();
    List<RelayRow> queued = new ArrayList<>();
    for (RelayRow row : rows) {
      if (row.txNonce() == null) queued.add(row);
      else if (row.txNonce() < reading.minedNonce()) used.add(row);
      else sent.add(row);
    }
    return step("settle", settlement.settle(used, reading.blockNumber()))
        .compose(v -> step("look after sent", broadcaster.lookAfter(sent, reading)))
        .compose(v -> step("send queued", sendQueued(queued, reading)));
  }

  private Future<Void> sendQueued(List<RelayRow> queued, ChainReading reading) {
    Instant now = clock.instant();
    List<RelayRow> sendable = new ArrayList<>();
    List<Future<?>> expired = new ArrayList<>();
    for (RelayRow row : queued) {
      if (!now.plus(chain.validBeforeMargin()).isBefore(row.validBefore())) {
        expired.add(broadcaster.giveUp(row, RelayTicket.EXPIRED));
      } else if (sendable.size() < MAX_NEW_PER_ROUND) {
        sendable.add(row);
      }
    }
    if (sendable.isEmpty()) return Future.join(expired).mapEmpty();
    return store.assignNonces(chain.chainId(), chain.address(), sendable, reading.pendingNonce(),
            (row, nonce) -> SignedTx.sign(chain.key(), chain.chainId(), nonce, row.gasLimit(), row.tokenContract(),
                row.calldata(), reading.quote()))
        .compose(stored -> broadcaster.send(stored, Broadcaster.Kind.FIRST))
        .compose(v -> Future.join(expired).mapEmpty());
  }

  private static Future<Void> step(String name, Future<Void> work) {
    return work.recover(e -> {
      LOG.warn("relay round: {} failed, retried next round: {}", name, e.toString());
      return Future.succeededFuture();
    });
  }
}
