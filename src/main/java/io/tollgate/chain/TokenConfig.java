package io.tollgate.chain;


/**
 * A token a chain can be paid in. {@code address} is lowercase and null for the native coin;
 * {@code usdPegged} tokens quote 1:1 to USD, the others need a price oracle.
 */
public record TokenConfig(String symbol, AssetKind kind, String address, int decimals, boolean usdPegged) {}
