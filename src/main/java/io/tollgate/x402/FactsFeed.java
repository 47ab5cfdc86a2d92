package io.tollgate.x402;

import io.tollgate.chain.ChainDataException;
import io.tollgate.chain.EthRpc;
import io.tollgate.chain.Hex;
import io.tollgate.chain.RpcRequest;
import io.tollgate.chain.RpcResponse;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one chain's {@link FactsCache} true from the chain's logs, on one Vert.x context, one round
 * per {@code interval}, and only while the cache holds something or a miss waits for a base (an idle
 * facilitator asks nothing). A round asks the head ({@code eth_getBlockByNumber("latest")}); a head
 * one block past the base whose parent is the base costs one {@code eth_getLogs} of that block by
 * its hash; several blocks cost one batch: the base block (its hash unchanged), the logs of the range,
 * the head again (its hash unchanged, so no reorg came between the two reads). The logs are applied
 * and the head becomes the base. A reorg, a gap over {@link #MAX_BLOCKS_PER_ROUND}, an odd log or
 * a balance going negative clears the cache and rebases at the head read; a failed call clears it
 * with no base. Nothing is ever guessed.
 */
final class FactsFeed {
  private static final Logger LOG = LoggerFactory.getLogger(FactsFeed.class);
  /** Past this many blocks since the base (the feed was stalled), start afresh rather than ask a range providers may refuse. */
  static final long MAX_BLOCKS_PER_ROUND = 256;

  private record Head(long number, String hash, String parentHash) {
    static Head of(Object block) {
      if (!(block instanceof JsonObject b)) throw new ChainDataException("no block");
      return new Head(Hex.longQuantity(Hex.member(b, "number")), Hex.hash(Hex.member(b, "hash")),
          Hex.hash(Hex.member(b, "parentHash")));
    }
  }

  private final Vertx vertx;
  private final Context context;
  private final EthRpc rpc;
  private final FactsCache cache;
  private final Set<String> tokens;
  private final JsonObject filter;
  private final long intervalMillis;
  private final Clock clock;
  /** Misses between asking for a base and keeping what they read: the feed does not stop under them. */
  private final AtomicInteger reading = new AtomicInteger();
  private final LongAdder clears = new LongAdder();
  private volatile boolean running;
  // the context's only
  private Future<Void> current;
  private long timer = -1;
  private final List<Promise<Optional<FactsCache.State>>> waiting = new ArrayList<>();

  FactsFeed(Vertx vertx, Context context, EthRpc rpc, FactsCache cache, Set<String> tokens, long intervalMillis, Clock clock) {
    this.vertx = vertx;
    this.context = context;
    this.rpc = rpc;
    this.cache = cache;
    this.tokens = Set.copyOf(tokens);
    this.filter = FactLogs.filter(this.tokens);
    this.intervalMillis = intervalMillis;
    this.clock = clock;
  }

  /**
   * The base a miss reads at and may keep its facts under: the current one when the feed confirmed
   * it within the max age; none (read at "latest", keep nothing) when the feed is behind or failing;
   * with no base (idle, or just cleared), a round is run at once if none is under way, and awaited.
   */
  Future<Optional<FactsCache.State>> base() {
    if (cache.state() != null) return Future.succeededFuture(Optional.ofNullable(cache.fresh(clock.millis())));
    Promise<Optional<FactsCache.State>> promise = Promise.promise();
    context.runOnContext(v -> {
      waiting.add(promise);
      if (current == null) round();
    });
    return promise.future();
  }

  /** Marks a miss reading facts (call before {@link #base}); {@link #doneReading} when kept or not. */
  void reading() {
    reading.incrementAndGet();
  }

  void doneReading() {
    reading.decrementAndGet();
  }

  /** Times the cache was cleared for a reorg, a gap, an odd answer or a failed call. */
  long clears() {
    return clears.sum();
  }

  /** Whether a round is under way or scheduled (read on any thread: for tests and the idle check). */
  boolean running() {
    return running;
  }

  /** One round now on the feed's context, or the one under way (tests drive the feed with it). */
  Future<Void> roundNow() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> (current != null ? current : round()).onComplete(done));
    return done.future();
  }

  private Future<Void> round() {
    if (timer >= 0) vertx.cancelTimer(timer);
    timer = -1;
    running = true;
    Promise<Void> done = Promise.promise();
    current = done.future(); // before the step: a stub chain may answer at once
    long started = clock.millis();
    Future<Void> step;
    try {
      step = step(started);
    } catch (RuntimeException e) {
      step = Future.failedFuture(e);
    }
    step.onComplete(ar -> onContext(() -> {
      if (ar.failed()) {
        if (cache.state() != null) clears.increment();
        LOG.debug("x402 facts of chain {} cleared: {}", rpc.chainId(), ar.cause().toString());
        cache.clear();
      }
      current = null;
      Optional<FactsCache.State> base = Optional.ofNullable(cache.fresh(clock.millis()));
      waiting.forEach(p -> p.tryComplete(base));
      waiting.clear();
      if (cache.sweep(clock.millis()) == 0 && reading.get() == 0) {
        running = false; // idle: no call until the next miss, which starts afresh
        cache.clear();
      } else {
        timer = vertx.setTimer(intervalMillis, id -> {
          timer = -1;
          if (current == null) round();
        });
      }
      done.complete();
    }));
    return done.future();
  }

  private void onContext(Runnable task) {
    if (Vertx.currentContext() == context) task.run();
    else context.runOnContext(v -> task.run());
  }

  private Future<Void> step(long started) {
    return rpc.call("eth_getBlockByNumber", new JsonArray().add("latest").add(false)).compose(answer -> {
      Head head = Head.of(answer);
      FactsCache.State state = cache.state();
      if (state == null) {
        cache.rebase(head.number(), head.hash(), started);
        return Future.succeededFuture();
      }
      FactsCache.Base base = state.base();
      if (head.number() == base.block() && head.hash().equals(base.hash())) {
        cache.confirm(started);
        return Future.succeededFuture();
      }
      if (head.number() <= base.block() || head.number() - base.block() > MAX_BLOCKS_PER_ROUND) {
        return rebase(head, started, "head " + head.number() + " against base " + base.block());
      }
      if (head.number() == base.block() + 1) {
        if (!head.parentHash().equals(base.hash())) return rebase(head, started, "block " + base.block() + " was replaced");
        return rpc.call("eth_getLogs", new JsonArray().add(filter.copy().put("blockHash", head.hash())))
            .compose(logs -> apply(head, FactLogs.parse(logs, head.number(), head.number(), head.hash(), tokens), started));
      }
      return rpc.batch(List.of(
              RpcRequest.of("eth_getBlockByNumber", Hex.quantity(base.block()), false),
              RpcRequest.of("eth_getLogs", filter.copy().put("fromBlock", Hex.quantity(base.block() + 1))
                  .put("toBlock", Hex.quantity(head.number()))),
              RpcRequest.of("eth_getBlockByNumber", Hex.quantity(head.number()), false)))
          .compose(answers -> {
            if (answers.size() != 3) throw new ChainDataException("a batch of 3 answered " + answers.size());
            for (RpcResponse r : answers) if (r.isError()) return Future.failedFuture(r.error());
            if (!Head.of(answers.get(2).result()).hash().equals(head.hash())) {
              // the head read first is no longer the chain's: no base to start again from
              throw new ChainDataException("block " + head.number() + " was replaced while its logs were read");
            }
            if (!Head.of(answers.get(0).result()).hash().equals(base.hash())) {
              return rebase(head, started, "block " + base.block() + " was replaced");
            }
            return apply(head, FactLogs.parse(answers.get(1).result(), base.block() + 1, head.number(), head.hash(), tokens),
                started);
          });
    });
  }

  private Future<Void> apply(Head head, List<FactLogs.Change> changes, long started) {
    if (cache.advance(head.number(), head.hash(), changes, started)) return Future.succeededFuture();
    return rebase(head, started, "a balance would go below zero");
  }

  /** Clears the cache and starts again at the head just read (its hash is checked by the next round). */
  private Future<Void> rebase(Head head, long started, String why) {
    clears.increment();
    LOG.debug("x402 facts of chain {} cleared, rebased at {}: {}", rpc.chainId(), head.number(), why);
    cache.rebase(head.number(), head.hash(), started);
    return Future.succeededFuture();
  }
}
