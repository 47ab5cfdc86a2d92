package io.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.signature.TestSigner;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.web3j.crypto.Credentials;
import org.web3j.utils.Numeric;

/**
 * A relayer key that cannot pay for gas: a gasless authorization is refused at once with
 * {@code relayer_unavailable} (503, Retry-After), nothing is reserved, and direct payments go on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GaslessRelayerEmptyEndToEndTest {
  /** A key no one funded: anvil gives it no ETH. */
  private static final String EMPTY_KEY = "0x" + "5".repeat(63) + "1";

  private TollgateFixture app;

  @BeforeAll
  void start() {
    app = TollgateFixture.start(Map.of(
        "chain.31337.token.USDC.eip712-name", "USD Coin", "chain.31337.token.USDC.eip712-version", "2",
        "chain.31337.relayer.private-key", EMPTY_KEY));
  }

  @AfterAll
  void stop() {
    if (app != null) app.close();
  }

  @Test
  void anEmptyRelayerRefusesGaslessAtOnceAndDirectPaymentsAreUnaffected() {
    Credentials buyer = app.buyer(100);
    JsonObject checkout = app.newCheckout("12.50", "USDC");
    TollgateFixture.Response options = app.get("/v1/checkouts/" + checkout.getString("id") + "/payment-options?payer="
        + buyer.getAddress(), checkout.getString("clientSecret"), Map.of());
    JsonObject typed = options.json().getJsonArray("paymentOptions").getJsonObject(0).getJsonObject("gasless")
        .getJsonObject("typedData");
    String signature = Numeric.toHexString(TestSigner.sign(GaslessEndToEndTest.digest(typed), buyer.getEcKeyPair()));

    TollgateFixture.Response refused = app.post("/v1/checkouts/" + checkout.getString("id") + "/authorizations",
        checkout.getString("clientSecret"), new JsonObject().put("chainId", TollgateFixture.CHAIN_ID).put("token", "USDC")
            .put("authorization", typed.getJsonObject("message")).put("signature", signature).encode());
    assertThat(refused.status()).as(refused.body()).isEqualTo(503);
    assertThat(refused.errorCode()).isEqualTo("relayer_unavailable");
    assertThat(refused.header("Retry-After")).isNotNull();
    assertThat(app.status(checkout).json().getString("status")).isEqualTo("open");
    assertThat(app.merchantGet("/v1/checkouts/" + checkout.getString("id")).json().getString("payer"))
        .as("a refused authorization binds nobody").isNull();

    // the same checkout, paid the direct way by a bound payer
    app.bindPayer(checkout, buyer);
    String tx = app.chain.transferToken(buyer, app.usdc, TollgateFixture.RECIPIENT, BigInteger.valueOf(12_500_000));
    assertThat(app.submit(checkout, "USDC", tx).status()).isEqualTo(202);
    assertThat(app.awaitSettled(checkout).getString("status")).isEqualTo("paid");
  }
}
