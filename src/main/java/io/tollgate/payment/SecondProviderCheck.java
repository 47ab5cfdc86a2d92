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
 * <p>The same holds the other way round ({@link ExpiryWitnesses}): a claim is rejected
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
      if (SettlementCheck.needsReview(v) && providers.getOrDefault(chainId, List.of()).size() >= 2) {
        heights.computeIfAbsent(chainId, id -> new TreeSet<>()).add(((Verdict.Paying) v.verdict()).blockNumber());
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
        if (answers == null || !SettlementCheck.needsReview(v)) {
          out.add(v);
          continue;
        }
        Verdict.Paying paying = (Verdict.Paying) v.verdict();
        int agreeing = 0;
        for (Future<Map<Long, String>> answer : answers) {
          if (answer.succeeded() && paying.blockHash().equalsIgnoreCase(answer.result().get(paying.blockNumber()))) agreeing++;
        }
        if (agreeing >= 2) {
          out.add(v);
        } else {
          LOG.warn("chain {}: block {} {} of payment {} is canonical on {} of {} providers; not paid yet, checked again next head",
              v.payment().expectation().chainId(), paying.blockNumber(), paying.blockHash(), v.payment().paymentId(),
              agreeing, answers.size());
        }
      }
      return Future.succeededFuture(out);
    });
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
