package io.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.testing.ChaosRpcProxy;
import io.tollgate.testing.ChaosRpcProxy.Mode;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;

/**
 * Two providers, each a chaos JSON-RPC proxy on loopback in front of the same anvil: a payment is
 * paid only once its block is canonical on both (the second-provider check, on by default with two
 * providers). A second provider on another fork holds the payment back without rejecting it; once
 * it tells the truth it is paid. A first provider serving receipts from an orphaned fork is moved
 * away from: the payment is paid from the other provider's receipt, never from the orphaned one. The
 * other way round (issue 22, item 7): a provider that denies a mined transaction past the checkout's
 * expiry cannot expire it while the other provider has its receipt.
 */
class SecondProviderEndToEndTest {
  private static final BigInteger FIVE_USDC = BigInteger.valueOf(5_000_000);

  @Test
  void aPaymentIsPaidOnlyWhenASecondProviderConfirmsItsBlock() {
    ChaosRpcProxy[] providers = new ChaosRpcProxy[2];
    try (TollgateFixture app = TollgateFixture.start(anvil -> {
      try {
        providers[0] = new ChaosRpcProxy(anvil.rpcUrl());
        providers[1] = new ChaosRpcProxy(anvil.rpcUrl());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return Map.of("chain.31337.rpc-urls", providers[0].url() + "," + providers[1].url());
    })) {
      // The second provider follows another fork: its header at the payment's height differs.
      providers[1].mode(Mode.FORKED_HEADERS);
      JsonObject checkout = pay(app);
      JsonObject held = mineFor(app, checkout, 6);
      assertThat(held.getString("status")).as(held.encode()).isEqualTo("pending");

      providers[1].mode(Mode.PASS);
      assertThat(mineFor(app, checkout, 20).getString("status")).isEqualTo("paid");

      // The watcher's provider serves receipts from an orphaned fork: never paid from them. The
      // block they name is one no provider shows, so that provider is tried last (with backoff)
      // and the receipt comes from the other one: paid, in the canonical block.
      providers[0].mode(Mode.ORPHANED_RECEIPTS);
      JsonObject second = pay(app);
      JsonObject paid = mineFor(app, second, 20);
      assertThat(paid.getString("status")).as(paid.encode()).isEqualTo("paid");
      JsonObject payment = app.merchantGet("/v1/checkouts/" + second.getString("id")).json().getJsonArray("payments").getJsonObject(0);
      String canonical = ((JsonObject) app.chain.rpc("eth_getTransactionReceipt", payment.getString("txHash"))).getString("blockHash");
      assertThat(payment.getString("blockHash")).isEqualTo(canonical).isNotEqualTo("0x" + "0f".repeat(32));
    } finally {
      for (ChaosRpcProxy p : providers) if (p != null) p.close();
    }
  }

  @Test
  void aProviderDenyingAMinedPaymentPastTheExpiryCannotExpireItWhileTheOtherHasItsReceipt() {
    ChaosRpcProxy[] providers = new ChaosRpcProxy[2];
    try (TollgateFixture app = TollgateFixture.start(anvil -> {
      try {
        providers[0] = new ChaosRpcProxy(anvil.rpcUrl());
        providers[1] = new ChaosRpcProxy(anvil.rpcUrl());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return Map.of("chain.31337.rpc-urls", providers[0].url() + "," + providers[1].url());
    })) {
      Credentials buyer = app.buyer(100);
      JsonObject checkout = app.createCheckout("deny-" + System.nanoTime(), new JsonObject().put("orderReference", "ORDER-D")
          .put("amount", "5.00").put("expiresInSeconds", 6).put("payer", buyer.getAddress())
          .put("paymentOptions", new io.vertx.core.json.JsonArray()
              .add(new JsonObject().put("chainId", TollgateFixture.CHAIN_ID).put("token", "USDC")))).json();
      // The watcher's provider (the first) denies the transaction from before it is mined.
      providers[0].mode(Mode.DENY_TRANSACTIONS);
      String tx = app.chain.transferToken(buyer, app.usdc, TollgateFixture.RECIPIENT, FIVE_USDC);
      assertThat(app.submit(checkout, "USDC", tx).status()).isEqualTo(202);

      TollgateFixture.awaitWallClockPast(java.time.Instant.parse(checkout.getString("expiresAt")).plusSeconds(1));
      for (int i = 0; i < 8; i++) { // heads past the expiry, each denying the transaction on the first provider
        app.chain.mine(1);
        TollgateFixture.sleep(400);
        JsonObject now = app.status(checkout).json();
        // pending, or paid if the client moved to the truthful provider: never expired
        assertThat(now.getString("status")).as("head %d past the expiry: %s", i, now).isIn("pending", "paid");
      }
      assertThat(providers[0].denied.get()).as("the first provider did deny the transaction").isPositive();

      providers[0].mode(Mode.PASS);
      JsonObject paid = mineFor(app, checkout, 20);
      assertThat(paid.getString("status")).as(paid.encode()).isEqualTo("paid");
      assertThat(paid.getJsonObject("payment").getString("txHash")).isEqualTo(tx.toLowerCase(java.util.Locale.ROOT));
    } finally {
      for (ChaosRpcProxy p : providers) if (p != null) p.close();
    }
  }

  private static JsonObject pay(TollgateFixture app) {
    Credentials buyer = app.buyer(100);
    JsonObject checkout = app.newCheckout("5.00", "USDC", buyer);
    String tx = app.chain.transferToken(buyer, app.usdc, TollgateFixture.RECIPIENT, FIVE_USDC);
    assertThat(app.submit(checkout, "USDC", tx).status()).isEqualTo(202);
    return checkout;
  }

  /** Mines a block at a time (each a watcher round) until the checkout is paid or {@code blocks} are mined. */
  private static JsonObject mineFor(TollgateFixture app, JsonObject checkout, int blocks) {
    JsonObject last = null;
    for (int i = 0; i < blocks; i++) {
      app.chain.mine(1);
      TollgateFixture.sleep(400);
      last = app.status(checkout).json();
      if ("paid".equals(last.getString("status"))) return last;
    }
    return last;
  }
}
