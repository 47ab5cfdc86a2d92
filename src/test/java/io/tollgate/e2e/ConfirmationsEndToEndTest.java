package io.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.web3j.crypto.Credentials;

/**
 * A chain that needs 3 confirmations and mines only when the test says so: the browser sees
 * pending 0/3, 1/3, ... then paid; a transaction never mined leaves the checkout pending until it
 * expires, then expired with not_mined_before_expiry.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConfirmationsEndToEndTest {
  private static final BigInteger FIVE_USDC = BigInteger.valueOf(5_000_000);
  private TollgateFixture app;

  @BeforeAll
  void start() {
    app = TollgateFixture.start(Map.of("chain.31337.confirmations", "3"));
  }

  @AfterAll
  void stop() {
    app.close();
  }

  @AfterEach
  void automineAgain() {
    app.chain.rpc("evm_setAutomine", true);
  }

  @Test
  void aPaymentIsPendingWithItsConfirmationsUntilTheThirdBlockThenPaid() {
    Credentials buyer = app.buyer(100);
    JsonObject checkout = app.newCheckout("5.00", "USDC", buyer);
    app.chain.rpc("evm_setAutomine", false);

    String tx = app.chain.transferToken(buyer, app.usdc, TollgateFixture.RECIPIENT, FIVE_USDC);
    assertThat(app.submit(checkout, "USDC", tx).status()).isEqualTo(202);
    TollgateFixture.sleep(500); // several watcher rounds: still not mined
    JsonObject unmined = app.status(checkout).json();
    assertThat(unmined.getString("status")).as(unmined.encode()).isEqualTo("pending");
    assertThat(unmined.getInteger("confirmations")).as(unmined.encode()).isZero();

    app.chain.mine(1);
    JsonObject oneOfThree = awaitConfirmations(checkout, 1);
    assertThat(oneOfThree.getString("status")).isEqualTo("pending");
    assertThat(oneOfThree.getInteger("requiredConfirmations")).isEqualTo(3);

    app.chain.mine(1);
    assertThat(awaitConfirmations(checkout, 2).getString("status")).isEqualTo("pending");

    app.chain.mine(1);
    JsonObject paid = app.awaitSettled(checkout);
    assertThat(paid.getString("status")).isEqualTo("paid");
    assertThat(paid.getInteger("confirmations")).isEqualTo(3);
  }

  @Test
  void aTransactionNeverMinedLeavesTheCheckoutPendingUntilItExpires() {
    Credentials buyer = app.buyer(100);
    // Expiry is judged by block timestamps, and anvil's run ahead of the wall clock when blocks come
    // fast, so the test moves chain time itself instead of sleeping past a short expiry. (It moves it
    // 120 s ahead: well inside the 600 s windows of the other tests on this chain.)
    JsonObject checkout = app.createCheckout("unmined-" + System.nanoTime(), new JsonObject()
        .put("orderReference", "ORDER-U").put("amount", "5.00").put("expiresInSeconds", 120).put("payer", buyer.getAddress())
        .put("paymentOptions", new io.vertx.core.json.JsonArray().add(new JsonObject().put("chainId", 31337).put("token", "USDC"))))
        .json();
    app.chain.rpc("evm_setAutomine", false);
    String tx = app.chain.transferToken(buyer, app.usdc, TollgateFixture.RECIPIENT, FIVE_USDC);
    assertThat(app.submit(checkout, "USDC", tx).status()).isEqualTo(202);
    app.chain.rpc("anvil_dropTransaction", tx); // it will never be mined

    app.chain.mine(1); // an empty block inside the validity window: still waiting
    TollgateFixture.sleep(500);
    JsonObject waiting = app.status(checkout).json();
    assertThat(waiting.getString("status")).as(waiting.encode()).isEqualTo("pending");

    long expiresAt = java.time.Instant.parse(checkout.getString("expiresAt")).getEpochSecond();
    app.chain.rpc("evm_setNextBlockTimestamp", expiresAt + 1);
    app.chain.mine(1); // the first block past the expiry, without the transaction
    JsonObject settled = app.awaitSettled(checkout);
    assertThat(settled.getString("status"))
        .as("%s / stored: %s", settled.encode(), app.merchantGet("/v1/checkouts/" + checkout.getString("id")).body())
        .isEqualTo("expired");
    assertThat(settled.getString("statusReason")).isEqualTo("not_mined_before_expiry");
  }

  private JsonObject awaitConfirmations(JsonObject checkout, int confirmations) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    JsonObject last = null;
    while (System.nanoTime() < deadline) {
      last = app.status(checkout).json();
      if (last.getInteger("confirmations", 0) >= confirmations) return last;
      TollgateFixture.sleep(50);
    }
    return last;
  }
}
