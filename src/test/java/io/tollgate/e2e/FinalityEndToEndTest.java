package io.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.utils.Numeric;
import io.tollgate.testing.TestChain;

/**
 * Reorg-safe acceptance through HTTP + PostgreSQL + Redis + anvil, with a finality depth of 3: a
 * paid checkout's payment becomes {@code final} once its block is 3 deep and still canonical; a
 * payment whose block is reorganised away (anvil {@code evm_snapshot}/{@code evm_revert}, then
 * other blocks) is reversed after two checks without a receipt and the shop gets
 * {@code checkout.payment_reversed}; one mined again in another block keeps the checkout paid, with
 * the new block recorded, and becomes final there.
 */
class FinalityEndToEndTest {
  private static final BigInteger FIVE_USDC = BigInteger.valueOf(5_000_000);
  private static final Map<String, String> DEPTH_3 = Map.of("chain.31337.finality-depth", "3");

  @Test
  void anIntactPaymentBecomesFinalOnceItsBlockIsDeepEnough() {
    try (TollgateFixture app = TollgateFixture.start(DEPTH_3)) {
      Credentials buyer = app.buyer(100);
      JsonObject checkout = app.newCheckout("5.00", "USDC", buyer);
      String tx = app.chain.transferToken(buyer, app.usdc, TollgateFixture.RECIPIENT, FIVE_USDC);
      assertThat(app.submit(checkout, "USDC", tx).status()).isEqualTo(202);
      JsonObject paid = app.awaitSettled(checkout);
      assertThat(paid.getString("status")).isEqualTo("paid");
      assertThat(paid.getJsonObject("payment").getBoolean("final")).as(paid.encode()).isFalse();

      JsonObject fin = mineUntil(app, checkout, s -> s.getJsonObject("payment").getBoolean("final"));
      assertThat(fin.getString("status")).isEqualTo("paid");
      JsonObject stored = app.merchantGet("/v1/checkouts/" + checkout.getString("id")).json();
      assertThat(stored.getJsonArray("payments").getJsonObject(0).getBoolean("final")).as(stored.encode()).isTrue();
      long receiptBlock = Numeric.decodeQuantity(app.chain.awaitReceipt(tx).getString("blockNumber")).longValueExact();
      assertThat(app.chain.blockNumber()).isGreaterThanOrEqualTo(receiptBlock + 2);
    }
  }

  @Test
  void aPaymentWhoseBlockIsOrphanedIsReversedAndTheShopIsTold() {
    try (TollgateFixture app = TollgateFixture.start(DEPTH_3); WebhookReceiver receiver = new WebhookReceiver()) {
      subscribe(app, receiver.url("/reorg"));
      Credentials buyer = app.buyer(100);
      JsonObject checkout = app.newCheckout("5.00", "USDC", buyer);
      String snapshot = (String) app.chain.rpc("evm_snapshot");
      String tx = app.chain.transferToken(buyer, app.usdc, TollgateFixture.RECIPIENT, FIVE_USDC);
      assertThat(app.submit(checkout, "USDC", tx).status()).isEqualTo(202);
      JsonObject paid = app.awaitSettled(checkout);
      assertThat(paid.getString("status")).as(paid.encode()).isEqualTo("paid");

      // The block that paid is reorganised away, and its transaction is not mined again.
      assertThat(app.chain.rpc("evm_revert", snapshot)).isEqualTo(true);
      app.chain.rpc("anvil_dropAllTransactions");
      JsonObject reversed = mineUntil(app, checkout, s -> "reversed".equals(s.getString("status")));
      assertThat(reversed.getString("status")).as(reversed.encode()).isEqualTo("reversed");
      assertThat(reversed.getString("reason")).isEqualTo("orphaned");
      assertThat(reversed.getJsonObject("payment").getString("status")).isEqualTo("reversed");
      assertThat(reversed.getJsonObject("payment").getBoolean("final")).isFalse();

      WebhookReceiver.Received told = receiver.await(r -> checkout.getString("id").equals(r.checkoutId())
          && "checkout.payment_reversed".equals(r.type()), 1).get(0);
      assertThat(told.json().getJsonObject("data").getJsonObject("checkout").getString("status")).isEqualTo("reversed");
      assertThat(told.json().getJsonObject("data").getString("reason")).isEqualTo("orphaned");
      assertThat(audit(app, checkout)).contains("paid->reversed:orphaned");
      // One check without a receipt is not enough: the audit shows the reversal came after the second.
      assertThat(query(app, "SELECT finality_misses FROM payments WHERE checkout_id = $1", checkout).getInteger(0))
          .isEqualTo(2);
    }
  }

