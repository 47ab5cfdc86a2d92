package io.tollgate.e2e;

import static io.tollgate.e2e.MoneyFixture.SHOP_WALLET;
import static io.tollgate.e2e.MoneyFixture.awaitCheckout;
import static io.tollgate.e2e.MoneyFixture.awaitRefund;
import static io.tollgate.e2e.MoneyFixture.postRefundTx;
import static io.tollgate.e2e.MoneyFixture.query;
import static io.tollgate.e2e.MoneyFixture.refund;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.e2e.WebhookReceiver.Received;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.web3j.crypto.Credentials;

/**
 * Amounts off the quote, through HTTP, PostgreSQL, Redis and anvil: an underpaid checkout shows
 * what is due and is topped up to paid; underpaid at expiry it expires with its money refundable;
 * the merchant's tolerance at its edges (native ETH 0.5 % by default, a stablecoin tolerance set
 * per merchant); an over-payment is paid with its excess refundable in one call, or refused when
 * the merchant says so.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PartialPaymentEndToEndTest {
  private TollgateFixture app;
  private WebhookReceiver receiver;
  private JsonObject endpoint;

  @BeforeAll
  void start() {
    app = TollgateFixture.start();
    receiver = new WebhookReceiver();
    endpoint = MoneyFixture.createEndpoint(app, receiver.url("/partial"));
  }

  @AfterAll
  void stop() {
    receiver.close();
    app.close();
  }

  private JsonObject checkout(String amount, String token, Credentials payer, int expiresInSeconds) {
    TollgateFixture.Response r = app.createCheckout("k-" + UUID.randomUUID(), new JsonObject().put("orderReference", "P-1")
        .put("amount", amount).put("payer", payer.getAddress()).put("expiresInSeconds", expiresInSeconds)
        .put("paymentOptions", new JsonArray().add(new JsonObject().put("chainId", TollgateFixture.CHAIN_ID).put("token", token))));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json();
  }

  private JsonObject payUsdc(JsonObject checkout, Credentials buyer, long units) {
    String tx = app.chain.transferToken(buyer, app.usdc, TollgateFixture.RECIPIENT, BigInteger.valueOf(units));
    TollgateFixture.Response submitted = app.submit(checkout, "USDC", tx);
    assertThat(submitted.status()).as(submitted.body()).isEqualTo(202);
    return app.awaitSettled(checkout);
  }

  @Test
  void underpaidIsToppedUpToPaid() {
    Credentials buyer = app.buyer(100);
    JsonObject checkout = checkout("10.00", "USDC", buyer, 600);
    JsonObject status = payUsdc(checkout, buyer, 6_000_000);
    assertThat(status.getString("status")).isEqualTo("underpaid");
    assertThat(status.getString("received")).isEqualTo("6000000");
    assertThat(status.getString("amountDue")).isEqualTo("4000000");

    status = payUsdc(checkout, buyer, 4_000_000);
    StringBuilder dump = new StringBuilder();
    query(app, "SELECT id, status, reason, amount_base, late, kind FROM payments WHERE checkout_id = $1",
        UUID.fromString(checkout.getString("id"))).forEach(r -> dump.append(r.toJson()).append('\n'));
    query(app, "SELECT to_status, reason, actor FROM checkout_events WHERE checkout_id = $1 ORDER BY id",
        UUID.fromString(checkout.getString("id"))).forEach(r -> dump.append(r.toJson()).append('\n'));
    assertThat(status.getString("status")).as(dump.toString()).isEqualTo("paid");
    JsonObject money = app.merchantGet("/v1/checkouts/" + checkout.getString("id")).json().getJsonObject("money");
    assertThat(money.getString("receivedBase")).isEqualTo("10000000");
    assertThat(money.getString("excessBase")).isEqualTo("0");

    List<Received> events = receiver.await(r -> checkout.getString("id").equals(r.checkoutId())
        && List.of("checkout.underpaid", "checkout.paid").contains(r.type()), 2);
    events.forEach(r -> r.verify(endpoint.getString("secret")));
    JsonObject underpaid = events.stream().filter(r -> r.type().equals("checkout.underpaid")).findFirst().orElseThrow().json();
    assertThat(underpaid.getJsonObject("data").getJsonObject("amounts").getString("amountDueBase")).isEqualTo("4000000");
  }

  @Test
  void underpaidAtExpiryExpiresWithItsMoneyRefundable() {
    Credentials buyer = app.buyer(100);
    JsonObject checkout = checkout("5.00", "USDC", buyer, 4);
    assertThat(payUsdc(checkout, buyer, 2_000_000).getString("status")).isEqualTo("underpaid");
    JsonObject expired = awaitCheckout(app, checkout, c -> "expired".equals(c.getString("status")));
    assertThat(expired.getString("statusReason")).isEqualTo("underpaid");
    assertThat(expired.getJsonObject("money").getString("refundableBase")).isEqualTo("2000000");

    JsonObject refund = refund(app, checkout, new JsonObject()).json();
    assertThat(refund.getString("amountBase")).isEqualTo("2000000");
    assertThat(refund.getString("amount")).isEqualTo("2.00");
    app.chain.mintToken(app.usdc, SHOP_WALLET.getAddress(), BigInteger.valueOf(10_000_000));
    postRefundTx(app, refund, MoneyFixture.shopSendsUsdc(app, buyer.getAddress(), 2_000_000));
    assertThat(awaitRefund(app, refund, r -> !"verifying".equals(r.getString("status"))).getString("status"))
        .isEqualTo("succeeded");
  }

  @Test
  void nativeToleranceEdgesAreHalfAPercentByDefault() {
    Credentials buyer = app.buyer(0);
    JsonObject atEdge = checkout("25.00", "ETH", buyer, 600);
    BigInteger quote = new BigInteger(atEdge.getJsonArray("paymentOptions").getJsonObject(0).getString("amount"));
    BigInteger minimum = quote.multiply(BigInteger.valueOf(9950)).add(BigInteger.valueOf(9999)).divide(BigInteger.valueOf(10_000));
    String tx = app.chain.sendEth(buyer, TollgateFixture.RECIPIENT, minimum);
    assertThat(app.submit(atEdge, "ETH", tx).status()).isEqualTo(202);
    assertThat(app.awaitSettled(atEdge).getString("status")).isEqualTo("paid");

    JsonObject below = checkout("25.00", "ETH", buyer, 600);
    String short1 = app.chain.sendEth(buyer, TollgateFixture.RECIPIENT, minimum.subtract(BigInteger.ONE));
    assertThat(app.submit(below, "ETH", short1).status()).isEqualTo(202);
    JsonObject status = app.awaitSettled(below);
    assertThat(status.getString("status")).isEqualTo("underpaid");
    assertThat(status.getString("amountDue")).isEqualTo(quote.subtract(minimum).add(BigInteger.ONE).toString());
  }

  @Test
  void aStablecoinToleranceSetByTheMerchantTreatsTinyShortfallsAsPaid() {
    setMerchant("underpayment_tolerance_bps_stable = 100");
    try {
      Credentials buyer = app.buyer(100);
      JsonObject atEdge = checkout("10.00", "USDC", buyer, 600);
      assertThat(payUsdc(atEdge, buyer, 9_900_000).getString("status")).isEqualTo("paid");
      JsonObject below = checkout("10.00", "USDC", buyer, 600);
      assertThat(payUsdc(below, buyer, 9_899_999).getString("status")).isEqualTo("underpaid");
    } finally {
      setMerchant("underpayment_tolerance_bps_stable = 0");
    }
    // Default 0: one base unit short is underpaid.
    Credentials buyer = app.buyer(100);
    JsonObject exact = checkout("10.00", "USDC", buyer, 600);
    assertThat(payUsdc(exact, buyer, 9_999_999).getString("status")).isEqualTo("underpaid");
  }

  @Test
  void anOverPaymentIsPaidWithItsExcessRefundableInOneCall() {
    Credentials buyer = app.buyer(100);
    JsonObject checkout = checkout("10.00", "USDC", buyer, 600);
    assertThat(payUsdc(checkout, buyer, 12_000_000).getString("status")).isEqualTo("paid");
    JsonObject money = app.merchantGet("/v1/checkouts/" + checkout.getString("id")).json().getJsonObject("money");
    assertThat(money.getString("excessBase")).isEqualTo("2000000");
    Received paid = receiver.await(r -> checkout.getString("id").equals(r.checkoutId()) && r.type().equals("checkout.paid"), 1)
        .get(0);
    paid.verify(endpoint.getString("secret"));
    assertThat(paid.json().getJsonObject("data").getJsonObject("amounts").getString("excessBase")).isEqualTo("2000000");

    TollgateFixture.Response excess = refund(app, checkout, new JsonObject().put("excess", true));
    assertThat(excess.status()).as(excess.body()).isEqualTo(201);
    assertThat(excess.json().getString("amountBase")).isEqualTo("2000000");
    assertThat(excess.json().getBoolean("excess")).isTrue();
    assertThat(refund(app, checkout, new JsonObject().put("excess", true)).errorCode()).isEqualTo("no_excess_to_refund");
  }

  @Test
  void aMerchantThatRefusesOverPaymentsGetsAFailedCheckoutWithTheMoneyRefundable() {
    setMerchant("overpayments = 'refuse'");
    try {
      Credentials buyer = app.buyer(100);
      JsonObject checkout = checkout("10.00", "USDC", buyer, 600);
      JsonObject status = payUsdc(checkout, buyer, 10_000_001);
      assertThat(status.getString("status")).isEqualTo("failed");
      assertThat(status.getString("reason")).isEqualTo("overpaid");
      assertThat(app.merchantGet("/v1/checkouts/" + checkout.getString("id")).json().getJsonObject("money")
          .getString("refundableBase")).isEqualTo("10000001");
    } finally {
      setMerchant("overpayments = 'accept'");
    }
  }

  private void setMerchant(String assignment) {
    query(app, "UPDATE merchants SET " + assignment + " WHERE id = $1", app.merchantId);
    Instant.now(); // settings are read per verdict: no cache to wait for
  }
}
