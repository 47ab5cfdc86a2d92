/**
 * Prices for tokens not pegged to USD: the oracle seam and the fixed-price implementation.
 *
 * <p>Public face (2 of 2 types): {@link io.tollgate.pricing.PriceOracle}, {@link io.tollgate.pricing.FixedPriceOracle}.
 */
package io.tollgate.pricing;
