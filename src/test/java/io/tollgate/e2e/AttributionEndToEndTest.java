package io.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.merchant.MerchantAdmin;
import io.tollgate.merchant.PayerBinding;
import io.tollgate.merchant.PaymentMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;

/**
 * Whose money a transaction is, through HTTP, PostgreSQL, Redis and anvil. In a ticket drop every
 * buyer pays the same amount to the same address and transaction hashes are public from the
 * mempool on: a transfer must count only for the checkout its payer is bound to, whoever submits
 * its hash first, and a refused claim must never keep the rightful checkout from being paid.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AttributionEndToEndTest {
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
  void aClaimFromAnUnboundCheckoutIsRefusedAndTheBuyersOwnCheckoutIsStillPaid() {
    Credentials victim = app.buyer(100);
    JsonObject rightful = app.newCheckout("12.50", "USDC");
    app.bindPayer(rightful, victim);
    JsonObject attackers = app.newCheckout("12.50", "USDC");
    String tx = app.chain.transferToken(victim, app.usdc, TollgateFixture.RECIPIENT, USDC_12_50);

    TollgateFixture.Response stolen = app.submit(attackers, "USDC", upper(tx));
    assertThat(stolen.status()).as(stolen.body()).isEqualTo(409);
    assertThat(stolen.errorCode()).isEqualTo("payer_not_bound");
    assertThat(claims(attackers)).as("a refused claim leaves nothing behind").isEmpty();

    TollgateFixture.Response own = app.submit(rightful, "USDC", tx);
    assertThat(own.status()).as(own.body()).isEqualTo(202);
    assertThat(app.awaitSettled(rightful).getString("status")).isEqualTo("paid");
    assertThat(app.status(attackers).json().getString("status")).isEqualTo("open");
  }

  @Test
  void aClaimFromACheckoutBoundToAnotherWalletFailsAndTheRightfulClaimAfterItIsPaid() {
    Credentials victim = app.buyer(100);
    Credentials attacker = app.buyer(100);
    JsonObject rightful = app.newCheckout("12.50", "USDC");
    app.bindPayer(rightful, victim);
    JsonObject attackers = app.newCheckout("12.50", "USDC");
    app.bindPayer(attackers, attacker);
    String tx = app.chain.transferToken(victim, app.usdc, TollgateFixture.RECIPIENT, USDC_12_50);

    // The attacker is first, with the hash in upper case; the claim is judged against its own
    // bound payer and refused.
    assertThat(app.submit(attackers, "USDC", upper(tx)).status()).isEqualTo(202);
    JsonObject refused = app.awaitSettled(attackers);
    assertThat(refused.getString("status")).isEqualTo("failed");
    assertThat(refused.getString("statusReason")).isEqualTo("wrong_payer");

    // The victim comes afterwards, in mixed case: the refused claim does not stand in the way.
    TollgateFixture.Response own = app.submit(rightful, "USDC", mixed(tx));
    assertThat(own.status()).as(own.body()).isEqualTo(202);
    JsonObject paid = app.awaitSettled(rightful);
    assertThat(paid.getString("status")).isEqualTo("paid");
    assertThat(paid.getJsonObject("payment").getString("txHash")).isEqualTo(tx.toLowerCase(Locale.ROOT));

    // A repeated submission (the first answer was lost) gets the claim's state, not an error.
    TollgateFixture.Response again = app.submit(rightful, "USDC", tx);
    assertThat(again.status()).as(again.body()).isEqualTo(202);
    assertThat(again.json().getString("status")).isEqualTo("paid");
    // Once credited, the transaction is single-use: nobody else can claim it any more.
    JsonObject latecomer = app.newCheckout("12.50", "USDC", app.buyer(1));
    TollgateFixture.Response reused = app.submit(latecomer, "USDC", tx);
    assertThat(reused.status()).isEqualTo(409);
    assertThat(reused.errorCode()).isEqualTo("tx_hash_already_used");
  }

  @Test
  void aRightfulClaimMadeWhileAFalseClaimIsStillUndecidedIsPaid() {
    Credentials victim = app.buyer(100);
    Credentials attacker = app.buyer(100);
    JsonObject rightful = app.newCheckout("12.50", "USDC", victim);
    JsonObject attackers = app.newCheckout("12.50", "USDC", attacker);
    app.chain.rpc("evm_setAutomine", false);
    try {
      // The transfer waits in the mempool, where its hash is public, and both claims arrive.
      String tx = app.chain.transferToken(victim, app.usdc, TollgateFixture.RECIPIENT, USDC_12_50);
      assertThat(app.submit(attackers, "USDC", tx).status()).isEqualTo(202);
      assertThat(app.submit(rightful, "USDC", upper(tx)).status()).isEqualTo(202);
      app.chain.mine(1);
    } finally {
      app.chain.rpc("evm_setAutomine", true);
    }
    assertThat(app.awaitSettled(rightful).getString("status")).isEqualTo("paid");
    JsonObject refused = app.awaitSettled(attackers);
    assertThat(refused.getString("status")).isEqualTo("failed");
    assertThat(refused.getString("statusReason")).isEqualTo("wrong_payer");
  }

  @Test
  void ofFiftyRacingClaimsOfOneTransactionOnlyThePayersCheckoutIsPaid() throws Exception {
    Credentials payer = app.buyer(100);
    List<JsonObject> checkouts = new ArrayList<>();
    for (int i = 0; i < 40; i++) checkouts.add(app.newCheckout("12.50", "USDC", stranger()));
    for (int i = 0; i < 9; i++) checkouts.add(app.newCheckout("12.50", "USDC"));
    int rightful = 23;
    checkouts.add(rightful, app.newCheckout("12.50", "USDC", payer));
    String tx = app.chain.transferToken(payer, app.usdc, TollgateFixture.RECIPIENT, USDC_12_50);

    List<TollgateFixture.Response> answers = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(50);
    try {
      List<Callable<TollgateFixture.Response>> calls = new ArrayList<>();
      for (int i = 0; i < checkouts.size(); i++) {
        JsonObject checkout = checkouts.get(i);
        String hash = i % 2 == 0 ? tx : upper(tx);
        calls.add(() -> app.submit(checkout, "USDC", hash));
      }
      for (Future<TollgateFixture.Response> f : pool.invokeAll(calls, 60, TimeUnit.SECONDS)) answers.add(f.get());
    } finally {
      pool.shutdownNow();
    }

    // Claims committed out of id order wait for the next head's full round (a catch-up round reads
    // only ids above the highest it checked); a real chain keeps producing blocks, anvil only on demand.
    app.chain.mine(1);
    assertThat(answers.get(rightful).status()).as(answers.get(rightful).body()).isEqualTo(202);
    assertThat(answers).filteredOn(r -> r.status() == 202).hasSize(41);
    assertThat(answers).filteredOn(r -> r.status() == 409).allSatisfy(r -> assertThat(r.errorCode()).isEqualTo("payer_not_bound"))
        .hasSize(9);
    assertThat(app.awaitSettled(checkouts.get(rightful)).getString("status")).isEqualTo("paid");
    for (int i = 0; i < checkouts.size(); i++) {
      if (i == rightful) continue;
      JsonObject checkout = checkouts.get(i);
      boolean bound = checkout.getString("payer") != null;
      JsonObject status = bound ? app.awaitSettled(checkout) : app.status(checkout).json();
      assertThat(status.getString("status") + "/" + status.getString("statusReason")).as("checkout %d", i)
          .isEqualTo(bound ? "failed/wrong_payer" : "open/null");
    }
    Row credit = sql("SELECT count(*) FILTER (WHERE status = 'confirmed') AS credited, count(*) AS claims,"
        + " min(checkout_id::text) FILTER (WHERE status = 'confirmed') AS paid FROM payments WHERE tx_hash = $1",
        tx.toLowerCase(Locale.ROOT));
    assertThat(credit.getLong("credited")).isEqualTo(1);
    assertThat(credit.getLong("claims")).isEqualTo(41);
    assertThat(credit.getString("paid")).isEqualTo(checkouts.get(rightful).getString("id"));
  }

  /**
   * Documented behaviour of a merchant that made binding optional (unsafe for drops): an unbound
   * checkout takes any transfer of its amount to its recipient, so two such checkouts can claim one
   * transfer; exactly one is credited and the other is refused {@code tx_already_credited}, with
   * both claims kept in view.
   */
  @Test
  void withBindingOptionalTwoUnboundCheckoutsClaimingOneTransferAreNeverBothPaid() {
    MerchantAdmin.CreatedMerchant lax = new MerchantAdmin(app.database.settings()).create("Lax shop",
        List.of(new PaymentMethod(TollgateFixture.CHAIN_ID, "USDC", TollgateFixture.RECIPIENT)), PayerBinding.OPTIONAL);
    JsonObject first = laxCheckout(lax);
    JsonObject second = laxCheckout(lax);
    Credentials anyone = app.buyer(100);
    String tx = app.chain.transferToken(anyone, app.usdc, TollgateFixture.RECIPIENT, USDC_12_50);

    assertThat(app.submit(first, "USDC", tx).status()).isEqualTo(202);
    assertThat(app.submit(second, "USDC", mixed(tx)).status()).isEqualTo(202);

    List<JsonObject> settled = List.of(app.awaitSettled(first), app.awaitSettled(second));
    assertThat(settled).extracting(s -> s.getString("status")).containsExactlyInAnyOrder("paid", "failed");
    assertThat(settled).filteredOn(s -> "failed".equals(s.getString("status")))
        .extracting(s -> s.getString("statusReason")).containsExactly("tx_already_credited");
    assertThat(claims(first)).hasSize(1);
    assertThat(claims(second)).hasSize(1);
  }

  private JsonObject laxCheckout(MerchantAdmin.CreatedMerchant merchant) {
    TollgateFixture.Response created = app.createCheckout(merchant.apiKey(), "lax-" + UUID.randomUUID(), new JsonObject()
        .put("orderReference", "ORDER-L").put("amount", "12.50")
        .put("paymentOptions", new JsonArray().add(new JsonObject().put("chainId", TollgateFixture.CHAIN_ID).put("token", "USDC"))));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json();
  }

  /** status/reason of every claim a checkout made. */
  private List<String> claims(JsonObject checkout) {
    List<String> claims = new ArrayList<>();
    try {
      app.tollgate.pool().preparedQuery("SELECT status, reason FROM payments WHERE checkout_id = $1 ORDER BY id")
          .execute(Tuple.of(UUID.fromString(checkout.getString("id")))).await(10, TimeUnit.SECONDS)
          .forEach(r -> claims.add(r.getString("status") + "/" + r.getString("reason")));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return claims;
  }

  private Row sql(String query, Object... params) {
    try {
      return app.tollgate.pool().preparedQuery(query).execute(Tuple.from(List.of(params))).await(10, TimeUnit.SECONDS)
          .iterator().next();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Credentials stranger() {
    try {
      return Credentials.create(Keys.createEcKeyPair());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String upper(String tx) {
    return "0x" + tx.substring(2).toUpperCase(Locale.ROOT);
  }

  private static String mixed(String tx) {
    StringBuilder out = new StringBuilder("0x");
    for (int i = 2; i < tx.length(); i++) {
      char c = tx.charAt(i);
      out.append(i % 2 == 0 ? Character.toUpperCase(c) : c);
    }
    return out.toString();
  }
}
