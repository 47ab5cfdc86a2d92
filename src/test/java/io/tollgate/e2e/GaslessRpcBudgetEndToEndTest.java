package io.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.signature.TestSigner;
import io.tollgate.testing.ChaosRpcProxy;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.utils.Numeric;

/**
 * Issue 16's budget, counted, not timed: at most 6 JSON-RPC calls per gasless paid checkout, the
 * relay's own calls included. Every call Tollgate makes (intake, relayer, watcher, settlement
 * checks) goes through a counting proxy in front of anvil, which mines a block a second once the
 * buyers are set up, as a public chain does. A small drop of gasless buyers each fetch the offered
 * typed data, sign it and post it, all at once; the calls from the first buyer's request until every
 * checkout is paid are divided by the checkouts paid. Head tracking ({@code eth_blockNumber}, a cost
 * of time, not of payments) is left out, as in the drop's report ({@code scripts/loadtest}).
 */
class GaslessRpcBudgetEndToEndTest {
  private static final int BUYERS = 16;
  private static final double BUDGET = 6.0;
  private static final Set<String> HEAD_TRACKING = Set.of("eth_blockNumber", "eth_subscribe", "eth_subscription");

  @Test
  void aGaslessPaidCheckoutCostsAtMostSixJsonRpcCalls() {
    ChaosRpcProxy[] proxy = new ChaosRpcProxy[1];
    try (TollgateFixture app = TollgateFixture.start(anvil -> {
      try {
        proxy[0] = new ChaosRpcProxy(anvil.rpcUrl());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Map<String, String> s = new java.util.HashMap<>(GaslessEndToEndTest.settings(null));
      s.put("chain.31337.rpc-urls", proxy[0].url());
      return s;
    })) {
      List<Credentials> buyers = new ArrayList<>();
      List<JsonObject> checkouts = new ArrayList<>();
      for (int i = 0; i < BUYERS; i++) {
        Credentials buyer = app.chain.newAccount(BigInteger.ZERO);
        app.chain.mintToken(app.usdc, buyer.getAddress(), BigInteger.valueOf(100_000_000));
        buyers.add(buyer);
        checkouts.add(app.newCheckout("12.50", "USDC"));
      }
      // From here on blocks come once a second, whatever is sent: relays share blocks as in a drop.
      app.chain.rpc("evm_setAutomine", false);
      app.chain.rpc("evm_setIntervalMining", 1);
      TollgateFixture.sleep(1_500);
      proxy[0].resetCounts();

      // The buyers arrive together, as in a drop: each fetches its typed data, signs and posts it.
      java.util.concurrent.ExecutorService browsers = java.util.concurrent.Executors.newFixedThreadPool(BUYERS);
      try {
        List<java.util.concurrent.Future<TollgateFixture.Response>> posts = new ArrayList<>();
        for (int i = 0; i < BUYERS; i++) {
          Credentials buyer = buyers.get(i);
          JsonObject checkout = checkouts.get(i);
          posts.add(browsers.submit(() -> {
            JsonObject typed = GaslessEndToEndTest.typedData(app, checkout, buyer.getAddress());
            String signature = Numeric.toHexString(TestSigner.sign(GaslessEndToEndTest.digest(typed), buyer.getEcKeyPair()));
            return GaslessEndToEndTest.authorize(app, checkout, typed, signature);
          }));
        }
        for (java.util.concurrent.Future<TollgateFixture.Response> post : posts) {
          TollgateFixture.Response accepted = post.get(60, java.util.concurrent.TimeUnit.SECONDS);
          assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        }
      } catch (Exception e) {
        throw new AssertionError(e);
      } finally {
        browsers.shutdownNow();
      }
      int paid = 0;
      long deadline = System.nanoTime() + java.time.Duration.ofSeconds(90).toNanos();
      while (paid < BUYERS && System.nanoTime() < deadline) {
        TollgateFixture.sleep(250);
        paid = (int) checkouts.stream().filter(c -> "paid".equals(app.status(c).json().getString("status"))).count();
      }
      Map<String, Long> byMethod = proxy[0].callsByMethod();
      assertThat(paid).as("gasless checkouts paid; calls %s", byMethod).isEqualTo(BUYERS);

      long calls = byMethod.entrySet().stream().filter(e -> !HEAD_TRACKING.contains(e.getKey()))
          .mapToLong(Map.Entry::getValue).sum();
      double perCheckout = (double) calls / paid;
      System.out.printf("gasless RPC budget: %d calls for %d paid checkouts = %.2f per checkout (head tracking left out); %s%n",
          calls, paid, perCheckout, byMethod);
      assertThat(perCheckout).as("JSON-RPC calls per gasless paid checkout; by method %s", byMethod).isLessThanOrEqualTo(BUDGET);
    } finally {
      if (proxy[0] != null) proxy[0].close();
    }
  }
}
