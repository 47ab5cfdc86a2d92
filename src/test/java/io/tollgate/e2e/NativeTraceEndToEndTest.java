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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Credentials;

/**
 * Native payments judged by their balance-diff trace, through HTTP, with the node behind a chaos
 * proxy: value that bounced inside a reverted sub-call fails the checkout ({@code no_transfer});
 * a smart wallet's payment on a provider without the debug API leaves the checkout pending with
 * reason {@code trace_unavailable}, never guessed, and is paid once a provider serves the trace.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NativeTraceEndToEndTest {
  private ChaosRpcProxy proxy;
  private TollgateFixture app;

  @BeforeAll
  void start() {
    app = TollgateFixture.start(anvil -> {
      try {
        proxy = new ChaosRpcProxy(anvil.rpcUrl());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return Map.of("chain.31337.rpc-urls", proxy.url());
    });
  }

  @AfterAll
  void stop() {
    app.close();
    proxy.close();
  }

  /** An ETH checkout whose payer the shop presets (an EOA or a contract wallet). */
  private JsonObject ethCheckout(String payer) {
    TollgateFixture.Response r = app.createCheckout("key-" + java.util.UUID.randomUUID(), new JsonObject()
        .put("orderReference", "ORDER-T").put("amount", "25.00").put("payer", payer)
        .put("paymentOptions", new JsonArray().add(new JsonObject().put("chainId", TollgateFixture.CHAIN_ID).put("token", "ETH"))));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json();
  }

  private static BigInteger wei(JsonObject checkout) {
    return new BigInteger(checkout.getJsonArray("paymentOptions").getJsonObject(0).getString("amount"));
  }

  @Test
  void valueThatBouncedInsideARevertedSubCallFailsTheCheckout() {
    proxy.mode(ChaosRpcProxy.Mode.PASS);
    Credentials buyer = app.chain.newFundedAccount();
    String contract = app.chain.deploy(buyer, ContractArtifact.load("RevertedSubcallPayer"), List.of());
    JsonObject checkout = ethCheckout(buyer.getAddress());

    String tx = app.chain.send(buyer, contract, wei(checkout), TestChain.encode("pay", new Address(TollgateFixture.RECIPIENT)),
        BigInteger.valueOf(300_000));
    assertThat(app.chain.awaitReceipt(tx).getString("status")).isEqualTo("0x1");
    assertThat(app.submit(checkout, "ETH", tx).status()).isEqualTo(202);

    JsonObject status = app.awaitSettled(checkout);
    assertThat(status.getString("status")).as(status.encode()).isEqualTo("failed");
    assertThat(status.getString("statusReason")).isEqualTo("no_transfer");
  }

  @Test
  void aSmartWalletsPaymentWaitsForAProviderThatServesItsTrace() {
    proxy.mode(ChaosRpcProxy.Mode.NO_DEBUG_API);
    Credentials owner = app.chain.newFundedAccount();
    String wallet = app.chain.deploy(owner, ContractArtifact.load("TestOwnerWallet"), List.of(new Address(owner.getAddress())));
    JsonObject checkout = ethCheckout(wallet);
    app.chain.rpc("anvil_setBalance", wallet, "0x" + wei(checkout).multiply(BigInteger.TWO).toString(16));

    String tx = app.chain.send(owner, wallet, BigInteger.ZERO, TestChain.encode("execute",
        new Address(TollgateFixture.RECIPIENT), new Uint256(wei(checkout)), new DynamicBytes(new byte[0])), BigInteger.valueOf(300_000));
    app.chain.awaitReceipt(tx);
    assertThat(app.submit(checkout, "ETH", tx).status()).isEqualTo(202);

    JsonObject waiting = null;
    for (int i = 0; i < 40; i++) {
      app.chain.mine(1);
      TollgateFixture.sleep(250);
      waiting = app.status(checkout).json();
      if ("trace_unavailable".equals(waiting.getString("statusReason"))) break;
    }
    assertThat(waiting.getString("status")).as(waiting.encode()).isEqualTo("pending");
    assertThat(waiting.getString("statusReason")).isEqualTo("trace_unavailable");

    proxy.mode(ChaosRpcProxy.Mode.PASS);
    JsonObject paid = null;
    for (int i = 0; i < 40; i++) {
      app.chain.mine(1);
      TollgateFixture.sleep(250);
      paid = app.status(checkout).json();
      if ("paid".equals(paid.getString("status"))) break;
    }
    assertThat(paid.getString("status")).as(paid.encode()).isEqualTo("paid");
    assertThat(paid.getString("statusReason")).isNull();
    JsonObject payment = app.merchantGet("/v1/checkouts/" + checkout.getString("id")).json().getJsonArray("payments").getJsonObject(0);
    assertThat(payment.getString("payer")).isEqualTo(wallet);
  }
}
