package io.tollgate.x402;

import io.tollgate.chain.EthRpc;
import io.tollgate.gasless.TokenDomain;
import java.time.Duration;
import java.util.Map;

/**
 * One chain the facilitator settles on: its JSON-RPC client, its EIP-3009 tokens by lowercase
 * address with their EIP-712 domains (configured, so never asked of the chain), the relayer key's
 * address, whether it is a test network (test keys only), and how often verify's facts feed asks
 * for the chain's head while it has facts to keep fresh (the chain's {@code poll-interval-ms}).
 */
public record FacilitatorChain(long chainId, EthRpc rpc, Map<String, TokenDomain> tokens, String relayer, boolean testnet,
    Duration pollInterval) {
  public FacilitatorChain {
    tokens = Map.copyOf(tokens);
    if (pollInterval == null || pollInterval.isZero() || pollInterval.isNegative()) pollInterval = Duration.ofSeconds(1);
  }

  public FacilitatorChain(long chainId, EthRpc rpc, Map<String, TokenDomain> tokens, String relayer, boolean testnet) {
    this(chainId, rpc, tokens, relayer, testnet, Duration.ofSeconds(1));
  }

  String network() {
    return "eip155:" + chainId;
  }
}
