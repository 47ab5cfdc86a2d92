package io.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.dev.ContractArtifact;
import io.tollgate.testing.ChaosRpcProxy;
import io.tollgate.testing.TestChain;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Credentials;

/**
 * What the balance-diff trace costs, counted at a JSON-RPC proxy in front of the node (every call
 * of a batch): one {@code debug_traceTransaction} per smart-wallet payment, asked once, and none
 * for ERC-20 payments or plain ETH transfers. The per-method counts are logged for BENCHMARKS.md.
 */
class NativeTraceCallsEndToEndTest {
  private static final Logger LOG = LoggerFactory.getLogger(NativeTraceCallsEndToEndTest.class);
  private static final int K = 8;

  @Test
  void onlyContractOriginatedNativePaymentsAddATraceCallOneEach() {
    ChaosRpcProxy[] proxy = new ChaosRpcProxy[1];
    try (TollgateFixture app = TollgateFixture.start(anvil -> {
      try {
        proxy[0] = new ChaosRpcProxy(anvil.rpcUrl());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return Map.of("chain.31337.rpc-urls", proxy[0].url());
    })) {
      Map<String, Long> wallets = block(app, proxy[0], "wallet");
      Map<String, Long> plain = block(app, proxy[0], "plain");
      Map<String, Long> tokens = block(app, proxy[0], "usdc");
      LOG.info("JSON-RPC calls for {} paid checkouts in one block, by method: smart wallet ETH {}, plain ETH {}, USDC {}",
          K, wallets, plain, tokens);

      assertThat(wallets.getOrDefault("debug_traceTransaction", 0L)).as("one trace per smart-wallet payment").isEqualTo(K);
      assertThat(plain.getOrDefault("debug_traceTransaction", 0L)).as("a plain transfer's fields prove it").isZero();
      assertThat(tokens.getOrDefault("debug_traceTransaction", 0L)).as("ERC-20: no trace").isZero();
    } finally {
      if (proxy[0] != null) proxy[0].close();
    }
  }

  /** K checkouts paid in one block the given way; the calls the service made meanwhile, by method. */
  private static Map<String, Long> block(TollgateFixture app, ChaosRpcProxy proxy, String how) {
    List<JsonObject> checkouts = new ArrayList<>();
    List<Runnable> payments = new ArrayList<>();
    for (int i = 0; i < K; i++) {
      switch (how) {
        case "wallet" -> {
          Credentials owner = app.chain.newFundedAccount();
          String wallet = app.chain.deploy(owner, ContractArtifact.load("TestOwnerWallet"), List.of(new Address(owner.getAddress())));
          JsonObject checkout = checkout(app, wallet, "ETH", "25.00");
          BigInteger wei = new BigInteger(checkout.getJsonArray("paymentOptions").getJsonObject(0).getString("amount"));
          app.chain.rpc("anvil_setBalance", wallet, "0x" + wei.multiply(BigInteger.TWO).toString(16));
          checkouts.add(checkout);
          payments.add(() -> submit(app, checkout, "ETH", app.chain.send(owner, wallet, BigInteger.ZERO, TestChain.encode("execute",
              new Address(TollgateFixture.RECIPIENT), new Uint256(wei), new DynamicBytes(new byte[0])), BigInteger.valueOf(300_000))));
        }
        case "plain" -> {
          Credentials buyer = app.chain.newFundedAccount();
          JsonObject checkout = checkout(app, buyer.getAddress(), "ETH", "25.00");
          BigInteger wei = new BigInteger(checkout.getJsonArray("paymentOptions").getJsonObject(0).getString("amount"));
          checkouts.add(checkout);
          payments.add(() -> submit(app, checkout, "ETH", app.chain.sendEth(buyer, TollgateFixture.RECIPIENT, wei)));
        }
        default -> {
          Credentials buyer = app.buyer(10);
          JsonObject checkout = checkout(app, buyer.getAddress(), "USDC", "2.00");
          checkouts.add(checkout);
          payments.add(() -> submit(app, checkout, "USDC",
              app.chain.transferToken(buyer, app.usdc, TollgateFixture.RECIPIENT, BigInteger.valueOf(2_000_000))));
        }
      }
    }
    Map<String, Long> before = proxy.callsByMethod();
    app.chain.rpc("evm_setAutomine", false);
    payments.forEach(Runnable::run);
    TollgateFixture.sleep(300);
    app.chain.mine(1);
    app.chain.rpc("evm_setAutomine", true);
    for (JsonObject checkout : checkouts) {
      JsonObject settled = app.awaitSettled(checkout);
      assertThat(settled.getString("status")).as(settled.encode()).isEqualTo("paid");
    }
    Map<String, Long> after = proxy.callsByMethod();
    Map<String, Long> made = new java.util.TreeMap<>();
    after.forEach((method, n) -> {
      long d = n - before.getOrDefault(method, 0L);
      if (d > 0) made.put(method, d);
    });
    return made;
  }

  private static JsonObject checkout(TollgateFixture app, String payer, String token, String amount) {
    TollgateFixture.Response r = app.createCheckout("key-" + java.util.UUID.randomUUID(), new JsonObject()
        .put("orderReference", "ORDER-C").put("amount", amount).put("payer", payer)
        .put("paymentOptions", new JsonArray().add(new JsonObject().put("chainId", TollgateFixture.CHAIN_ID).put("token", token))));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json();
  }

  private static void submit(TollgateFixture app, JsonObject checkout, String token, String tx) {
    TollgateFixture.Response r = app.submit(checkout, token, tx);
    assertThat(r.status()).as(r.body()).isEqualTo(202);
  }
}
