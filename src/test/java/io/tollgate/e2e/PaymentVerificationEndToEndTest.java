package io.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.dev.ContractArtifact;
import io.tollgate.testing.TestChain;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.crypto.Credentials;

/**
 * A shop creates a checkout, a buyer pays on a real anvil chain, the browser submits the hash and
 * polls: through HTTP, PostgreSQL, Redis and anvil. One test per rule of verification-rules.md.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PaymentVerificationEndToEndTest {
  private static final BigInteger USDC_12_50 = BigInteger.valueOf(12_500_000);
  private TollgateFixture app;

  @BeforeAll
  void start() {
    app = TollgateFixture.start();
  }

  @AfterAll
  void stop() {
    app.close();
  }

  @Test
  void erc20PaymentOfTheExactAmountTurnsTheCheckoutPaid() {
    JsonObject checkout = app.newCheckout("12.50", "USDC");
    assertThat(checkout.getString("status")).isEqualTo("open");
    JsonObject option = checkout.getJsonArray("paymentOptions").getJsonObject(0);
    assertThat(option.getString("amount")).isEqualTo("12500000");
    assertThat(option.getString("tokenAddress")).isEqualTo(app.usdc);
    Credentials buyer = app.buyer(100);
    app.bindPayer(checkout, buyer);

    String tx = app.chain.transferToken(buyer, app.usdc, TollgateFixture.RECIPIENT, USDC_12_50);
    TollgateFixture.Response submitted = app.submit(checkout, "USDC", tx);

    assertThat(submitted.status()).isEqualTo(202);
    assertThat(submitted.json().getString("status")).isEqualTo("pending");
    JsonObject settled = app.awaitSettled(checkout);
    assertThat(settled.getString("status")).isEqualTo("paid");
    assertThat(settled.getJsonObject("payment").getString("txHash")).isEqualTo(tx);
    JsonObject full = app.merchantGet("/v1/checkouts/" + checkout.getString("id")).json();
    assertThat(full.getString("status")).isEqualTo("paid");
    assertThat(full.getJsonArray("payments").getJsonObject(0).getString("payer"))
        .isEqualTo(buyer.getAddress().toLowerCase(Locale.ROOT));
  }

  @Test
  void nativeEthPaymentWithinHalfAPercentUnderTheQuoteIsAccepted() {
    JsonObject checkout = app.newCheckout("25.00", "ETH");
    BigInteger quotedWei = new BigInteger(checkout.getJsonArray("paymentOptions").getJsonObject(0).getString("amount"));
    assertThat(quotedWei).isEqualTo(new BigDecimal("0.01").movePointRight(18).toBigIntegerExact()); // 25 USD at 2500
    BigInteger slightlyUnder = quotedWei.multiply(BigInteger.valueOf(9_960)).divide(BigInteger.valueOf(10_000));
    Credentials buyer = app.chain.newFundedAccount();
    app.bindPayer(checkout, buyer);

    String tx = app.chain.sendEth(buyer, TollgateFixture.RECIPIENT, slightlyUnder);
    assertThat(app.submit(checkout, "ETH", tx).status()).isEqualTo(202);

    assertThat(app.awaitSettled(checkout).getString("status")).isEqualTo("paid");
  }

  @Test
  void nativeEthMoreThanHalfAPercentUnderIsUnderpaid() {
    Credentials buyer = app.chain.newFundedAccount();
    JsonObject checkout = app.newCheckout("25.00", "ETH", buyer);
    BigInteger quotedWei = new BigInteger(checkout.getJsonArray("paymentOptions").getJsonObject(0).getString("amount"));
    String tx = app.chain.sendEth(buyer, TollgateFixture.RECIPIENT,
        quotedWei.multiply(BigInteger.valueOf(994)).divide(BigInteger.valueOf(1000)));
    app.submit(checkout, "ETH", tx);
    // Not a failure any more (issue 18): underpaid, with what is still due, and toppable.
    JsonObject status = app.awaitSettled(checkout);
    assertThat(status.getString("status")).isEqualTo("underpaid");
    assertThat(status.getString("amountDue")).isNotNull();
  }

  @Test
  void transferToAnotherRecipientFails() {
    Credentials buyer = app.buyer(100);
    JsonObject checkout = app.newCheckout("12.50", "USDC", buyer);
    String tx = app.chain.transferToken(buyer, app.usdc, "0x000000000000000000000000000000000000dead", USDC_12_50);
    app.submit(checkout, "USDC", tx);
    assertFailed(checkout, "wrong_recipient");
  }

  @Test
  void transferOfAnotherTokenFails() {
    String otherToken = app.chain.deploy(TestChain.DEPLOYER, ContractArtifact.load("DemoStablecoin"),
        List.of(new Utf8String("Fake USD"), new Utf8String("1"), new Utf8String("FUSD")));
    Credentials buyer = app.chain.newFundedAccount();
    app.chain.mintToken(otherToken, buyer.getAddress(), USDC_12_50);
    JsonObject checkout = app.newCheckout("12.50", "USDC", buyer);
    String tx = app.chain.transferToken(buyer, otherToken, TollgateFixture.RECIPIENT, USDC_12_50);
    app.submit(checkout, "USDC", tx);
    assertFailed(checkout, "wrong_token");
  }

  @Test
  void underpaymentOfAStablecoinIsUnderpaidAndAnOverpaymentPaysWithItsExcess() {
    Credentials buyer = app.buyer(100);
    JsonObject under = app.newCheckout("12.50", "USDC", buyer);
    JsonObject over = app.newCheckout("12.50", "USDC", buyer);
    app.submit(under, "USDC", app.chain.transferToken(buyer, app.usdc, TollgateFixture.RECIPIENT, USDC_12_50.subtract(BigInteger.ONE)));
    app.submit(over, "USDC", app.chain.transferToken(buyer, app.usdc, TollgateFixture.RECIPIENT, USDC_12_50.add(BigInteger.ONE)));
    JsonObject underStatus = app.awaitSettled(under);
    assertThat(underStatus.getString("status")).isEqualTo("underpaid");
    assertThat(underStatus.getString("amountDue")).isEqualTo("1");
    assertThat(app.awaitSettled(over).getString("status")).isEqualTo("paid");
    assertThat(app.merchantGet("/v1/checkouts/" + over.getString("id")).json().getJsonObject("money").getString("excessBase"))
        .isEqualTo("1");
  }

  @Test
  void paymentFromSomeoneOtherThanTheBoundPayerFails() {
    Credentials expected = app.chain.newFundedAccount();
    TollgateFixture.Response created = app.createCheckout("payer-" + System.nanoTime(), new JsonObject()
        .put("orderReference", "ORDER-P").put("amount", "12.50").put("payer", expected.getAddress())
        .put("paymentOptions", new io.vertx.core.json.JsonArray().add(new JsonObject().put("chainId", 31337).put("token", "USDC"))));
    JsonObject checkout = created.json();
    String tx = app.chain.transferToken(app.buyer(100), app.usdc, TollgateFixture.RECIPIENT, USDC_12_50);
    app.submit(checkout, "USDC", tx);
    assertFailed(checkout, "wrong_payer");
  }

  @Test
  void revertedTransactionFails() {
    JsonObject checkout = app.newCheckout("12.50", "USDC");
    Credentials broke = app.chain.newFundedAccount(); // holds no USDC: the transfer reverts but is mined
    app.bindPayer(checkout, broke);
    String tx = app.chain.transferToken(broke, app.usdc, TollgateFixture.RECIPIENT, USDC_12_50);
    assertThat(app.chain.awaitReceipt(tx).getString("status")).isEqualTo("0x0");
    app.submit(checkout, "USDC", tx);
    assertFailed(checkout, "tx_reverted");
  }

  /**
   * Issue 14 changed this deliberately: a second checkout's claim on a hash used to be refused at
   * once (so whoever submitted first decided whose money it was). Now the credit is single-use:
   * once a transaction paid a checkout, no other checkout can claim it, whatever the hash's case.
   * Claims before the credit are judged on their own (AttributionEndToEndTest).
   */
  @Test
  void aTransactionThatPaidACheckoutCannotBeClaimedAgainWhateverItsCase() {
    Credentials buyer = app.buyer(100);
    JsonObject first = app.newCheckout("12.50", "USDC", buyer);
    JsonObject second = app.newCheckout("12.50", "USDC", buyer);
    String tx = app.chain.transferToken(buyer, app.usdc, TollgateFixture.RECIPIENT, USDC_12_50);
    assertThat(app.submit(first, "USDC", tx).status()).isEqualTo(202);
    assertThat(app.awaitSettled(first).getString("status")).isEqualTo("paid");

    TollgateFixture.Response again = app.submit(second, "USDC", tx);
    TollgateFixture.Response mixedCase = app.submit(second, "USDC", "0x" + tx.substring(2).toUpperCase(Locale.ROOT));

    assertThat(again.status()).isEqualTo(409);
    assertThat(again.errorCode()).isEqualTo("tx_hash_already_used");
    assertThat(mixedCase.status()).isEqualTo(409);
    assertThat(mixedCase.errorCode()).isEqualTo("tx_hash_already_used");
    assertThat(app.status(second).json().getString("status")).isEqualTo("open");
  }

  @Test
  void aPaymentToAnExpiredCheckoutIsAcceptedAndRecordedAsLateWhileTheCheckoutStaysExpired() {
    Credentials lateBuyer = app.buyer(10);
    // Issue 4 changed this deliberately: an expired checkout used to refuse hashes (409); money may
    // already have been sent, so it is now verified and recorded as a late payment.
    TollgateFixture.Response created = app.createCheckout("exp-" + System.nanoTime(), new JsonObject()
        .put("orderReference", "ORDER-E").put("amount", "1.00").put("expiresInSeconds", 1).put("payer", lateBuyer.getAddress()));
    JsonObject checkout = created.json();
    TollgateFixture.sleep(1_500);
    assertThat(app.status(checkout).json().getString("status")).isEqualTo("expired");
    // block timestamps are whole seconds: mine strictly after the expiry's second
    TollgateFixture.awaitWallClockPast(java.time.Instant.parse(checkout.getString("expiresAt")).plusSeconds(1));
    String tx = app.chain.transferToken(lateBuyer, app.usdc, TollgateFixture.RECIPIENT, BigInteger.valueOf(1_000_000));
    TollgateFixture.Response late = app.submit(checkout, "USDC", tx);
    assertThat(late.status()).isEqualTo(202);
    assertThat(late.json().getString("status")).isEqualTo("expired");

    JsonObject full = null;
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      full = app.merchantGet("/v1/checkouts/" + checkout.getString("id")).json();
      if ("confirmed".equals(full.getJsonArray("payments").getJsonObject(0).getString("status"))) break;
      TollgateFixture.sleep(100);
    }
    assertThat(full.getString("status")).isEqualTo("expired");
    assertThat(full.getString("statusReason")).isEqualTo("paid_late");
    assertThat(full.getJsonArray("payments").getJsonObject(0).getString("status")).isEqualTo("confirmed");
    assertThat(app.status(checkout).json().getString("status")).isEqualTo("expired");
  }

  @Test
  void aPaymentMinedInTimeButSubmittedAfterExpiryPaysTheCheckout() {
    Credentials buyer = app.buyer(10);
    TollgateFixture.Response created = app.createCheckout("in-time-" + System.nanoTime(), new JsonObject()
        .put("orderReference", "ORDER-T").put("amount", "1.00").put("expiresInSeconds", 3).put("payer", buyer.getAddress()));
    JsonObject checkout = created.json();
    String tx = app.chain.transferToken(buyer, app.usdc, TollgateFixture.RECIPIENT, BigInteger.valueOf(1_000_000));
    app.chain.awaitReceipt(tx);
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
    while (!"expired".equals(app.status(checkout).json().getString("status")) && System.nanoTime() < deadline) {
      TollgateFixture.sleep(100);
    }
    assertThat(app.status(checkout).json().getString("status")).isEqualTo("expired");

    assertThat(app.submit(checkout, "USDC", tx).status()).isEqualTo(202);

    // The validity window decides, not when the hash arrived.
    long paidBy = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
    while (!"paid".equals(app.status(checkout).json().getString("status")) && System.nanoTime() < paidBy) {
      TollgateFixture.sleep(100);
    }
    assertThat(app.status(checkout).json().getString("status")).isEqualTo("paid");
  }

  @Test
  void aPaidCheckoutCreditsNobodyElsesTransferAsADuplicatePayment() {
    Credentials buyer = app.buyer(10);
    JsonObject checkout = app.newCheckout("2.00", "USDC", buyer);
    app.submit(checkout, "USDC", app.chain.transferToken(buyer, app.usdc, TollgateFixture.RECIPIENT,
        BigInteger.valueOf(2_000_000)));
    assertThat(app.awaitSettled(checkout).getString("status")).isEqualTo("paid");
    // A further hash is a claim (the buyer may have paid twice), judged against the bound payer:
    // another wallet's transfer is rejected and the checkout stays paid, nothing credited.
    String other = app.chain.transferToken(app.buyer(10), app.usdc, TollgateFixture.RECIPIENT, BigInteger.valueOf(2_000_000));
    TollgateFixture.Response again = app.submit(checkout, "USDC", other);
    assertThat(again.status()).isEqualTo(202);
    assertThat(again.json().getString("status")).isEqualTo("paid");
    JsonObject judged = MoneyFixture.awaitCheckout(app, checkout, c -> c.getJsonArray("payments").stream()
        .map(p -> (JsonObject) p).anyMatch(p -> other.equalsIgnoreCase(p.getString("txHash")) && "rejected".equals(p.getString("status"))));
    assertThat(judged.getString("status")).isEqualTo("paid");
    assertThat(judged.getJsonArray("payments").stream().map(p -> (JsonObject) p)
        .filter(p -> other.equalsIgnoreCase(p.getString("txHash"))).findFirst().orElseThrow().getString("reason"))
        .isEqualTo("wrong_payer");
    assertThat(judged.getJsonObject("money").getJsonArray("duplicatePayments")).isEmpty();
  }

  @Test
  void aTransactionMinedBeforeTheCheckoutExistedIsOutsideTheValidityWindow() {
    Credentials buyer = app.buyer(100);
    String tx = app.chain.transferToken(buyer, app.usdc, TollgateFixture.RECIPIENT, USDC_12_50);
    JsonObject receipt = app.chain.awaitReceipt(tx);
    JsonObject block = (JsonObject) app.chain.rpc("eth_getBlockByNumber", receipt.getString("blockNumber"), false);
    // Block timestamps can run ahead of the wall clock: wait until the checkout's window (which
    // starts at its creation second, less the chain's 2 s window lead) certainly begins after the
    // transaction's block.
    TollgateFixture.awaitWallClockPast(java.time.Instant.ofEpochSecond(
        org.web3j.utils.Numeric.decodeQuantity(block.getString("timestamp")).longValueExact() + 3));
    JsonObject checkout = app.newCheckout("12.50", "USDC", buyer);
    app.submit(checkout, "USDC", tx);
    assertFailed(checkout, "outside_validity_window");
  }

  @Test
  void statusPollsAnswer304WhileNothingChanged() {
    Credentials buyer = app.buyer(10);
    JsonObject checkout = app.newCheckout("3.00", "USDC", buyer);
    TollgateFixture.Response first = app.status(checkout);
    String etag = first.header("ETag");
    assertThat(etag).isNotBlank();
    TollgateFixture.Response second = app.get("/v1/checkouts/" + checkout.getString("id") + "/status",
        checkout.getString("clientSecret"), java.util.Map.of("If-None-Match", etag));
    assertThat(second.status()).isEqualTo(304);
    app.submit(checkout, "USDC", app.chain.transferToken(buyer, app.usdc, TollgateFixture.RECIPIENT, BigInteger.valueOf(3_000_000)));
    TollgateFixture.Response changed = app.get("/v1/checkouts/" + checkout.getString("id") + "/status",
        checkout.getString("clientSecret"), java.util.Map.of("If-None-Match", etag));
    assertThat(changed.status()).isEqualTo(200);
    assertThat(changed.header("ETag")).isNotEqualTo(etag);
  }

  private void assertFailed(JsonObject checkout, String reason) {
    JsonObject settled = app.awaitSettled(checkout);
    assertThat(settled.getString("status")).isEqualTo("failed");
    assertThat(settled.getString("statusReason")).isEqualTo(reason);
  }
}
