package io.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two instances behind a load balancer share PostgreSQL and Redis: one watches the chain, both
 * answer polls, and state changes made through one are seen by the other. When the watching
 * instance stops, the other takes over.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MultiInstanceEndToEndTest {
  private static final BigInteger TWO_USDC = BigInteger.valueOf(2_000_000);
  private TollgateFixture app;
  private TollgateFixture.Instance second;

  @BeforeAll
  void start() {
    app = TollgateFixture.start(Map.of("chain.leader-retry-ms", "300"));
    second = app.startInstance();
  }

  @AfterAll
  void stop() {
    second.close();
    app.close();
  }

  @Test
  void oneInstanceWatchesBothServeAndTheOtherTakesOverWhenItStops() {
    TollgateFixture.Instance first = app.firstInstance();
    TollgateFixture.sleep(1_000);
    assertThat(first.tollgate().rpcCalls()).isPositive();
    assertThat(second.tollgate().rpcCalls()).isZero(); // standing by: the chain is watched once

    // created on the first, paid and polled on the second: the second learns of every change
    app.target(first);
    org.web3j.crypto.Credentials buyer = app.buyer(10);
    JsonObject checkout = app.newCheckout("2.00", "USDC", buyer);
    app.target(second);
    assertThat(app.status(checkout).json().getString("status")).isEqualTo("open");
    String tx = app.chain.transferToken(buyer, app.usdc, TollgateFixture.RECIPIENT, TWO_USDC);
    assertThat(app.submit(checkout, "USDC", tx).status()).isEqualTo(202);
    assertThat(app.awaitSettled(checkout).getString("status")).isEqualTo("paid");
    app.target(first);
    assertThat(app.status(checkout).json().getString("status")).isEqualTo("paid");

    first.close(); // the watching instance dies
    app.target(second);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (second.tollgate().rpcCalls() == 0 && System.nanoTime() < deadline) TollgateFixture.sleep(50);
    assertThat(second.tollgate().rpcCalls()).isPositive();

    org.web3j.crypto.Credentials nextBuyer = app.buyer(10);
    JsonObject next = app.newCheckout("2.00", "USDC", nextBuyer);
    app.submit(next, "USDC", app.chain.transferToken(nextBuyer, app.usdc, TollgateFixture.RECIPIENT, TWO_USDC));
    assertThat(app.awaitSettled(next).getString("status")).isEqualTo("paid");
  }
}
