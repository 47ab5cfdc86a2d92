package io.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.web3j.crypto.Credentials;

/**
 * A checkout in euros, through HTTP, PostgreSQL, Redis and anvil: quoted at the configured rates
 * (EUR-USD for the stablecoin, ETH-EUR for ether), the rates recorded on its options, and paid by
 * exactly the quoted amounts; a currency the service does not take is refused with its code.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CurrencyEndToEndTest {
  private TollgateFixture app;

  @BeforeAll
  void start() {
    app = TollgateFixture.start(Map.of("pricing.fixed.EUR-USD", "1.08", "pricing.fixed.ETH-EUR", "2700"));
  }

  @AfterAll
  void stop() {
    app.close();
  }

  private JsonObject euroCheckout(String amount, String token, Credentials payer) {
    TollgateFixture.Response r = app.createCheckout("eur-" + UUID.randomUUID(), new JsonObject().put("orderReference", "EU-1")
        .put("amount", amount).put("currency", "EUR").put("payer", payer.getAddress())
        .put("paymentOptions", new JsonArray().add(new JsonObject().put("chainId", TollgateFixture.CHAIN_ID).put("token", token))));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json();
  }

  @Test
  void aEuroCheckoutIsPaidInUsdcAtTheRecordedRate() {
    Credentials buyer = app.buyer(100);
    JsonObject checkout = euroCheckout("20.00", "USDC", buyer);
    JsonObject option = checkout.getJsonArray("paymentOptions").getJsonObject(0);
    assertThat(option.getString("amount")).as("20 EUR × 1.08").isEqualTo("21600000");
    assertThat(option.getJsonObject("rate").getString("pair")).isEqualTo("EUR-USD");
    assertThat(option.getJsonObject("rate").getJsonArray("sources")).containsExactly("configured");

    String tx = app.chain.transferToken(buyer, app.usdc, TollgateFixture.RECIPIENT, new BigInteger("21600000"));
    assertThat(app.submit(checkout, "USDC", tx).status()).isEqualTo(202);
    assertThat(app.awaitSettled(checkout).getString("status")).isEqualTo("paid");

    JsonObject read = app.merchantGet("/v1/checkouts/" + checkout.getString("id")).json();
    assertThat(read.getString("currency")).isEqualTo("EUR");
    assertThat(read.getString("amount")).isEqualTo("20.00");
    assertThat(read.getJsonArray("paymentOptions").getJsonObject(0).getJsonObject("rate").getString("value")).isEqualTo("1.08");
  }

  @Test
  void aEuroCheckoutIsPaidInEtherAtTheRecordedPrice() {
    Credentials buyer = app.buyer(1);
    JsonObject checkout = euroCheckout("27.00", "ETH", buyer);
    JsonObject option = checkout.getJsonArray("paymentOptions").getJsonObject(0);
    assertThat(option.getString("amount")).as("27 EUR ÷ 2700 EUR/ETH").isEqualTo("10000000000000000");
    assertThat(option.getJsonObject("rate").getString("pair")).isEqualTo("ETH-EUR");

    String tx = app.chain.sendEth(buyer, TollgateFixture.RECIPIENT, new BigInteger(option.getString("amount")));
    assertThat(app.submit(checkout, "ETH", tx).status()).isEqualTo(202);
    assertThat(app.awaitSettled(checkout).getString("status")).isEqualTo("paid");
  }

  @Test
  void aCurrencyTheServiceDoesNotTakeIsRefusedWithItsCode() {
    TollgateFixture.Response r = app.createCheckout("gbp-" + UUID.randomUUID(), new JsonObject().put("orderReference", "UK-1")
        .put("amount", "10.00").put("currency", "GBP"));
    assertThat(r.status()).isEqualTo(422);
    assertThat(r.errorCode()).isEqualTo("unsupported_currency");
    assertThat(r.json().getJsonObject("error").getString("detail")).contains("USD, EUR");
  }
}
