package io.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Buyer endpoints limited in Redis per client address and per checkout: 429 with Retry-After, then recovery. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RateLimitEndToEndTest {
  private TollgateFixture app;

  @BeforeAll
  void start() {
    app = TollgateFixture.start(Map.of(
        "ratelimit.buyer.per-address", "40", "ratelimit.buyer.per-address-period-seconds", "3600",
        "ratelimit.buyer.per-checkout", "5", "ratelimit.buyer.per-checkout-period-seconds", "2",
        "http.trusted-proxies", "127.0.0.1"));
  }

  @AfterAll
  void stop() {
    app.close();
  }

  @Test
  void aCheckoutPolledTooOftenGets429WithRetryAfterAndRecovers() {
    JsonObject checkout = app.newCheckout("1.00", "USDC");
    for (int i = 0; i < 5; i++) {
      TollgateFixture.Response ok = app.status(checkout);
      assertThat(ok.status()).isEqualTo(200);
      assertThat(ok.header("RateLimit-Limit")).isEqualTo("5");
    }
    TollgateFixture.Response limited = app.status(checkout);
    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.errorCode()).isEqualTo("rate_limited");
    assertThat(Integer.parseInt(limited.header("Retry-After"))).isBetween(1, 2);

    TollgateFixture.sleep(Long.parseLong(limited.header("Retry-After")) * 1000);
    assertThat(app.status(checkout).status()).isEqualTo(200);
  }

  @Test
  void anotherCheckoutHasItsOwnBucket() {
    JsonObject busy = app.newCheckout("1.00", "USDC");
    JsonObject quiet = app.newCheckout("1.00", "USDC");
    for (int i = 0; i < 6; i++) app.status(busy);
    assertThat(app.status(busy).status()).isEqualTo(429);
    assertThat(app.status(quiet).status()).isEqualTo(200);
  }

  @Test
  void theAddressLimitUsesForwardedForOnlyFromATrustedProxy() {
    // per-address is 40 per hour here (refill negligible during the test); exhaust a forwarded client's bucket
    // with wrong secrets, which are charged to the address only
    JsonObject checkout = app.newCheckout("1.00", "USDC");
    String path = "/v1/checkouts/" + checkout.getString("id") + "/status";
    int limitedAt = -1;
    for (int i = 0; i < 100 && limitedAt < 0; i++) {
      TollgateFixture.Response r = app.get(path, "wrong", Map.of("X-Forwarded-For", "203.0.113.9"));
      if (r.status() == 429) limitedAt = i;
    }
    assertThat(limitedAt).isEqualTo(40);
    // the forwarded address, not the proxy's, was charged: another client behind the same proxy is unaffected,
    // and an untrusted peer could not have picked its bucket (see ClientAddressResolverTest)
    assertThat(app.get(path, checkout.getString("clientSecret"), Map.of("X-Forwarded-For", "203.0.113.10")).status()).isEqualTo(200);
  }
}
