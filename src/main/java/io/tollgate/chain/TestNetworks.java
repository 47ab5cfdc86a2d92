package io.tollgate.chain;

import java.util.Set;

/**
 * Which chains are test networks unless a deployment says otherwise ({@code chain.<id>.testnet}).
 * Test-mode keys ({@code tg_test_...}) work only on test networks, live keys only on the others, so a
 * shop's test traffic can never be paid, or mistaken for a payment, on a network with real money.
 */
public final class TestNetworks {
  /** anvil/hardhat, a local dev chain, Sepolia, Holesky, Hoodi, Base Sepolia, OP Sepolia, Arbitrum Sepolia, Polygon Amoy. */
  private static final Set<Long> KNOWN = Set.of(31337L, 1337L, 11155111L, 17000L, 560048L, 84532L, 11155420L, 421614L, 80002L);

  private TestNetworks() {}

  /** Whether {@code chainId} is a well-known test network (V9's migration classifies existing keys with the same list). */
  public static boolean isKnownTestnet(long chainId) {
    return KNOWN.contains(chainId);
  }
}
