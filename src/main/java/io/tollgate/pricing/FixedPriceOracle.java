package io.tollgate.pricing;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.tollgate.config.Settings;
import io.vertx.core.Future;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;

/**
 * Prices from configuration ({@code pricing.fixed.ETH=3000}). For development, tests and
 * deployments that set a price by hand; a live oracle replaces it behind {@link PriceOracle}.
 */
public final class FixedPriceOracle implements PriceOracle {
  private final Map<String, BigDecimal> prices;

  FixedPriceOracle(Map<String, BigDecimal> prices) {
    this.prices = Map.copyOf(prices);
  }

  public static FixedPriceOracle fromSettings(Settings settings, Iterable<String> symbols) {
    Map<String, BigDecimal> prices = new HashMap<>();
    for (String symbol : symbols) {
      String value = settings.optional("pricing.fixed." + symbol);
      if (value != null) prices.put(symbol, new BigDecimal(value));
    }
    return new FixedPriceOracle(prices);
  }

  @Override
  public Future<BigDecimal> usdPrice(String symbol) {
    BigDecimal price = prices.get(symbol);
    return price == null || price.signum() <= 0
        ? Future.failedFuture(new ApiException(ErrorCode.PRICE_UNAVAILABLE, "no price for " + symbol))
        : Future.succeededFuture(price);
  }
}
