package io.tollgate.e2e;

import static io.tollgate.e2e.MoneyFixture.SHOP_WALLET;
import static io.tollgate.e2e.MoneyFixture.awaitRefund;
import static io.tollgate.e2e.MoneyFixture.count;
import static io.tollgate.e2e.MoneyFixture.merchantPost;
import static io.tollgate.e2e.MoneyFixture.postRefundTx;
import static io.tollgate.e2e.MoneyFixture.refund;
import static io.tollgate.e2e.MoneyFixture.shopSendsUsdc;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.dev.ContractArtifact;
import io.tollgate.e2e.WebhookReceiver.Received;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.crypto.Credentials;

/**
 * Refunds of direct on-chain payments through HTTP, PostgreSQL, Redis and anvil: partial and full
 * refunds sent by the shop's wallet and verified by the chain watcher; wrong transfers (amount,
 * destination, token) refused with the refund left open; 50 concurrent full refunds create one;
 * a refund over the balance refused; cancel gives the amount back; every refund webhook delivered
 * once and verified as Standard Webhooks.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RefundEndToEndTest {
  private TollgateFixture app;
  private WebhookReceiver receiver;
  private JsonObject endpoint;

  @BeforeAll
  void start() {
    app = TollgateFixture.start();
    receiver = new WebhookReceiver();
    endpoint = MoneyFixture.createEndpoint(app, receiver.url("/refunds"));
    // the shop's wallet also pays for its wrong transfers
    app.chain.mintToken(app.usdc, SHOP_WALLET.getAddress(), BigInteger.valueOf(100_000_000));
  }

  @AfterAll
  void stop() {
    receiver.close();
    app.close();
  }

  private JsonObject paidCheckout(String amount, long units) {
    Credentials buyer = app.buyer(100);
    JsonObject checkout = app.newCheckout(amount, "USDC", buyer);
    String tx = app.chain.transferToken(buyer, app.usdc, TollgateFixture.RECIPIENT, BigInteger.valueOf(units));
    assertThat(app.submit(checkout, "USDC", tx).status()).isEqualTo(202);
    assertThat(app.awaitSettled(checkout).getString("status")).isEqualTo("paid");
    return checkout.put("buyer", buyer.getAddress().toLowerCase());
  }

  @Test
  void partialThenFullRefundVerifiedOnChainAndWrongTransfersRefused() {
    JsonObject checkout = paidCheckout("12.50", 12_500_000);
    String buyer = checkout.getString("buyer");
    String key = "refund-" + UUID.randomUUID();
    String path = "/v1/checkouts/" + checkout.getString("id") + "/refunds";

    TollgateFixture.Response created = merchantPost(app, path, key, new JsonObject().put("amount", "5.00").put("reason", "seat"));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    JsonObject partial = created.json();
    assertThat(partial.getString("status")).isEqualTo("awaiting_transfer");
    assertThat(partial.getString("amountBase")).isEqualTo("5000000");
    JsonObject send = partial.getJsonObject("send");
    assertThat(send.getString("from")).isEqualTo(TollgateFixture.RECIPIENT);
    assertThat(send.getString("to")).isEqualTo(buyer);
    assertThat(send.getString("eip681")).isEqualTo("ethereum:" + app.usdc.toLowerCase() + "@31337/transfer?address="
        + buyer + "&uint256=5000000");
    assertThat(send.getJsonObject("transaction").getString("to")).isEqualTo(app.usdc.toLowerCase());
    // A retry with the same key replays the answer: still one refund.
    TollgateFixture.Response replay = merchantPost(app, path, key, new JsonObject().put("amount", "5.00").put("reason", "seat"));
    assertThat(replay.json().getString("id")).isEqualTo(partial.getString("id"));
    assertThat(count(app, "SELECT count(*) FROM refunds WHERE checkout_id = $1", UUID.fromString(checkout.getString("id"))))
        .isEqualTo(1);

    // Wrong amount, wrong destination, wrong token: each refused with its reason; the refund stays open.
    assertRefused(partial, shopSendsUsdc(app, buyer, 4_999_999), "underpaid");
    assertRefused(partial, shopSendsUsdc(app, app.chain.newFundedAccount().getAddress(), 5_000_000), "wrong_recipient");
    String other = app.chain.deploy(io.tollgate.testing.TestChain.DEPLOYER, ContractArtifact.load("DemoStablecoin"),
        List.of(new Utf8String("Tether"), new Utf8String("2"), new Utf8String("USDT")));
    app.chain.mintToken(other, SHOP_WALLET.getAddress(), BigInteger.valueOf(10_000_000));
    assertRefused(partial, app.chain.transferToken(SHOP_WALLET, other, buyer, BigInteger.valueOf(5_000_000)), "wrong_token");

    TollgateFixture.Response posted = postRefundTx(app, partial, shopSendsUsdc(app, buyer, 5_000_000));
    assertThat(posted.status()).as(posted.body()).isEqualTo(202);
    assertThat(posted.json().getString("status")).isEqualTo("verifying");
    JsonObject done = awaitRefund(app, partial, r -> !"verifying".equals(r.getString("status")));
    assertThat(done.getString("status")).as(done.encode()).isEqualTo("succeeded");

    // The rest, in full (no amount): exactly what is left.
    JsonObject rest = refund(app, checkout, new JsonObject()).json();
    assertThat(rest.getString("amountBase")).isEqualTo("7500000");
    assertThat(rest.getString("amount")).isEqualTo("7.50");
    postRefundTx(app, rest, shopSendsUsdc(app, buyer, 7_500_000));
    assertThat(awaitRefund(app, rest, r -> !"verifying".equals(r.getString("status"))).getString("status"))
        .isEqualTo("succeeded");

    TollgateFixture.Response nothing = refund(app, checkout, new JsonObject());
    assertThat(nothing.status()).isEqualTo(409);
    assertThat(nothing.errorCode()).isEqualTo("nothing_to_refund");
    JsonObject full = app.merchantGet("/v1/checkouts/" + checkout.getString("id")).json();
    JsonObject money = full.getJsonObject("money");
    assertThat(money.getString("receivedBase")).isEqualTo("12500000");
    assertThat(money.getString("refundableBase")).isEqualTo("0");
    assertThat(money.getJsonArray("refunds")).hasSize(2);
    assertThat(full.getJsonArray("payments")).hasSize(1); // refund transfers are not payments

    // Every refund event once, signed: 2 created, 3 failed, 2 succeeded.
    List<Received> events = receiver.await(r -> checkout.getString("id").equals(r.checkoutId())
        && r.type().startsWith("refund."), 7);
    TollgateFixture.sleep(500);
    events = receiver.matching(r -> checkout.getString("id").equals(r.checkoutId()) && r.type().startsWith("refund."));
    Map<String, Long> byType = events.stream().collect(Collectors.groupingBy(Received::type, Collectors.counting()));
    assertThat(byType).containsExactlyInAnyOrderEntriesOf(Map.of("refund.created", 2L, "refund.failed", 3L,
        "refund.succeeded", 2L));
    assertThat(events.stream().map(r -> r.header("webhook-id")).distinct()).hasSize(7);
    events.forEach(r -> r.verify(endpoint.getString("secret")));
    JsonObject failedEvent = events.stream().filter(r -> r.type().equals("refund.failed")).findFirst().orElseThrow().json();
    assertThat(failedEvent.getJsonObject("data").getJsonObject("refund").getString("failureReason")).isNotNull();
  }

  private void assertRefused(JsonObject refund, String txHash, String reason) {
    TollgateFixture.Response posted = postRefundTx(app, refund, txHash);
    assertThat(posted.status()).as(posted.body()).isEqualTo(202);
    JsonObject back = awaitRefund(app, refund, r -> "awaiting_transfer".equals(r.getString("status")));
    assertThat(back.getString("failureReason")).isEqualTo(reason);
    assertThat(back.getString("txHash")).isNull();
    assertThat(back.getJsonObject("send")).isNotNull();
  }

  @Test
  void fiftyConcurrentFullRefundsCreateExactlyOne() throws Exception {
    JsonObject checkout = paidCheckout("3.00", 3_000_000);
    ExecutorService pool = Executors.newFixedThreadPool(50);
    List<TollgateFixture.Response> answers = new ArrayList<>();
    try {
      List<Callable<TollgateFixture.Response>> calls = new ArrayList<>();
      for (int i = 0; i < 50; i++) calls.add(() -> refund(app, checkout, new JsonObject()));
      for (Future<TollgateFixture.Response> f : pool.invokeAll(calls)) answers.add(f.get());
    } finally {
      pool.shutdownNow();
    }
    assertThat(answers.stream().filter(r -> r.status() == 201)).hasSize(1);
    assertThat(answers.stream().filter(r -> r.status() != 201))
        .allMatch(r -> r.status() == 409 && List.of("nothing_to_refund", "refund_exceeds_balance").contains(r.errorCode()));
    assertThat(count(app, "SELECT count(*) FROM refunds WHERE checkout_id = $1", UUID.fromString(checkout.getString("id"))))
        .isEqualTo(1);
  }

  @Test
  void aRefundOverTheBalanceIsRefusedAndACanceledRefundGivesItsAmountBack() {
    JsonObject checkout = paidCheckout("4.00", 4_000_000);
    TollgateFixture.Response over = refund(app, checkout, new JsonObject().put("amount", "4.01"));
    assertThat(over.status()).isEqualTo(409);
    assertThat(over.errorCode()).isEqualTo("refund_exceeds_balance");
    TollgateFixture.Response bad = refund(app, checkout, new JsonObject().put("amount", "1.00").put("excess", true));
    assertThat(bad.status()).isEqualTo(400);
    JsonObject all = refund(app, checkout, new JsonObject()).json();
    assertThat(refund(app, checkout, new JsonObject().put("amount", "0.01")).errorCode()).isEqualTo("nothing_to_refund");

    String cancelPath = "/v1/checkouts/" + checkout.getString("id") + "/refunds/" + all.getString("id") + "/cancel";
    TollgateFixture.Response canceled = merchantPost(app, cancelPath, "c-" + UUID.randomUUID(), null);
    assertThat(canceled.status()).as(canceled.body()).isEqualTo(200);
    assertThat(canceled.json().getString("status")).isEqualTo("canceled");
    assertThat(merchantPost(app, cancelPath, "c-" + UUID.randomUUID(), null).errorCode()).isEqualTo("refund_not_cancelable");
    assertThat(postRefundTx(app, all, "0x" + "ab".repeat(32)).errorCode()).isEqualTo("refund_not_awaiting_transfer");
    assertThat(refund(app, checkout, new JsonObject().put("amount", "4.00")).status()).isEqualTo(201);
    receiver.await(r -> checkout.getString("id").equals(r.checkoutId()) && r.type().equals("refund.canceled"), 1)
        .forEach(r -> r.verify(endpoint.getString("secret")));
  }

  /**
   * A refund whose posted transfer is never mined (never broadcast, or dropped) gets replacements;
   * two correct transfers mined in the same block: the refund succeeds once, the second is flagged
   * extra and told, nothing is counted twice, and the dropped one is shown still unmined.
   */
  @Test
  void aReplacementTransferCompletesTheRefundOnceAndAnExtraOneIsShown() {
    JsonObject checkout = paidCheckout("2.00", 2_000_000);
    String buyer = checkout.getString("buyer");
    JsonObject refund = refund(app, checkout, new JsonObject()).json();
    String dropped = "0x" + "d0".repeat(32); // a transfer that never reaches the chain
    assertThat(postRefundTx(app, refund, dropped).status()).isEqualTo(202);
    app.chain.mine(2);
    TollgateFixture.sleep(300);
    JsonObject waiting = MoneyFixture.getRefund(app, refund);
    assertThat(waiting.getString("status")).isEqualTo("verifying");
    assertThat(waiting.getJsonObject("send")).as("what to send for a replacement").isNotNull();

    String first;
    String second;
    app.chain.rpc("evm_setAutomine", false);
    try {
      first = shopSendsUsdc(app, buyer, 2_000_000);
      second = shopSendsUsdc(app, buyer, 2_000_000);
      TollgateFixture.Response replaced = postRefundTx(app, refund, first);
      assertThat(replaced.status()).as(replaced.body()).isEqualTo(202);
      assertThat(replaced.json().getString("status")).isEqualTo("verifying");
      assertThat(postRefundTx(app, refund, second).status()).isEqualTo(202);
    } finally {
      app.chain.rpc("evm_setAutomine", true);
    }
    app.chain.mine(1); // both in one block: verified in the same round

    JsonObject done = awaitRefund(app, refund, r -> "succeeded".equals(r.getString("status"))
        && r.getJsonArray("transfers").stream().filter(t -> "confirmed".equals(((JsonObject) t).getString("status"))).count() == 2);
    List<JsonObject> transfers = done.getJsonArray("transfers").stream().map(t -> (JsonObject) t).toList();
    assertThat(transfers).extracting(t -> t.getString("txHash")).containsExactly(dropped, first.toLowerCase(), second.toLowerCase());
    assertThat(transfers.get(0).getString("status")).isEqualTo("submitted");
    assertThat(transfers.stream().filter(t -> t.getBoolean("extra"))).hasSize(1);
    String completing = transfers.stream().filter(t -> "confirmed".equals(t.getString("status")) && !t.getBoolean("extra"))
        .findFirst().orElseThrow().getString("txHash");
    assertThat(done.getString("txHash")).isEqualTo(completing);
    JsonObject money = app.merchantGet("/v1/checkouts/" + checkout.getString("id")).json().getJsonObject("money");
    assertThat(money.getString("refundedBase")).isEqualTo("2000000");
    assertThat(money.getString("refundableBase")).isEqualTo("0");
    assertThat(postRefundTx(app, refund, "0x" + "e1".repeat(32)).errorCode()).isEqualTo("refund_not_awaiting_transfer");

    receiver.await(r -> checkout.getString("id").equals(r.checkoutId()) && r.type().equals("refund.extra_transfer"), 1);
    TollgateFixture.sleep(300);
    Map<String, Long> byType = receiver.matching(r -> checkout.getString("id").equals(r.checkoutId()) && r.type().startsWith("refund."))
        .stream().collect(Collectors.groupingBy(Received::type, Collectors.counting()));
    assertThat(byType).containsExactlyInAnyOrderEntriesOf(Map.of("refund.created", 1L, "refund.succeeded", 1L,
        "refund.extra_transfer", 1L));
  }

  /**
   * A refusal answered once the request ran is stored under its Idempotency-Key: a retry gets the
   * same refusal even after the state changed (a new key asks anew); the body's key order does not
   * make it another request.
   */
  @Test
  void aRefusalIsStoredUnderItsKeyAndReplayedAndKeyOrderDoesNotMatter() {
    Credentials buyer = app.buyer(100);
    JsonObject checkout = app.newCheckout("3.00", "USDC", buyer);
    String path = "/v1/checkouts/" + checkout.getString("id") + "/refunds";
    String key = "refusal-" + UUID.randomUUID();
    TollgateFixture.Response refused = merchantPost(app, path, key, new JsonObject().put("amount", "1.00"));
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.errorCode()).isEqualTo("nothing_to_refund");

    String tx = app.chain.transferToken(buyer, app.usdc, TollgateFixture.RECIPIENT, BigInteger.valueOf(3_000_000));
    assertThat(app.submit(checkout, "USDC", tx).status()).isEqualTo(202);
    assertThat(app.awaitSettled(checkout).getString("status")).isEqualTo("paid");

    TollgateFixture.Response retried = merchantPost(app, path, key, new JsonObject().put("amount", "1.00"));
    assertThat(retried.status()).isEqualTo(409);
    assertThat(retried.json()).isEqualTo(refused.json());
    assertThat(count(app, "SELECT count(*) FROM refunds WHERE checkout_id = $1", UUID.fromString(checkout.getString("id"))))
        .isZero();

    String fresh = "fresh-" + UUID.randomUUID();
    TollgateFixture.Response created = merchantPost(app, path, fresh, new JsonObject().put("amount", "1.00").put("reason", "seat"));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    TollgateFixture.Response reordered = merchantPost(app, path, fresh, new JsonObject().put("reason", "seat").put("amount", "1.00"));
    assertThat(reordered.status()).as(reordered.body()).isEqualTo(201);
    assertThat(reordered.json().getString("id")).isEqualTo(created.json().getString("id"));
    assertThat(merchantPost(app, path, fresh, new JsonObject().put("amount", "2.00")).errorCode())
        .isEqualTo("idempotency_key_reused");

    // The other money endpoints store their refusals the same way: cancel and accept-late of a paid checkout.
    String cancelKey = "cancel-" + UUID.randomUUID();
    String cancelPath = "/v1/checkouts/" + checkout.getString("id") + "/cancel";
    TollgateFixture.Response notCancelable = merchantPost(app, cancelPath, cancelKey, new JsonObject());
    assertThat(notCancelable.errorCode()).isEqualTo("checkout_not_cancelable");
    assertThat(merchantPost(app, cancelPath, cancelKey, new JsonObject()).json()).isEqualTo(notCancelable.json());
    String lateKey = "late-" + UUID.randomUUID();
    String latePath = "/v1/checkouts/" + checkout.getString("id") + "/accept-late";
    TollgateFixture.Response noLate = merchantPost(app, latePath, lateKey, new JsonObject());
    assertThat(noLate.errorCode()).isEqualTo("no_late_payment");
    assertThat(merchantPost(app, latePath, lateKey, new JsonObject()).json()).isEqualTo(noLate.json());
  }

  @Test
  void anOpenCheckoutHasNothingToRefund() {
    JsonObject checkout = app.newCheckout("1.00", "USDC");
    TollgateFixture.Response r = refund(app, checkout, new JsonObject());
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.errorCode()).isEqualTo("nothing_to_refund");
    TollgateFixture.Response noKey = merchantPost(app, "/v1/checkouts/" + checkout.getString("id") + "/refunds", null,
        new JsonObject());
    assertThat(noKey.status()).isEqualTo(400);
  }
}
