/** Prices for tokens not pegged to USD: the oracle seam and the fixed-price implementation. */
package io.tollgate.pricing;
