package io.tollgate.e2e;

import static io.tollgate.e2e.MoneyFixture.SHOP_WALLET;
import static io.tollgate.e2e.MoneyFixture.awaitCheckout;
import static io.tollgate.e2e.MoneyFixture.awaitRefund;
import static io.tollgate.e2e.MoneyFixture.count;
import static io.tollgate.e2e.MoneyFixture.merchantPost;
import static io.tollgate.e2e.MoneyFixture.postRefundTx;
import static io.tollgate.e2e.MoneyFixture.refund;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.e2e.WebhookReceiver.Received;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.web3j.crypto.Credentials;

/**
 * Payments after the window and stuck payments, through HTTP, PostgreSQL, Redis and anvil: a late
 * payment accepted by the shop (paid, audited) or refunded; a canceled checkout's later payment
 * kept as a late payment; recovery of an expired checkout's real payment (by the operator), and
 * recovery refused for a transfer that does not pay the checkout.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LatePaymentAndRecoveryEndToEndTest {
  private static final String ADMIN_TOKEN = "operator-token-for-money-tests";
  private TollgateFixture app;
  private WebhookReceiver receiver;
  private JsonObject endpoint;

  @BeforeAll
  void start() throws Exception {
    app = TollgateFixture.start(Map.of("admin.token-sha256", HexFormat.of().formatHex(
        MessageDigest.getInstance("SHA-256").digest(ADMIN_TOKEN.getBytes(StandardCharsets.UTF_8)))));
    receiver = new WebhookReceiver();
    endpoint = MoneyFixture.createEndpoint(app, receiver.url("/late"));
    app.chain.mintToken(app.usdc, SHOP_WALLET.getAddress(), BigInteger.valueOf(100_000_000));
  }

  @AfterAll
  void stop() {
    receiver.close();
    app.close();
  }

  private JsonObject checkout(String amount, Credentials payer, int expiresInSeconds) {
    TollgateFixture.Response r = app.createCheckout("k-" + UUID.randomUUID(), new JsonObject().put("orderReference", "L-1")
        .put("amount", amount).put("payer", payer.getAddress()).put("expiresInSeconds", expiresInSeconds)
        .put("paymentOptions", new JsonArray().add(new JsonObject().put("chainId", TollgateFixture.CHAIN_ID).put("token", "USDC"))));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json();
  }

  /** A checkout that expired, then was paid by its payer: expired, reason paid_late. */
  private JsonObject paidLate(Credentials buyer, String amount, long units) {
    JsonObject checkout = checkout(amount, buyer, 2);
    TollgateFixture.awaitWallClockPast(Instant.parse(checkout.getString("expiresAt")).plusSeconds(1));
    String tx = app.chain.transferToken(buyer, app.usdc, TollgateFixture.RECIPIENT, BigInteger.valueOf(units));
    assertThat(app.submit(checkout, "USDC", tx).status()).isEqualTo(202);
    JsonObject late = awaitCheckout(app, checkout, c -> "paid_late".equals(c.getString("statusReason")));
    assertThat(late.getString("status")).isEqualTo("expired");
    return checkout;
  }

  @Test
  void aLatePaymentAcceptedByTheShopPaysTheCheckout() {
    JsonObject checkout = paidLate(app.buyer(100), "3.00", 3_000_000);
    String path = "/v1/checkouts/" + checkout.getString("id") + "/accept-late";
    TollgateFixture.Response accepted = merchantPost(app, path, "a-" + UUID.randomUUID(), new JsonObject().put("reason", "honour it"));
    assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);
    assertThat(app.status(checkout).json().getString("status")).isEqualTo("paid");
    assertThat(count(app, "SELECT count(*) FROM checkout_events WHERE checkout_id = $1 AND to_status = 'paid' AND reason = "
        + "'late_accepted' AND actor LIKE 'merchant:%' AND details->>'note' = 'honour it'", UUID.fromString(checkout.getString("id"))))
        .isEqualTo(1);
    assertThat(merchantPost(app, path, "a-" + UUID.randomUUID(), null).errorCode()).isEqualTo("no_late_payment");
    Received paid = receiver.await(r -> checkout.getString("id").equals(r.checkoutId()) && r.type().equals("checkout.paid"), 1)
        .get(0);
    paid.verify(endpoint.getString("secret"));
    assertThat(paid.json().getJsonObject("data").getJsonObject("payment").getValue("late")).isEqualTo(true);
  }

  @Test
  void aLatePaymentIsRefunded() {
    Credentials buyer = app.buyer(100);
    JsonObject checkout = paidLate(buyer, "2.00", 2_000_000);
    JsonObject refund = refund(app, checkout, new JsonObject().put("reason", "too late")).json();
    assertThat(refund.getString("amountBase")).isEqualTo("2000000");
    postRefundTx(app, refund, MoneyFixture.shopSendsUsdc(app, buyer.getAddress(), 2_000_000));
    assertThat(awaitRefund(app, refund, r -> !"verifying".equals(r.getString("status"))).getString("status"))
        .isEqualTo("succeeded");
    assertThat(app.merchantGet("/v1/checkouts/" + checkout.getString("id")).json().getString("status")).isEqualTo("expired");
  }

  @Test
  void aPaymentAfterCancelIsALatePaymentNeverLost() {
    Credentials buyer = app.buyer(100);
    JsonObject checkout = checkout("1.50", buyer, 600);
    // Mined before the shop cancels, claimed after: still a late payment, kept and refundable.
    String tx = app.chain.transferToken(buyer, app.usdc, TollgateFixture.RECIPIENT, BigInteger.valueOf(1_500_000));
    String path = "/v1/checkouts/" + checkout.getString("id") + "/cancel";
    TollgateFixture.Response canceled = merchantPost(app, path, "c-" + UUID.randomUUID(), null);
    assertThat(canceled.status()).as(canceled.body()).isEqualTo(200);
    assertThat(app.status(checkout).json().getString("status")).isEqualTo("canceled");
    assertThat(merchantPost(app, path, "c-" + UUID.randomUUID(), null).errorCode()).isEqualTo("checkout_not_cancelable");
    assertThat(app.submit(checkout, "USDC", tx).status()).isEqualTo(202);
    JsonObject late = awaitCheckout(app, checkout, c -> "paid_late".equals(c.getString("statusReason")));
    assertThat(late.getString("status")).isEqualTo("canceled");
    assertThat(late.getJsonObject("money").getString("refundableBase")).isEqualTo("1500000");
    receiver.await(r -> checkout.getString("id").equals(r.checkoutId()) && r.type().equals("checkout.paid_late"), 1)
        .forEach(r -> r.verify(endpoint.getString("secret")));
  }

  @Test
  void theOperatorRecoversAnExpiredCheckoutsRealPayment() {
    // The buyer paid in time from another wallet than the one bound: refused, then the checkout expired.
    Credentials bound = app.buyer(0);
    Credentials other = app.buyer(100);
    JsonObject checkout = checkout("4.00", bound, 4);
    String tx = app.chain.transferToken(other, app.usdc, TollgateFixture.RECIPIENT, BigInteger.valueOf(4_000_000));
    assertThat(app.submit(checkout, "USDC", tx).status()).isEqualTo(202);
    assertThat(app.awaitSettled(checkout).getString("reason")).isEqualTo("wrong_payer");
    awaitCheckout(app, checkout, c -> "expired".equals(c.getString("status")));

    JsonObject body = new JsonObject().put("chainId", TollgateFixture.CHAIN_ID).put("token", "USDC").put("txHash", tx)
        .put("reason", "buyer paid from their exchange wallet, ticket 123");
    TollgateFixture.Response noToken = adminRecover(checkout, body, null);
    assertThat(noToken.status()).isEqualTo(401);
    TollgateFixture.Response recovered = adminRecover(checkout, body, ADMIN_TOKEN);
    assertThat(recovered.status()).as(recovered.body()).isEqualTo(202);
    JsonObject paid = awaitCheckout(app, checkout, c -> "paid".equals(c.getString("status")));
    assertThat(paid.getJsonObject("money").getString("receivedBase")).isEqualTo("4000000");
    assertThat(count(app, "SELECT count(*) FROM checkout_events WHERE checkout_id = $1 AND to_status = 'recovery_requested'"
        + " AND actor = 'operator' AND details->>'note' LIKE 'buyer paid%'", UUID.fromString(checkout.getString("id"))))
        .isEqualTo(1);
    // Single use holds: the same transaction cannot be recovered into another checkout.
    JsonObject another = checkout("4.00", bound, 600);
    assertThat(adminRecover(another, body, ADMIN_TOKEN).errorCode()).isEqualTo("tx_hash_already_used");
  }

  @Test
  void recoveryIsRefusedForATransferThatDoesNotPayTheCheckout() {
    Credentials buyer = app.buyer(100);
    JsonObject checkout = checkout("4.00", buyer, 2);
    TollgateFixture.awaitWallClockPast(Instant.parse(checkout.getString("expiresAt")).plusSeconds(1));
    String wrong = app.chain.transferToken(buyer, app.usdc, app.chain.newFundedAccount().getAddress(),
        BigInteger.valueOf(4_000_000));
    TollgateFixture.Response recovered = merchantPost(app, "/v1/checkouts/" + checkout.getString("id") + "/recover",
        "rc-" + UUID.randomUUID(), new JsonObject().put("chainId", TollgateFixture.CHAIN_ID).put("token", "USDC")
            .put("txHash", wrong).put("reason", "buyer says they paid"));
    assertThat(recovered.status()).as(recovered.body()).isEqualTo(202);
    JsonObject refused = awaitCheckout(app, checkout, c -> c.getJsonArray("payments").stream()
        .anyMatch(p -> "rejected".equals(((JsonObject) p).getString("status"))));
    assertThat(refused.getJsonArray("payments").getJsonObject(0).getString("reason")).isEqualTo("wrong_recipient");
    assertThat(refused.getString("status")).isEqualTo("expired");
  }

  private TollgateFixture.Response adminRecover(JsonObject checkout, JsonObject body, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(app.base() + "/v1/admin/checkouts/" + checkout.getString("id")
            + "/recover")).header("Content-Type", "application/json").header("Idempotency-Key", "op-" + UUID.randomUUID())
        .POST(HttpRequest.BodyPublishers.ofString(body.encode()));
    if (token != null) b.header("Authorization", "Bearer " + token);
    return app.send(b);
  }
}
