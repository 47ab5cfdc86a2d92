package io.tollgate.x402;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tollgate.chain.EthRpc;
import io.tollgate.gasless.Eip3009Facts;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * Where verify (and settle) get an authorization's chain facts ({@link Eip3009Facts}): from this
 * instance's per-chain {@link FactsCache} when it holds them, else one {@code eth_call} at the feed's
 * base block, kept for the next request. A nonce never seen is always read (a replay of an
 * authorization used elsewhere long ago must be caught), so the cache serves repeats: verify then
 * settle of one payment, a client that verifies again, a benchmark's payloads.
 *
 * <p>A balance short of the payment is confirmed at "latest" before it is answered (one more call,
 * on refusals only), so a payer funded a moment ago is not refused for the feed's lag.
 *
 * <p>With no base (the feed just started or was cleared), a miss waits for the feed's first round;
 * with a base the feed has not confirmed within the max age, or when the read at the base fails, it
 * reads at "latest" and keeps nothing. {@code maxAge} zero turns the cache off: every read at "latest".
 */
final class VerifyFacts {
  private record Chain(EthRpc rpc, FactsCache cache, FactsFeed feed, LongAdder hits, LongAdder misses,
      Set<FactsCache.Key> refreshing) {}

  private final Map<Long, Chain> chains = new HashMap<>();
  private final Map<Long, EthRpc> rpcs = new HashMap<>();
  private final Clock clock;

  /** The feeds share one context, made here; they ask nothing until a verify misses. */
  VerifyFacts(Vertx vertx, Map<Long, FacilitatorChain> facilitated, Duration maxAge, Clock clock) {
    this(vertx, vertx.getOrCreateContext(), facilitated, maxAge, clock);
  }

  VerifyFacts(Vertx vertx, Context context, Map<Long, FacilitatorChain> facilitated, Duration maxAge, Clock clock) {
    this.clock = clock;
    facilitated.forEach((id, chain) -> {
      rpcs.put(id, chain.rpc());
      if (maxAge.isZero()) return;
      FactsCache cache = new FactsCache(maxAge.toMillis(), FactsCache.MAX_ENTRIES);
      FactsFeed feed = new FactsFeed(vertx, context, chain.rpc(), cache, chain.tokens().keySet(),
          chain.pollInterval().toMillis(), clock);
      chains.put(id, new Chain(chain.rpc(), cache, feed, new LongAdder(), new LongAdder(), ConcurrentHashMap.newKeySet()));
    });
  }

  /**
   * The facts of {@code from}'s {@code nonce} at {@code token}, for a payment of {@code amount}.
   * {@code trustCache} false: read at "latest" and keep nothing (settle, when the relayer cannot
   * simulate the transfer before sending it). A balance short of {@code amount} is never answered
   * from memory nor from the base block alone: it is read again at "latest" (not kept), so a payer
   * funded since the base is not refused; only facts that let the payment through, and a spent
   * nonce (which stays spent), are served from the cache.
   */
  Future<Eip3009Facts> read(long chainId, String token, String from, String nonce, BigInteger amount, boolean trustCache) {
    Chain c = chains.get(chainId);
    if (c == null) return Eip3009Facts.read(rpcs.get(chainId), token, from, nonce);
    if (!trustCache) {
      c.misses().increment();
      return Eip3009Facts.read(c.rpc(), token, from, nonce);
    }
    FactsCache.Key key = new FactsCache.Key(token, from, nonce);
    long now = clock.millis();
    Optional<Eip3009Facts> hit = c.cache().get(key, now);
    if (hit.isPresent() && !shortOf(hit.get(), amount)) {
      c.hits().increment();
      if (c.cache().aging(key, now)) refresh(c, key);
      return Future.succeededFuture(hit.get());
    }
    c.misses().increment();
    if (hit.isPresent()) return Eip3009Facts.read(c.rpc(), token, from, nonce);
    c.feed().reading();
    return c.feed().base()
        .compose(base -> base.isEmpty() ? Eip3009Facts.read(c.rpc(), token, from, nonce)
            : readAndKeep(c, key, base.get())
                .compose(facts -> shortOf(facts, amount) ? Eip3009Facts.read(c.rpc(), token, from, nonce)
                    : Future.succeededFuture(facts))
                // a provider that does not serve the base block yet (or any more): as without a cache
                .recover(e -> Eip3009Facts.read(c.rpc(), token, from, nonce)))
        .andThen(done -> c.feed().doneReading());
  }

  /**
   * Reads a kept entry past half its max age again, at the feed's base, in the background (one read
   * per key at a time): a payload verified again and again is renewed before it expires, so no
   * request waits for the read (all of a benchmark's payloads expiring together stalled every
   * connection at once). The answer given meanwhile is the kept one, still within the bound.
   */
  private void refresh(Chain c, FactsCache.Key key) {
    if (!c.refreshing().add(key)) return;
    c.feed().reading();
    c.feed().base()
        .compose(base -> base.isEmpty() ? Future.<Void>succeededFuture()
            : readAndKeep(c, key, base.get()).<Void>mapEmpty())
        .onComplete(done -> {
          c.refreshing().remove(key);
          c.feed().doneReading();
        });
  }

  /** Reads the facts at the feed's base and keeps them (if that base still stands when they arrive). */
  private static Future<Eip3009Facts> readAndKeep(Chain c, FactsCache.Key key, FactsCache.State base) {
    return Eip3009Facts.read(c.rpc(), key.token(), key.from(), key.nonce(), base.base().tag())
        .onSuccess(facts -> c.cache().put(key, facts, base));
  }

  /** Facts that would refuse the payment for its balance alone (the nonce still unused). */
  private static boolean shortOf(Eip3009Facts facts, BigInteger amount) {
    return !facts.nonceUsed() && facts.balanceReadable() && facts.balance().compareTo(amount) < 0;
  }

  /**
   * {@code tollgate.x402.verify.facts{chain, result=hit|miss}}, {@code tollgate.x402.verify.facts.clears{chain}}
   * and the gauge {@code tollgate.x402.verify.facts.entries{chain}}.
   */
  void registerMetrics(MeterRegistry registry) {
    chains.forEach((id, c) -> {
      String chain = Long.toString(id);
      FunctionCounter.builder("tollgate.x402.verify.facts", c.hits(), LongAdder::sum).tag("chain", chain).tag("result", "hit")
          .description("x402 verify/settle facts served from this instance's cache (no JSON-RPC call)").register(registry);
      FunctionCounter.builder("tollgate.x402.verify.facts", c.misses(), LongAdder::sum).tag("chain", chain).tag("result", "miss")
          .description("x402 verify/settle facts read from the chain (one eth_call each)").register(registry);
      FunctionCounter.builder("tollgate.x402.verify.facts.clears", c.feed(), FactsFeed::clears).tag("chain", chain)
          .description("times the x402 facts cache was cleared (reorg, gap, odd log, failed call)").register(registry);
      Gauge.builder("tollgate.x402.verify.facts.entries", c.cache(), FactsCache::size).tag("chain", chain)
          .description("x402 authorizations whose facts this instance holds").register(registry);
    });
  }

  /** The chain's cache and feed, for tests in this package. */
  FactsCache cache(long chainId) {
    return chains.get(chainId).cache();
  }

  FactsFeed feed(long chainId) {
    return chains.get(chainId).feed();
  }

  long hits(long chainId) {
    return chains.get(chainId).hits().sum();
  }

  long misses(long chainId) {
    return chains.get(chainId).misses().sum();
  }
}
