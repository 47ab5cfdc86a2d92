package io.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;

/**
 * Issue 5's "paid soon after the block": with {@code chain.<id>.ws-url} set, the watcher learns of a
 * block from anvil's {@code eth_subscription} notification, so a payment turns paid promptly even
 * though the HTTP head poll runs only once a minute. And a WebSocket that cannot be reached costs
 * nothing but latency: the instance stays ready and payments confirm by polling.
 */
class NewHeadsEndToEndTest {
  private static final BigInteger TEN_USDC = BigInteger.valueOf(10_000_000);
  /** Far beyond the test's patience: a payment confirmed before this is the subscription's doing. */
  private static final String A_MINUTE = "60000";

  @Test
  void aPaymentTurnsPaidPromptlyAfterItsBlockWhileTheHeadPollIsAMinuteAway() {
    try (TollgateFixture app = TollgateFixture.start(anvil -> Map.of(
        "chain.31337.ws-url", anvil.wsUrl(),
        "chain.31337.poll-interval-ms", A_MINUTE,
        "chain.31337.ws-fallback-poll-interval-ms", A_MINUTE))) {
      Credentials buyer = app.buyer(100);
      JsonObject checkout = app.newCheckout("10.00", "USDC", buyer);
      app.chain.rpc("evm_setAutomine", false);
      String tx = app.chain.transferToken(buyer, app.usdc, TollgateFixture.RECIPIENT, TEN_USDC);
      assertThat(app.submit(checkout, "USDC", tx).status()).isEqualTo(202);
      TollgateFixture.sleep(300);
      assertThat(app.status(checkout).json().getString("status")).as("not mined yet").isEqualTo("pending");

      long minedAt = System.nanoTime();
      app.chain.mine(1);
      JsonObject settled = awaitPaid(app, checkout, Duration.ofSeconds(20));
      Duration delay = Duration.ofNanos(System.nanoTime() - minedAt);

      assertThat(settled.getString("status")).as(settled.encode()).isEqualTo("paid");
      // Seen by a browser polling every 20 ms, on a shared 2-core machine; well under the minute
      // the HTTP head poll would have taken.
      assertThat(delay).as("block mined -> paid seen by the browser").isLessThan(Duration.ofSeconds(5));
    }
  }

  @Test
  void anUnreachableWebSocketLeavesTheInstanceReadyAndPaymentsConfirmByPolling() throws Exception {
    int nothingListens;
    try (ServerSocket socket = new ServerSocket(0)) {
      nothingListens = socket.getLocalPort();
    }
    try (TollgateFixture app = TollgateFixture.start(Map.of("chain.31337.ws-url", "ws://127.0.0.1:" + nothingListens))) {
      TollgateFixture.Response ready = app.get("/health/ready", null, Map.of());
      assertThat(ready.status()).as(ready.body()).isEqualTo(200);
      assertThat(ready.json().getJsonObject("checks").getString("chain-31337")).isEqualTo("UP");

      Credentials buyer = app.buyer(100);
      JsonObject checkout = app.newCheckout("10.00", "USDC", buyer);
      String tx = app.chain.transferToken(buyer, app.usdc, TollgateFixture.RECIPIENT, TEN_USDC);
      app.submit(checkout, "USDC", tx);

      JsonObject settled = app.awaitSettled(checkout);
      assertThat(settled.getString("status")).as(settled.encode()).isEqualTo("paid");
    }
  }

  private static JsonObject awaitPaid(TollgateFixture app, JsonObject checkout, Duration patience) {
    long deadline = System.nanoTime() + patience.toNanos();
    JsonObject last = app.status(checkout).json();
    while (!"paid".equals(last.getString("status")) && System.nanoTime() < deadline) {
      TollgateFixture.sleep(20);
      last = app.status(checkout).json();
    }
    return last;
  }
}
