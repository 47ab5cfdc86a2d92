package io.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Redis unreachable from the start (its address refuses connections): buyers are served as
 * without the outage, the limits still hold, kept by the instance itself, and the instance stays
 * ready, reporting Redis as down (issue 22).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisOutageEndToEndTest {
  private TollgateFixture app;

  @BeforeAll
  void start() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    app = TollgateFixture.start(Map.of("redis.url", "redis://127.0.0.1:" + closed,
        "ratelimit.buyer.per-checkout", "5", "ratelimit.buyer.per-checkout-period-seconds", "60",
        "ratelimit.redis-retry-ms", "60000"));
  }

  @AfterAll
  void stop() {
    app.close();
  }

  @Test
  void pollsAreAnsweredAndTheLimitStillHoldsWhileRedisIsDown() {
    JsonObject checkout = app.newCheckout("1.00", "USDC");
    for (int i = 0; i < 5; i++) {
      TollgateFixture.Response ok = app.status(checkout);
      assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    }
    TollgateFixture.Response limited = app.status(checkout);
    assertThat(limited.status()).as(limited.body()).isEqualTo(429);
    assertThat(limited.errorCode()).isEqualTo("rate_limited");
    assertThat(limited.header("Retry-After")).isNotNull();
  }

  @Test
  void theInstanceStaysReadyAndSaysRedisIsDown() {
    TollgateFixture.Response ready = app.get("/health/ready", null, Map.of());
    assertThat(ready.status()).as(ready.body()).isEqualTo(200);
    assertThat(ready.json().getBoolean("degraded")).isTrue();
    assertThat(ready.json().getJsonObject("checks").getString("redis")).startsWith("DOWN");
    assertThat(ready.json().getJsonObject("checks").getString("database")).isEqualTo("UP");
  }
}
