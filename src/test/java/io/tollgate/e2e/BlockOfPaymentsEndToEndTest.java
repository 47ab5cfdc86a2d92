package io.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.e2e.WebhookReceiver.Received;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;

/**
 * One block that confirms many payments at once, as every block does during a ticket drop: the
 * watcher's round is written set-based, in chunks of {@link TollgateFixture#VERDICT_CHUNK_SIZE}
 * verdicts, each chunk one transaction (so a block of 12 takes 3), and that changes nothing a shop
 * or a buyer sees: every checkout paid by its own payment, one audit row and one
 * {@code checkout.paid} event each with the payment's facts, written in the transaction that paid
 * it, and a second payment for a checkout in the same block kept as a duplicate payment
 * ({@code checkout_already_paid}, refundable on its own), never a second credit of the checkout. On a chain needing more confirmations, the
 * block's receipts ("mined") are chunked the same way. A row's {@code xmin} names the transaction
 * that wrote it.
 */
class BlockOfPaymentsEndToEndTest {
  private static final BigInteger TWO_USDC = BigInteger.valueOf(2_000_000);

  @Test
  void aBlockConfirmingManyPaymentsPaysEachCheckoutOnceInAFewChunkTransactions() {
    try (TollgateFixture app = TollgateFixture.start(); WebhookReceiver receiver = new WebhookReceiver()) {
      JsonObject endpoint = createEndpoint(app, receiver.url("/block"));
      int count = 12;
      List<JsonObject> checkouts = new ArrayList<>();
      List<Credentials> buyers = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        buyers.add(app.buyer(10));
        checkouts.add(app.newCheckout("2.00", "USDC", buyers.get(i)));
      }
      JsonObject paidTwice = checkouts.get(0);
      Credentials secondBuyer = buyers.get(0); // its bound payer pays it twice

      app.chain.rpc("evm_setAutomine", false);
      Map<String, String> txByCheckout = new HashMap<>();
      for (int i = 0; i < count; i++) {
        String tx = app.chain.transferToken(buyers.get(i), app.usdc, TollgateFixture.RECIPIENT, TWO_USDC);
        TollgateFixture.Response submitted = app.submit(checkouts.get(i), "USDC", tx);
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(202);
        txByCheckout.put(checkouts.get(i).getString("id"), tx);
      }
      String secondTx = app.chain.transferToken(secondBuyer, app.usdc, TollgateFixture.RECIPIENT, TWO_USDC);
      assertThat(app.submit(paidTwice, "USDC", secondTx).status()).isEqualTo(202);
      TollgateFixture.sleep(300); // watcher rounds see the submissions, no receipts yet
      app.chain.mine(1);
      app.chain.rpc("evm_setAutomine", true);

      for (JsonObject checkout : checkouts) {
        JsonObject settled = app.awaitSettled(checkout);
        assertThat(settled.getString("status")).as(settled.encode()).isEqualTo("paid");
      }

      // Each checkout: exactly one paid transition, written by the transaction that moved the
      // checkout and its paying payment and queued its checkout.paid event.
      Set<String> transactions = new HashSet<>();
      Set<String> chunkTransactions = new HashSet<>();
      for (JsonObject checkout : checkouts) {
        String tx = paidTogether(app, UUID.fromString(checkout.getString("id")));
        transactions.add(tx);
        if (checkout != paidTwice) chunkTransactions.add(tx);
      }
      // 12 first paying verdicts in chunks of 4: 3 transactions; the twice-paid checkout's second
      // verdict is recorded on its own, and either of its two may have paid it.
      int chunks = (count + TollgateFixture.VERDICT_CHUNK_SIZE - 1) / TollgateFixture.VERDICT_CHUNK_SIZE;
      assertThat(chunkTransactions).as("the block's confirmations, in chunks").hasSizeBetween(2, chunks);
      assertThat(transactions).hasSizeLessThanOrEqualTo(chunks + 1);

      // The twice-paid checkout: one payment pays it, the other is kept as a duplicate payment (its
      // transaction credited here, the checkout's amounts untouched), its flag and audit row in one transaction.
      RowSet<Row> payments = query(app, "SELECT tx_hash, status, reason FROM payments WHERE checkout_id = $1 ORDER BY id",
          UUID.fromString(paidTwice.getString("id")));
      List<String> states = new ArrayList<>();
      payments.forEach(row -> states.add(row.getString("status") + "/" + row.getString("reason")));
      assertThat(states).containsExactlyInAnyOrder("confirmed/null", "confirmed/checkout_already_paid");
      RowSet<Row> flagged = query(app, "SELECT e.xmin::text AS audit_tx, p.xmin::text AS payment_tx FROM checkout_events e"
          + " JOIN payments p ON p.id = e.payment_id WHERE e.checkout_id = $1 AND e.to_status = 'duplicate_payment'"
          + " AND e.reason = 'checkout_already_paid' AND p.duplicate", UUID.fromString(paidTwice.getString("id")));
      assertThat(flagged.size()).isEqualTo(1);
      assertThat(flagged.iterator().next().getString("payment_tx")).isEqualTo(flagged.iterator().next().getString("audit_tx"));

      // The shop hears checkout.paid once per checkout, with the payment that paid it.
      Set<String> ids = new HashSet<>(txByCheckout.keySet());
      List<Received> paidEvents = receiver.await(r -> "checkout.paid".equals(r.type()) && ids.contains(r.checkoutId()), count);
      assertThat(paidEvents).hasSize(count);
      Map<String, String> confirmedTx = new HashMap<>();
      for (Received event : paidEvents) {
        event.verify(endpoint.getString("secret"));
        JsonObject data = event.json().getJsonObject("data");
        assertThat(data.getJsonObject("checkout").getString("status")).isEqualTo("paid");
        assertThat(data.getJsonObject("payment").getString("status")).isEqualTo("confirmed");
        assertThat(data.getJsonObject("payment").getString("amount")).isEqualTo("2000000");
        confirmedTx.put(event.checkoutId(), data.getJsonObject("payment").getString("txHash"));
      }
      assertThat(confirmedTx).hasSize(count);
      txByCheckout.forEach((checkout, tx) -> {
        if (!checkout.equals(paidTwice.getString("id"))) assertThat(confirmedTx.get(checkout)).isEqualTo(tx);
      });
      assertThat(confirmedTx.get(paidTwice.getString("id"))).isIn(txByCheckout.get(paidTwice.getString("id")), secondTx);
    }
  }

  @Test
  void onAChainNeedingThreeConfirmationsTheBlockOfReceiptsAndTheConfirmingBlockAreEachWrittenInChunks() {
    try (TollgateFixture app = TollgateFixture.start(Map.of("chain.31337.confirmations", "3"))) {
      int count = 8;
      List<JsonObject> checkouts = new ArrayList<>();
      List<Credentials> buyers = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        buyers.add(app.buyer(10));
        checkouts.add(app.newCheckout("2.00", "USDC", buyers.get(i)));
      }
      app.chain.rpc("evm_setAutomine", false);
      for (int i = 0; i < count; i++) {
        String tx = app.chain.transferToken(buyers.get(i), app.usdc, TollgateFixture.RECIPIENT, TWO_USDC);
        TollgateFixture.Response submitted = app.submit(checkouts.get(i), "USDC", tx);
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(202);
      }
      TollgateFixture.sleep(300);
      app.chain.mine(1);
      for (JsonObject checkout : checkouts) {
        JsonObject seen = awaitConfirmations(app, checkout, 1);
        assertThat(seen.getString("status")).as(seen.encode()).isEqualTo("pending");
      }
      // 8 receipts in chunks of 4: 2 transactions, each writing its payments as mined with their audit rows.
      int chunks = (count + TollgateFixture.VERDICT_CHUNK_SIZE - 1) / TollgateFixture.VERDICT_CHUNK_SIZE;
      assertThat(transactions(app, checkouts, "pending", "mined")).as("the receipts, in chunks").hasSizeBetween(1, chunks);

      app.chain.mine(2);
      app.chain.rpc("evm_setAutomine", true);
      for (JsonObject checkout : checkouts) {
        JsonObject settled = app.awaitSettled(checkout);
        assertThat(settled.getString("status")).as(settled.encode()).isEqualTo("paid");
        assertThat(settled.getInteger("confirmations")).isEqualTo(3);
      }
      Set<String> confirming = new HashSet<>();
      for (JsonObject checkout : checkouts) confirming.add(paidTogether(app, UUID.fromString(checkout.getString("id"))));
      assertThat(confirming).as("the confirmations, in chunks").hasSizeBetween(1, chunks);
    }
  }

  /** The distinct transactions that wrote the checkouts' audit rows to {@code toStatus} (with {@code reason}, if given). */
  private static Set<String> transactions(TollgateFixture app, List<JsonObject> checkouts, String toStatus, String reason) {
    Set<String> transactions = new HashSet<>();
    for (JsonObject checkout : checkouts) {
      RowSet<Row> rows = query(app, "SELECT xmin::text AS tx FROM checkout_events WHERE checkout_id = $1 AND to_status = '"
          + toStatus + "'" + (reason == null ? "" : " AND reason = '" + reason + "'"), UUID.fromString(checkout.getString("id")));
      assertThat(rows.size()).as("%s rows of %s", toStatus, checkout.getString("id")).isEqualTo(1);
      transactions.add(rows.iterator().next().getString("tx"));
    }
    return transactions;
  }

  /**
   * Asserts that the checkout has one {@code paid} audit row and one {@code checkout.paid} outbox
   * event, written by the transaction that last wrote the checkout and its paying (confirmed)
   * payment, and answers that transaction.
   */
  private static String paidTogether(TollgateFixture app, UUID checkoutId) {
    RowSet<Row> rows = query(app, """
        SELECT c.xmin::text AS checkout_tx, p.xmin::text AS payment_tx, e.xmin::text AS audit_tx, w.xmin::text AS outbox_tx,
               p.status AS payment_status
        FROM checkouts c
        JOIN payments p ON p.id = c.paid_payment_id
        JOIN checkout_events e ON e.checkout_id = c.id AND e.to_status = 'paid' AND e.payment_id = p.id
        JOIN webhook_events w ON w.checkout_id = c.id AND w.type = 'checkout.paid'
        WHERE c.id = $1""", checkoutId);
    assertThat(rows.size()).as("one paying payment, paid row and checkout.paid event of %s", checkoutId).isEqualTo(1);
    assertThat(query(app, "SELECT 1 FROM checkout_events WHERE checkout_id = $1 AND to_status = 'paid'", checkoutId).size())
        .as("paid rows of %s", checkoutId).isEqualTo(1);
    Row row = rows.iterator().next();
    assertThat(row.getString("payment_status")).isEqualTo("confirmed");
    assertThat(List.of(row.getString("payment_tx"), row.getString("audit_tx"), row.getString("outbox_tx")))
        .as("payment, audit row and outbox event of %s written with the checkout", checkoutId)
        .containsOnly(row.getString("checkout_tx"));
    return row.getString("checkout_tx");
  }

  private static JsonObject awaitConfirmations(TollgateFixture app, JsonObject checkout, int confirmations) {
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
    JsonObject last = null;
    while (System.nanoTime() < deadline) {
      last = app.status(checkout).json();
      if (last.getInteger("confirmations", 0) >= confirmations) return last;
      TollgateFixture.sleep(50);
    }
    return last;
  }

  private static JsonObject createEndpoint(TollgateFixture app, String url) {
    TollgateFixture.Response created = app.send(HttpRequest.newBuilder(URI.create(app.base() + "/v1/webhook-endpoints"))
        .header("Authorization", "Bearer " + app.apiKey).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("url", url)
            .put("eventTypes", new JsonArray().add("checkout.paid")).encode())));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json();
  }

  private static RowSet<Row> query(TollgateFixture app, String sql, UUID checkoutId) {
    try {
      return app.tollgate.pool().preparedQuery(sql).execute(Tuple.of(checkoutId))
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
