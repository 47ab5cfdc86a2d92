package io.tollgate.payment;

import io.tollgate.chain.EthRpc;
import io.tollgate.chain.Hex;
import io.tollgate.chain.RpcRequest;
import io.tollgate.chain.RpcResponse;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Before {@code paid}: the block a confirmed receipt names must be the canonical block at its
 * height on at least two of the chain's providers, each asked on its own (one
 * {@code eth_getBlockByNumber} per distinct height of the round, per provider, in one batch each).
 * A provider that serves a receipt from an orphaned fork, or a header it made up, cannot make a
 * payment paid alone. A verdict that does not get two agreeing providers is left out of the round
 * (logged) and reported again on a later head; nothing is rejected for it, since the disagreement
 * may be the other provider's lag. Chains with fewer than two providers, or the setting off
 * ({@code chain.<id>.second-provider-check}), pass unchanged.
 *
 * <p>The finality re-check's verdicts are reviewed the same way, so one flaky provider can neither
 * make a payment final nor reverse it: {@code final} and {@code remined} need their block canonical
 * on two providers; {@code vanished} and {@code reversed} need two providers showing another block
 * at the recorded height.
 *
 * <p>And the other way round ({@link ExpiryWitnesses}): a claim is rejected
 * {@code not_mined_before_expiry}, expiring its checkout, only when two providers witness its
 * transaction missing at a credible head past the expiry and none has its receipt.
 */
public final class SecondProviderCheck implements SettlementCheck {
  private static final Logger LOG = LoggerFactory.getLogger(SecondProviderCheck.class);

  /** Per chain: one client per provider, each pinned to that provider alone. */
  private final Map<Long, List<EthRpc>> providers;
  private final ExpiryWitnesses expiries;

  /** With the wall clock and a 120 s bound on how far a witnessing head may lag it. */
  public SecondProviderCheck(Map<Long, List<EthRpc>> providers) {
    this(providers, java.time.Clock.systemUTC(), Map.of(), java.time.Duration.ofSeconds(120));
  }

  /**
   * @param maxHeadLag per chain, how far behind {@code clock} a provider's head may be and still
   *     witness that a transaction is missing ({@code chain.<id>.max-head-lag-ms})
   * @param defaultLag for chains not in {@code maxHeadLag}
   */
  public SecondProviderCheck(Map<Long, List<EthRpc>> providers, java.time.Clock clock,
      Map<Long, java.time.Duration> maxHeadLag, java.time.Duration defaultLag) {
    this.providers = Map.copyOf(providers);
    this.expiries = new ExpiryWitnesses(this.providers, clock, maxHeadLag, defaultLag);
  }

  @Override
  public Future<Verdict> review(ActivePayment payment, Verdict.Paying paying) {
    VerdictMessage v = new VerdictMessage(payment, paying, paying.blockNumber());
    return reviewAll(List.of(v)).map(out -> {
      if (out.isEmpty()) throw new IllegalStateException("block " + paying.blockNumber() + " not confirmed by two providers");
      return out.get(0).verdict();
    });
  }

  @Override
  public Future<List<VerdictMessage>> reviewAll(List<VerdictMessage> verdicts) {
    return canonicalOnTwo(verdicts).compose(expiries::review);
  }

