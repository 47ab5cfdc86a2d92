package io.tollgate.pricing;

import io.vertx.core.Future;
import java.math.BigDecimal;

/**
 * The USD price of a token that is not pegged to USD (native ETH). The seam where a quorum oracle
 * (several exchanges, largest agreeing cluster wins, see verification-rules.md "Prices") plugs in;
 * fails with {@code ApiException(PRICE_UNAVAILABLE)} when there is no trustworthy price.
 */
public interface PriceOracle {
  Future<BigDecimal> usdPrice(String symbol);
}
