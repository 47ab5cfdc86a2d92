package io.tollgate.pricing;

import io.vertx.core.Future;

/**
 * The price of one currency or token in another: a native token in the checkout's currency
 * (ETH-EUR), or the exchange rate a USD-pegged stablecoin needs for a checkout in another currency
 * (EUR-USD). Implementations: a quorum of exchanges ({@link QuorumPriceOracle}, see
 * verification-rules.md "Prices") or operator-set prices ({@link FixedPriceOracle}). Fails with
 * {@code ApiException(PRICE_UNAVAILABLE)} when there is no trustworthy price.
 */
public interface PriceOracle {
  Future<Price> price(String base, String quote);
}
