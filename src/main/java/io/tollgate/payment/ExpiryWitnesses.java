package io.tollgate.payment;

import io.tollgate.chain.EthRpc;
import io.tollgate.chain.Hex;
import io.tollgate.chain.RpcRequest;
import io.tollgate.chain.RpcResponse;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Before a claim is rejected {@code not_mined_before_expiry} (and its checkout expired), every
 * provider of the chain is asked on its own, in one batch each: its latest header and the claim's
 * receipt. The rejection passes only when two providers witness the transaction missing, each at a
 * head past the claim's validity and within the chain's bound of the wall clock, and none has a
 * receipt for it. So one provider that lags or answers {@code null} for a mined transaction cannot
 * expire a paid checkout on its own: the verdict is left out (logged) and the watcher, which judges
 * the claim again at every head, brings it back later. Holding an expiry back loses nothing: the
 * buyer's money, if any, is only ever recorded against a mined receipt.
 */
final class ExpiryWitnesses {
  private static final Logger LOG = LoggerFactory.getLogger(ExpiryWitnesses.class);

  private final Map<Long, List<EthRpc>> providers;
  private final Clock clock;
  private final Map<Long, Duration> maxHeadLag;
  private final Duration defaultLag;

  ExpiryWitnesses(Map<Long, List<EthRpc>> providers, Clock clock, Map<Long, Duration> maxHeadLag, Duration defaultLag) {
    this.providers = providers;
    this.clock = clock;
    this.maxHeadLag = Map.copyOf(maxHeadLag);
    this.defaultLag = defaultLag;
  }

  /** Whether {@code v} expires a buyer's claim for want of a receipt, on a chain with two providers or more. */
  boolean needsWitnesses(VerdictMessage v) {
    return v.verdict() instanceof Verdict.Rejected r && r.reason() == RejectionReason.NOT_MINED_BEFORE_EXPIRY
        && !v.payment().isRefund() && !v.payment().recovery()
        && providers.getOrDefault(v.payment().expectation().chainId(), List.of()).size() >= 2;
  }

  /** {@code verdicts} without the expiries that two providers did not witness. */
  Future<List<VerdictMessage>> review(List<VerdictMessage> verdicts) {
    Map<Long, Set<String>> hashes = new HashMap<>();
    for (VerdictMessage v : verdicts) {
      if (needsWitnesses(v)) {
        hashes.computeIfAbsent(v.payment().expectation().chainId(), id -> new LinkedHashSet<>()).add(v.payment().txHash());
      }
    }
    if (hashes.isEmpty()) return Future.succeededFuture(verdicts);
    Map<Long, List<Future<Sight>>> asked = new HashMap<>();
    List<Future<Sight>> all = new ArrayList<>();
    hashes.forEach((chainId, txs) -> {
      List<Future<Sight>> perProvider = new ArrayList<>();
      for (EthRpc rpc : providers.get(chainId)) perProvider.add(sight(rpc, new ArrayList<>(txs)));
      asked.put(chainId, perProvider);
      all.addAll(perProvider);
    });
    return Future.join(all).transform(done -> {
      Instant now = clock.instant();
      List<VerdictMessage> out = new ArrayList<>(verdicts.size());
      for (VerdictMessage v : verdicts) {
        if (!needsWitnesses(v)) {
          out.add(v);
          continue;
        }
        long chainId = v.payment().expectation().chainId();
        String tx = v.payment().txHash();
        Instant validUntil = v.payment().expectation().validUntil();
        Instant credible = now.minus(maxHeadLag.getOrDefault(chainId, defaultLag));
        int missing = 0;
        int mined = 0;
        for (Future<Sight> answer : asked.get(chainId)) {
          if (answer.failed()) continue;
          Sight sight = answer.result();
          Boolean seen = sight.mined().get(tx);
          if (Boolean.TRUE.equals(seen)) {
            mined++;
          } else if (Boolean.FALSE.equals(seen) && sight.headTime() != null && sight.headTime().isAfter(validUntil)
              && !sight.headTime().isBefore(credible)) {
            missing++;
          }
        }
        if (mined == 0 && missing >= 2) {
          out.add(v);
        } else if (mined > 0) {
          // the providers disagree: worth an operator's look (one line per head while it lasts)
          LOG.warn("chain {}: payment {} ({}) not expired: {} of {} providers have its receipt, {} witness it missing; "
                  + "checked again next head", chainId, v.payment().paymentId(), tx, mined, asked.get(chainId).size(), missing);
        } else {
          // a provider down or lagging: the expiry waits for a second witness, quietly
          LOG.debug("chain {}: payment {} ({}) not expired yet: {} of {} providers witness it missing past the expiry",
              chainId, v.payment().paymentId(), tx, missing, asked.get(chainId).size());
        }
      }
      return Future.succeededFuture(out);
    });
  }

  /** One provider's view: its latest head's time and, per transaction, whether it has a receipt (absent: not answered). */
  private record Sight(Instant headTime, Map<String, Boolean> mined) {}

  private static Future<Sight> sight(EthRpc rpc, List<String> txs) {
    List<RpcRequest> calls = new ArrayList<>(txs.size() + 1);
    // The head first: a receipt asked after it is at least as new, so "missing at this head" holds.
    calls.add(RpcRequest.of("eth_getBlockByNumber", "latest", false));
    for (String tx : txs) calls.add(RpcRequest.of("eth_getTransactionReceipt", tx));
    return rpc.batch(calls).map(answers -> {
      Instant headTime = null;
      RpcResponse head = answers.get(0);
      if (!head.isError() && head.result() instanceof JsonObject header && header.getValue("timestamp") instanceof String t) {
        headTime = Instant.ofEpochSecond(Hex.longQuantity(t));
      }
      Map<String, Boolean> mined = new HashMap<>();
      for (int i = 0; i < txs.size(); i++) {
        RpcResponse answer = answers.get(i + 1);
        if (!answer.isError()) mined.put(txs.get(i).toLowerCase(Locale.ROOT), answer.result() instanceof JsonObject);
      }
      return new Sight(headTime, mined);
    });
  }
}
