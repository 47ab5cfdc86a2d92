package io.tollgate.relay;

import static io.tollgate.testing.Async.await;
import static io.tollgate.testing.Async.awaitFailure;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.e2e.TollgateFixture;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.web3j.crypto.Credentials;

/**
 * The relayer in the whole service (HTTP, PostgreSQL, Redis, anvil), wired by the composition root
 * from settings: the relay leader sends, readiness shows the key's funds as a detail, the relayed
 * transaction pays a checkout through the ordinary watcher, and a drained key refuses new relays
 * while direct payments go on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RelayerEndToEndTest {
  /** anvil account 8 (public test mnemonic), funded with 10,000 ETH: the relayer. */
  private static final Credentials RELAYER =
      Credentials.create("0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97");
  private static final BigInteger USDC_12_50 = BigInteger.valueOf(12_500_000);

  private TollgateFixture app;
  private TestAuthorizations authorizations;

  @BeforeAll
  void start() {
    app = TollgateFixture.start(Map.of("chain.31337.relayer.private-key", "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97",
        "relayer.tick-ms", "100", "relayer.capacity-cache-ms", "100", "chain.31337.relayer.warn-below-relays", "5"));
    authorizations = new TestAuthorizations(app.chain, app.usdc);
  }

  @AfterAll
  void stop() {
    app.close();
  }

  private JsonObject readiness() {
    TollgateFixture.Response ready = app.get("/health/ready", null, Map.of());
    assertThat(ready.status()).as(ready.body()).isEqualTo(200); // a relayer never makes the instance not-ready
    return ready.json();
  }

  @Test
  void aRelayedAuthorizationPaysItsCheckoutAndADrainedRelayerRefusesWhileDirectPaymentsGoOn() {
    assertThat(readiness().getJsonObject("checks").getString("relayer-31337")).isEqualTo("UP");

    Credentials buyer = app.buyer(100);
    JsonObject checkout = app.newCheckout("12.50", "USDC", buyer);
    RelayOrder order = authorizations.order(buyer, TollgateFixture.RECIPIENT, USDC_12_50,
        Instant.now().plus(Duration.ofMinutes(5)), "checkout:" + checkout.getString("id"));
    RelayTicket ticket = await(app.tollgate.relayer().relay(order));
    RelayTicket mined = awaitMined(ticket);
    assertThat(app.chain.awaitReceipt(mined.txHash().orElseThrow()).getString("from")).isEqualToIgnoringCase(RELAYER.getAddress());
    TollgateFixture.Response claim = app.submit(checkout, "USDC", mined.txHash().orElseThrow());
    assertThat(claim.status()).as(claim.body()).isEqualTo(202);
    assertThat(app.awaitSettled(checkout).getString("status")).isEqualTo("paid");

    // Drained: refused at once, said in readiness (as a detail), and direct payments are unaffected.
    app.chain.rpc("anvil_setBalance", RELAYER.getAddress(), "0x0");
    sleep(300);
    JsonObject ready = readiness();
    assertThat(ready.getBoolean("degraded")).isTrue();
    assertThat(ready.getJsonObject("checks").getString("relayer-31337")).startsWith("DOWN").contains("cannot pay");
    Credentials second = app.buyer(100);
    RelayOrder refusedOrder = authorizations.order(second, TollgateFixture.RECIPIENT, USDC_12_50,
        Instant.now().plus(Duration.ofMinutes(5)), "checkout:other");
    RelayRefusedException refused = (RelayRefusedException) awaitFailure(app.tollgate.relayer().relay(refusedOrder));
    assertThat(refused.code()).isEqualTo("relayer_unavailable");

    JsonObject direct = app.newCheckout("12.50", "USDC", second);
    String tx = app.chain.transferToken(second, app.usdc, TollgateFixture.RECIPIENT, USDC_12_50);
    assertThat(app.submit(direct, "USDC", tx).status()).isEqualTo(202);
    assertThat(app.awaitSettled(direct).getString("status")).isEqualTo("paid");

    app.chain.rpc("anvil_setBalance", RELAYER.getAddress(), "0x21e19e0c9bab2400000"); // topped up: 10,000 ETH
    sleep(300);
    assertThat(readiness().getJsonObject("checks").getString("relayer-31337")).isEqualTo("UP");
  }

  private RelayTicket awaitMined(RelayTicket ticket) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      RelayTicket now = await(app.tollgate.relayer().find(ticket.relayId())).orElseThrow();
      if (now.state() == RelayState.MINED) return now;
      assertThat(now.state()).isNotEqualTo(RelayState.FAILED);
      sleep(50);
    }
    throw new AssertionError("not mined: " + ticket);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