  private Future<List<VerdictMessage>> canonicalOnTwo(List<VerdictMessage> verdicts) {
    Map<Long, TreeSet<Long>> heights = new HashMap<>();
    for (VerdictMessage v : verdicts) {
      long chainId = v.payment().expectation().chainId();
      Long height = height(v);
      if (height != null && providers.getOrDefault(chainId, List.of()).size() >= 2) {
        heights.computeIfAbsent(chainId, id -> new TreeSet<>()).add(height);
      }
    }
    if (heights.isEmpty()) return Future.succeededFuture(verdicts);
    // Per chain, per provider: height → hash (absent when the provider did not answer it).
    Map<Long, List<Future<Map<Long, String>>>> asked = new HashMap<>();
    heights.forEach((chainId, numbers) -> {
      List<Future<Map<Long, String>>> perProvider = new ArrayList<>();
      for (EthRpc rpc : providers.get(chainId)) perProvider.add(hashesAt(rpc, new ArrayList<>(numbers)));
      asked.put(chainId, perProvider);
    });
    List<Future<Map<Long, String>>> all = new ArrayList<>();
    asked.values().forEach(all::addAll);
    return Future.join(all).transform(done -> {
      List<VerdictMessage> out = new ArrayList<>(verdicts.size());
      for (VerdictMessage v : verdicts) {
        List<Future<Map<Long, String>>> answers = asked.get(v.payment().expectation().chainId());
        Long height = height(v);
        if (answers == null || height == null) {
          out.add(v);
          continue;
        }
        String block = blockHash(v);
        boolean leaving = leavesBlock(v.verdict());
        int agreeing = 0;
        for (Future<Map<Long, String>> answer : answers) {
          if (!answer.succeeded()) continue;
          String canonical = answer.result().get(height);
          // Leaving the recorded block: a provider agrees when it shows another block at that height.
          if (leaving ? canonical != null && !canonical.equalsIgnoreCase(block) : block.equalsIgnoreCase(canonical)) agreeing++;
        }
        if (agreeing >= 2) {
          out.add(v);
        } else {
          LOG.warn("chain {}: {} of payment {} (block {} {}) is confirmed by {} of {} providers; not recorded, checked again next head",
              v.payment().expectation().chainId(), v.verdict().getClass().getSimpleName(), v.payment().paymentId(), height,
              block, agreeing, answers.size());
        }
      }
      return Future.succeededFuture(out);
    });
  }

  /** The height whose canonical block decides {@code v}, or null when it is not reviewed here. */
  private static Long height(VerdictMessage v) {
    if (SettlementCheck.needsReview(v)) return ((Verdict.Paying) v.verdict()).blockNumber();
    if (v.verdict() instanceof Verdict.Remined r) return r.paying().blockNumber();
    if (v.verdict() instanceof Verdict.Final || v.verdict() instanceof Verdict.Vanished
        || v.verdict() instanceof Verdict.Reversed) {
      return v.payment().isMined() ? v.payment().minedBlockNumber() : null;
    }
    return null;
  }

  /** The block {@code v} says is (or is no longer) canonical at {@link #height}. */
  private static String blockHash(VerdictMessage v) {
    if (v.verdict() instanceof Verdict.Paying p) return p.blockHash();
    if (v.verdict() instanceof Verdict.Remined r) return r.paying().blockHash();
    if (v.verdict() instanceof Verdict.Final f) return f.blockHash();
    return v.payment().minedBlockHash();
  }

  /** Whether {@code verdict} says the recorded block left the chain (rather than that a block is on it). */
  private static boolean leavesBlock(Verdict verdict) {
    return verdict instanceof Verdict.Vanished || verdict instanceof Verdict.Reversed;
  }

  private static Future<Map<Long, String>> hashesAt(EthRpc rpc, List<Long> numbers) {
    List<RpcRequest> calls = new ArrayList<>(numbers.size());
    for (long n : numbers) calls.add(RpcRequest.of("eth_getBlockByNumber", Hex.quantity(n), false));
    return rpc.batch(calls).map(answers -> {
      Map<Long, String> hashes = new HashMap<>();
      for (int i = 0; i < numbers.size(); i++) {
        RpcResponse answer = answers.get(i);
        if (!answer.isError() && answer.result() instanceof JsonObject header && header.getValue("hash") instanceof String hash) {
          hashes.put(numbers.get(i), hash.toLowerCase(java.util.Locale.ROOT));
        }
      }
      return hashes;
    });
  }

  /** {@code first}'s review, then {@code second}'s on what {@code first} let through. */
  public static SettlementCheck both(SettlementCheck first, SettlementCheck second) {
    return new SettlementCheck() {
      @Override
      public Future<Verdict> review(ActivePayment payment, Verdict.Paying paying) {
        return first.review(payment, paying)
            .compose(v -> v instanceof Verdict.Paying p && p.confirmed() ? second.review(payment, p) : Future.succeededFuture(v));
      }

      @Override
      public Future<List<VerdictMessage>> reviewAll(List<VerdictMessage> verdicts) {
        return first.reviewAll(verdicts).compose(second::reviewAll);
      }
    };
  }
}
