package io.tollgate.http.hotpath;

import io.tollgate.config.Settings;
import io.tollgate.ratelimit.RateLimitBucket;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * The buckets of the buyer endpoints. Defaults from the shop that sized them for 2-second polling:
 * 60 per minute per client address and 120 per 5 minutes per checkout (GCRA bursts, so steady
 * 2-second polling drains a checkout's bucket slowly and lasts about 20 minutes).
 */
public record BuyerLimits(int perAddress, Duration addressPeriod, int perCheckout, Duration checkoutPeriod, boolean enabled) {

  public static BuyerLimits fromSettings(Settings s) {
    return new BuyerLimits(
        s.integer("ratelimit.buyer.per-address", 60), Duration.ofSeconds(s.longValue("ratelimit.buyer.per-address-period-seconds", 60)),
        s.integer("ratelimit.buyer.per-checkout", 120), Duration.ofSeconds(s.longValue("ratelimit.buyer.per-checkout-period-seconds", 300)),
        s.bool("ratelimit.enabled", true));
  }

  List<RateLimitBucket> forRequest(String clientAddress, UUID checkoutId) {
    return List.of(address(clientAddress), new RateLimitBucket("checkout:" + checkoutId, perCheckout, checkoutPeriod));
  }

  RateLimitBucket address(String clientAddress) {
    return new RateLimitBucket("ip:" + clientAddress, perAddress, addressPeriod);
  }
}
