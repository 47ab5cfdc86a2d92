package io.tollgate.chain;

import io.tollgate.config.Settings;

/**
 * How deep a confirmed payment's block must be before its receipt is fetched again and the payment
 * declared final ({@code chain.<id>.finality-depth}, in blocks counted like confirmations; 0 turns
 * the re-check off), and whether a second provider must confirm a receipt's block before
 * {@code paid} ({@code chain.<id>.second-provider-check}, on by default when two or more RPC URLs
 * are configured).
 *
 * <p>Defaults follow how deep a block must be before its chain rarely reorganises it: 12 on
 * Ethereum, 16 on Polygon PoS, about 30 s of blocks on the rollups (15 on OP Mainnet and Base, 120
 * on Arbitrum One), 12 elsewhere.
 */
public record ChainFinality(long chainId, int depth, boolean secondProviderCheck) {

  public ChainFinality {
    if (depth < 0) throw new IllegalArgumentException("chain " + chainId + ": finality-depth must be 0 or more, got " + depth);
  }

  /** Whether confirmed payments are re-checked (the reorg sweep is on). */
  public boolean sweepOn() {
    return depth > 0;
  }

  public static int defaultDepth(long chainId) {
    return switch ((int) Math.min(Integer.MAX_VALUE, chainId)) {
      case 1 -> 12;
      case 137 -> 16;
      case 10, 8453 -> 15;
      case 42161 -> 120;
      default -> 12;
    };
  }

  /** The defaults for a chain with {@code rpcUrls} endpoints. */
  public static ChainFinality defaults(long chainId, int rpcUrls) {
    return new ChainFinality(chainId, defaultDepth(chainId), rpcUrls >= 2);
  }

  /**
   * Reads a chain's finality settings.
   *
   * @throws IllegalArgumentException for a negative depth, or for zero confirmations without the
   *     sweep: accepting a payment before it is buried is safe only if it is re-checked later
   */
  static ChainFinality fromSettings(Settings s, long chainId, int confirmations, int rpcUrls) {
    String prefix = "chain." + chainId + ".";
    ChainFinality finality = new ChainFinality(chainId, s.integer(prefix + "finality-depth", defaultDepth(chainId)),
        s.bool(prefix + "second-provider-check", rpcUrls >= 2) && rpcUrls >= 2);
    if (confirmations < 0) {
      throw new IllegalArgumentException("chain " + chainId + ": confirmations must be 0 or more, got " + confirmations);
    }
    if (confirmations == 0 && !finality.sweepOn()) {
      throw new IllegalArgumentException("chain " + chainId + ": confirmations=0 needs the reorg sweep; set "
          + prefix + "finality-depth to 1 or more");
    }
    return finality;
  }
}
