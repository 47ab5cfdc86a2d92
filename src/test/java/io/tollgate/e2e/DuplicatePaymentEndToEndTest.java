package io.tollgate.e2e;

import static io.tollgate.e2e.MoneyFixture.SHOP_WALLET;
import static io.tollgate.e2e.MoneyFixture.awaitCheckout;
import static io.tollgate.e2e.MoneyFixture.awaitRefund;
import static io.tollgate.e2e.MoneyFixture.count;
import static io.tollgate.e2e.MoneyFixture.postRefundTx;
import static io.tollgate.e2e.MoneyFixture.refund;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.e2e.WebhookReceiver.Received;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.web3j.crypto.Credentials;

/**
 * Money that reaches a checkout which cannot take it, through HTTP, PostgreSQL, Redis and anvil: a
 * second payment of the bound payer to a paid checkout is recorded, shown on the checkout as a
 * duplicate payment, webhooked once, and refundable on its own with the same compare-and-set
 * (concurrent requests create one refund), verified on-chain; a top-up in another token is
 * refused with its own code.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DuplicatePaymentEndToEndTest {
  private TollgateFixture app;
  private WebhookReceiver receiver;
  private JsonObject endpoint;

  @BeforeAll
  void start() {
    app = TollgateFixture.start();
    receiver = new WebhookReceiver();
    endpoint = MoneyFixture.createEndpoint(app, receiver.url("/duplicates"));
    app.chain.mintToken(app.usdc, SHOP_WALLET.getAddress(), BigInteger.valueOf(100_000_000));
  }

  @AfterAll
  void stop() {
    receiver.close();
    app.close();
  }

  @Test
  void aSecondPaymentToAPaidCheckoutIsKeptShownWebhookedAndRefundableOnItsOwn() throws Exception {
    Credentials buyer = app.buyer(100);
    JsonObject checkout = app.newCheckout("10.00", "USDC", buyer);
    String first = app.chain.transferToken(buyer, app.usdc, TollgateFixture.RECIPIENT, BigInteger.valueOf(10_000_000));
    assertThat(app.submit(checkout, "USDC", first).status()).isEqualTo(202);
    assertThat(app.awaitSettled(checkout).getString("status")).isEqualTo("paid");

    // The buyer pays again (a double click, a retried wallet): accepted as a claim, not refused.
    String second = app.chain.transferToken(buyer, app.usdc, TollgateFixture.RECIPIENT, BigInteger.valueOf(10_000_000));
    TollgateFixture.Response submitted = app.submit(checkout, "USDC", second);
    assertThat(submitted.status()).as(submitted.body()).isEqualTo(202);
    assertThat(submitted.json().getString("status")).isEqualTo("paid");
    JsonObject full = awaitCheckout(app, checkout,
        c -> c.getJsonObject("money").getJsonArray("duplicatePayments").size() == 1);
    assertThat(full.getString("status")).isEqualTo("paid");
    JsonObject money = full.getJsonObject("money");
    assertThat(money.getString("receivedBase")).isEqualTo("10000000"); // the checkout's own money is unchanged
    JsonObject duplicate = money.getJsonArray("duplicatePayments").getJsonObject(0);
    assertThat(duplicate.getString("txHash")).isEqualTo(second.toLowerCase());
    assertThat(duplicate.getString("status")).isEqualTo("confirmed");
    assertThat(duplicate.getString("amountBase")).isEqualTo("10000000");
    assertThat(duplicate.getString("refundableBase")).isEqualTo("10000000");
    assertThat(duplicate.getString("payer")).isEqualTo(buyer.getAddress().toLowerCase());
    long paymentId = duplicate.getLong("paymentId");
    JsonArray payments = full.getJsonArray("payments");
    assertThat(payments.stream().map(p -> ((JsonObject) p).getBoolean("duplicate"))).containsExactlyInAnyOrder(false, true);
    // Its transaction is credited here: no other checkout can take it.
    assertThat(count(app, "SELECT count(*) FROM payments WHERE tx_hash = $1 AND status = 'confirmed'", second.toLowerCase()))
        .isEqualTo(1);

    Received event = receiver.await(r -> checkout.getString("id").equals(r.checkoutId())
        && r.type().equals("checkout.duplicate_payment"), 1).get(0);
    event.verify(endpoint.getString("secret"));
    JsonObject data = event.json().getJsonObject("data");
    assertThat(data.getJsonObject("payment").getString("txHash")).isEqualTo(second.toLowerCase());
    assertThat(data.getJsonObject("amounts").getString("duplicateBase")).isEqualTo("10000000");
    assertThat(data.getJsonObject("checkout").getString("status")).isEqualTo("paid");

    // Ten concurrent full refunds of the duplicate payment: one refund.
    ExecutorService pool = Executors.newFixedThreadPool(10);
    List<TollgateFixture.Response> answers = new ArrayList<>();
    try {
      List<Callable<TollgateFixture.Response>> calls = new ArrayList<>();
      for (int i = 0; i < 10; i++) calls.add(() -> refund(app, checkout, new JsonObject().put("payment", paymentId)));
      for (Future<TollgateFixture.Response> f : pool.invokeAll(calls)) answers.add(f.get());
    } finally {
      pool.shutdownNow();
    }
    List<TollgateFixture.Response> created = answers.stream().filter(r -> r.status() == 201).toList();
    assertThat(created).hasSize(1);
    assertThat(answers.stream().filter(r -> r.status() != 201))
        .allMatch(r -> r.status() == 409 && List.of("nothing_to_refund", "refund_exceeds_balance").contains(r.errorCode()));
    JsonObject refund = created.get(0).json();
    assertThat(refund.getLong("paymentId")).isEqualTo(paymentId);
    assertThat(refund.getString("amountBase")).isEqualTo("10000000");
    assertThat(refund.getString("amount")).isEqualTo("10.00");
    assertThat(refund.getString("to")).isEqualTo(buyer.getAddress().toLowerCase());
    assertThat(refund.getString("from")).isEqualTo(TollgateFixture.RECIPIENT);

    // The checkout's own money is still refundable, separately.
    money = app.merchantGet("/v1/checkouts/" + checkout.getString("id")).json().getJsonObject("money");
    assertThat(money.getString("refundableBase")).isEqualTo("10000000");
    assertThat(money.getJsonArray("duplicatePayments").getJsonObject(0).getString("refundableBase")).isEqualTo("0");

    postRefundTx(app, refund, MoneyFixture.shopSendsUsdc(app, buyer.getAddress(), 10_000_000));
    assertThat(awaitRefund(app, refund, r -> !"verifying".equals(r.getString("status"))).getString("status"))
        .isEqualTo("succeeded");
    assertThat(receiver.matching(r -> checkout.getString("id").equals(r.checkoutId())
        && r.type().equals("checkout.duplicate_payment"))).hasSize(1);

    TollgateFixture.Response unknown = refund(app, checkout, new JsonObject().put("payment", 999_999_999));
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.errorCode()).isEqualTo("duplicate_payment_not_found");
  }

  @Test
  void aTopUpInAnotherTokenIsRefusedWithItsOwnCode() {
    Credentials buyer = app.buyer(100);
    TollgateFixture.Response r = app.createCheckout("k-" + UUID.randomUUID(), new JsonObject().put("orderReference", "T-1")
        .put("amount", "10.00").put("payer", buyer.getAddress()).put("paymentOptions", new JsonArray()
            .add(new JsonObject().put("chainId", TollgateFixture.CHAIN_ID).put("token", "USDC"))
            .add(new JsonObject().put("chainId", TollgateFixture.CHAIN_ID).put("token", "ETH"))));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    JsonObject checkout = r.json();
    String tx = app.chain.transferToken(buyer, app.usdc, TollgateFixture.RECIPIENT, BigInteger.valueOf(6_000_000));
    assertThat(app.submit(checkout, "USDC", tx).status()).isEqualTo(202);
    assertThat(app.awaitSettled(checkout).getString("status")).isEqualTo("underpaid");

    String eth = app.chain.sendEth(buyer, TollgateFixture.RECIPIENT, BigInteger.ONE);
    TollgateFixture.Response topUp = app.submit(checkout, "ETH", eth);
    assertThat(topUp.status()).isEqualTo(409);
    assertThat(topUp.errorCode()).isEqualTo("top_up_in_other_option");
    assertThat(topUp.json().getJsonObject("error").getString("detail")).contains("USDC").contains("same token");
    assertThat(app.status(checkout).json().getString("status")).isEqualTo("underpaid");
  }
}