  @Test
  void aPaymentMinedAgainInAnotherBlockStaysPaidWithTheNewBlockAndBecomesFinalThere() {
    try (TollgateFixture app = TollgateFixture.start(DEPTH_3)) {
      Credentials buyer = app.buyer(100);
      JsonObject checkout = app.newCheckout("5.00", "USDC", buyer);
      String snapshot = (String) app.chain.rpc("evm_snapshot");
      String raw = signedTransfer(app, buyer);
      String tx = (String) app.chain.rpc("eth_sendRawTransaction", raw);
      assertThat(app.submit(checkout, "USDC", tx).status()).isEqualTo(202);
      JsonObject paid = app.awaitSettled(checkout);
      assertThat(paid.getString("status")).as(paid.encode()).isEqualTo("paid");
      JsonObject firstReceipt = app.chain.awaitReceipt(tx);

      assertThat(app.chain.rpc("evm_revert", snapshot)).isEqualTo(true);
      app.chain.rpc("anvil_dropAllTransactions");
      app.chain.mine(1); // another block takes the height that paid
      assertThat(app.chain.rpc("eth_sendRawTransaction", raw)).isEqualTo(tx); // the same transaction, one block later
      JsonObject secondReceipt = app.chain.awaitReceipt(tx);
      assertThat(secondReceipt.getString("blockHash")).isNotEqualTo(firstReceipt.getString("blockHash"));

      JsonObject fin = mineUntil(app, checkout, s -> s.getJsonObject("payment").getBoolean("final"));
      assertThat(fin.getString("status")).as(fin.encode()).isEqualTo("paid");
      JsonObject payment = app.merchantGet("/v1/checkouts/" + checkout.getString("id")).json()
          .getJsonArray("payments").getJsonObject(0);
      assertThat(payment.getString("blockHash")).isEqualTo(secondReceipt.getString("blockHash"));
      assertThat(payment.getBoolean("final")).isTrue();
      assertThat(audit(app, checkout)).contains("null->payment_remined:null");
    }
  }

  /** Mines one block at a time (the watcher sees each head) until the status matches, or 40 blocks. */
  private static JsonObject mineUntil(TollgateFixture app, JsonObject checkout, Predicate<JsonObject> done) {
    JsonObject last = null;
    for (int i = 0; i < 40; i++) {
      app.chain.mine(1);
      long deadline = System.nanoTime() + Duration.ofMillis(600).toNanos();
      while (System.nanoTime() < deadline) {
        last = app.status(checkout).json();
        if (done.test(last)) return last;
        TollgateFixture.sleep(50);
      }
    }
    return last;
  }

  private static String signedTransfer(TollgateFixture app, Credentials from) {
    BigInteger nonce = Numeric.decodeQuantity((String) app.chain.rpc("eth_getTransactionCount", from.getAddress(), "pending"));
    BigInteger gwei = BigInteger.TEN.pow(9);
    BigInteger baseFee = Numeric.decodeQuantity((String) app.chain.rpc("eth_gasPrice"));
    RawTransaction transfer = RawTransaction.createTransaction(TollgateFixture.CHAIN_ID, nonce, BigInteger.valueOf(120_000),
        app.usdc, BigInteger.ZERO, TestChain.encode("transfer", new Address(TollgateFixture.RECIPIENT), new Uint256(FIVE_USDC)),
        gwei, baseFee.multiply(BigInteger.TWO).add(gwei));
    return Numeric.toHexString(TransactionEncoder.signMessage(transfer, from));
  }

  private static void subscribe(TollgateFixture app, String url) {
    TollgateFixture.Response created = app.send(HttpRequest.newBuilder(URI.create(app.base() + "/v1/webhook-endpoints"))
        .header("Authorization", "Bearer " + app.apiKey).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("url", url)
            .put("eventTypes", new JsonArray().add("checkout.paid").add("checkout.payment_reversed")).encode())));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
  }

  /** The checkout's audit trail as from->to:reason lines. */
  private static List<String> audit(TollgateFixture app, JsonObject checkout) {
    List<String> lines = new ArrayList<>();
    for (Row row : rows(app, "SELECT from_status, to_status, reason FROM checkout_events WHERE checkout_id = $1 ORDER BY id", checkout)) {
      lines.add(row.getString(0) + "->" + row.getString(1) + ":" + row.getString(2));
    }
    return lines;
  }

  private static Row query(TollgateFixture app, String sql, JsonObject checkout) {
    return rows(app, sql, checkout).iterator().next();
  }

  private static io.vertx.sqlclient.RowSet<Row> rows(TollgateFixture app, String sql, JsonObject checkout) {
    try {
      return app.tollgate.pool().preparedQuery(sql).execute(Tuple.of(UUID.fromString(checkout.getString("id"))))
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
