package io.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.testing.TcpFaultProxy;
import io.tollgate.testing.TestRedis;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A Redis that accepts connections and never answers (issue 22, a hang, not a refusal): buyers are
 * answered within a short bound as without Redis, the limit still holds per instance, readiness
 * details say so (and the {@code tollgate_ratelimit_degraded} gauge, where metrics are on), the instance stays ready, and once Redis answers again the instance goes back to it by itself.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisHangEndToEndTest {
  private TcpFaultProxy redis;
  private TollgateFixture app;

  @BeforeAll
  void start() {
    URI real = URI.create(TestRedis.url());
    redis = new TcpFaultProxy(real.getHost(), real.getPort());
    app = TollgateFixture.start(Map.of("redis.url", "redis://127.0.0.1:" + redis.port(),
        "ratelimit.buyer.per-checkout", "6", "ratelimit.buyer.per-checkout-period-seconds", "600",
        "ratelimit.redis-retry-ms", "500", "ratelimit.redis-timeout-ms", "300",
        "redis.read-idle-timeout-seconds", "2"));
  }

  @AfterAll
  void stop() {
    app.close();
    redis.close();
  }

  @Test
  void buyersAreAnsweredPromptlyWhileRedisHangsAndRedisIsUsedAgainWhenItAnswers() {
    JsonObject before = app.newCheckout("1.00", "USDC");
    assertThat(app.status(before).status()).isEqualTo(200);
    assertThat(rateLimitCheck()).isEqualTo("UP");

    redis.mode(TcpFaultProxy.Mode.HANG);
    JsonObject checkout = app.newCheckout("1.00", "USDC");
    for (int i = 0; i < 6; i++) {
      long started = System.nanoTime();
      TollgateFixture.Response ok = app.status(checkout);
      long tookMillis = Duration.ofNanos(System.nanoTime() - started).toMillis();
      assertThat(ok.status()).as(ok.body()).isEqualTo(200);
      assertThat(tookMillis).as("poll %d answered within the Redis timeout and some slack", i).isLessThan(1_500);
    }
    TollgateFixture.Response limited = app.status(checkout);
    assertThat(limited.status()).as("the limit holds, kept by the instance: %s", limited.body()).isEqualTo(429);
    assertThat(limited.header("Retry-After")).isNotNull();
    assertThat(rateLimitCheck()).as("readiness details say the limits are per instance").startsWith("DOWN: kept per instance");

    redis.mode(TcpFaultProxy.Mode.PASS);
    JsonObject after = app.newCheckout("1.00", "USDC");
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!rateLimitCheck().equals("UP") && System.nanoTime() < deadline) {
      assertThat(app.status(after).status()).isEqualTo(200);
      TollgateFixture.sleep(200);
    }
    assertThat(rateLimitCheck()).as("back to Redis once it answers").isEqualTo("UP");
  }

  /** The readiness detail on rate limits; the instance stays ready throughout. */
  private String rateLimitCheck() {
    TollgateFixture.Response ready = app.get("/health/ready", null, Map.of());
    assertThat(ready.status()).as("the instance stays ready: %s", ready.body()).isEqualTo(200);
    return ready.json().getJsonObject("checks").getString("ratelimit");
  }
}
