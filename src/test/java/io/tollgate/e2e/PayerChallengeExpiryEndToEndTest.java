package io.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.signature.SiweMessage;
import io.tollgate.signature.SiweMessages;
import io.tollgate.signature.TestSigner;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.web3j.crypto.Credentials;

/**
 * Challenge expiry and the default domain, on a Tollgate whose challenges live 50 ms and which has
 * no {@code payer.siwe-domain} configured (so the domain is the request's host).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PayerChallengeExpiryEndToEndTest {
  private TollgateFixture app;

  @BeforeAll
  void start() {
    app = TollgateFixture.start(Map.of("payer.challenge-ttl-ms", "50"));
  }

  @AfterAll
  void stop() {
    app.close();
  }

  @Test
  void shouldRefuseAGoodSignatureOverAnExpiredChallenge() {
    JsonObject checkout = app.newCheckout("12.50", "USDC");
    Credentials buyer = app.chain.newFundedAccount();
    TollgateFixture.Response issued = app.post("/v1/checkouts/" + checkout.getString("id") + "/challenge",
        checkout.getString("clientSecret"),
        new JsonObject().put("address", buyer.getAddress()).put("chainId", TollgateFixture.CHAIN_ID).encode());
    assertThat(issued.status()).as(issued.body()).isEqualTo(201);
    String message = issued.json().getString("message");
    SiweMessage parsed = SiweMessages.parse(message);
    assertThat(parsed.domain()).as("no configured domain: the request's host without its port").isEqualTo("127.0.0.1");
    assertThat(parsed.uri()).isEqualTo("https://127.0.0.1/v1/checkouts/" + checkout.getString("id"));

    // Wait for the expiration time itself (not a duration guess), then present a correct signature.
    while (!Instant.now().isAfter(parsed.expirationTime())) TollgateFixture.sleep(10);
    TollgateFixture.Response r = app.post("/v1/checkouts/" + checkout.getString("id") + "/payer", checkout.getString("clientSecret"),
        new JsonObject().put("message", message)
            .put("signature", TestSigner.signHex(TestSigner.personalSignHash(message), buyer.getEcKeyPair())).encode());

    assertThat(r.status()).as(r.body()).isEqualTo(422);
    assertThat(r.errorCode()).isEqualTo("challenge_expired");
    assertThat(app.merchantGet("/v1/checkouts/" + checkout.getString("id")).json().getString("payer")).isNull();
  }
}
