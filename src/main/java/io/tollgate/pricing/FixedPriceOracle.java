package io.tollgate.pricing;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.tollgate.config.Settings;
import io.vertx.core.Future;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Prices from configuration, for development, tests and deployments that set them by hand:
 * {@code pricing.fixed.ETH=3000} is ETH in USD, {@code pricing.fixed.ETH-EUR=2750} and
 * {@code pricing.fixed.EUR-USD=1.08} name both sides. A live oracle replaces it behind {@link PriceOracle}.
 */
public final class FixedPriceOracle implements PriceOracle {
  private static final List<String> SOURCES = List.of("configured");
  private final Map<String, BigDecimal> prices;
  private final Clock clock;

  FixedPriceOracle(Map<String, BigDecimal> prices, Clock clock) {
    this.prices = Map.copyOf(prices);
    this.clock = clock;
  }

  /** Every {@code pricing.fixed.*} setting; a value that is not a positive decimal stops the start. */
  public static FixedPriceOracle fromSettings(Settings settings, Clock clock) {
    Map<String, BigDecimal> prices = new HashMap<>();
    settings.under("pricing.fixed.").forEach((name, text) -> {
      String pair = name.toUpperCase(java.util.Locale.ROOT).replace('_', '-');
      BigDecimal value;
      try {
        value = new BigDecimal(text);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("pricing.fixed." + name + " must be a decimal price, got '" + text + "'");
      }
      if (value.signum() <= 0) throw new IllegalArgumentException("pricing.fixed." + name + " must be positive");
      prices.put(pair.contains("-") ? pair : pair + "-USD", value);
    });
    return new FixedPriceOracle(prices, clock);
  }

  @Override
  public Future<Price> price(String base, String quote) {
    BigDecimal value = prices.get(base + "-" + quote);
    return value == null
        ? Future.failedFuture(new ApiException(ErrorCode.PRICE_UNAVAILABLE, "no price for " + base + "-" + quote))
        : Future.succeededFuture(new Price(base, quote, value, SOURCES, clock.instant()));
  }
}
