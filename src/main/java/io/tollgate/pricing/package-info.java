/**
 * Prices for tokens not pegged to USD: the oracle seam, the fixed-price implementation, and the
 * quorum oracle over several exchanges' public tickers ({@code Quorum} is its pure rule,
 * {@code PriceSource} the exchanges' formats).
 *
 * <p>Public face (3 of 5 types): {@link io.tollgate.pricing.PriceOracle}, {@link io.tollgate.pricing.FixedPriceOracle},
 * {@link io.tollgate.pricing.QuorumPriceOracle}.
 */
package io.tollgate.pricing;
