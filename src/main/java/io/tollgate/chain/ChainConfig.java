package io.tollgate.chain;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One configured chain: where to reach it, how many confirmations make a payment final, how often
 * to look for new blocks, and the tokens it can be paid in (by symbol).
 */
public record ChainConfig(
    long chainId,
    String name,
    List<String> rpcUrls,
    int confirmations,
    Duration pollInterval,
    Map<String, TokenConfig> tokens) {

  public Optional<TokenConfig> token(String symbol) {
    return Optional.ofNullable(tokens.get(symbol));
  }
}
