package io.tollgate.x402;

import io.tollgate.chain.EthRpc;
import io.tollgate.gasless.TokenDomain;
import java.util.Map;

/**
 * One chain the facilitator settles on: its JSON-RPC client, its EIP-3009 tokens by lowercase
 * address with their EIP-712 domains (configured, so never asked of the chain), the relayer key's
 * address, and whether it is a test network (test keys only).
 */
public record FacilitatorChain(long chainId, EthRpc rpc, Map<String, TokenDomain> tokens, String relayer, boolean testnet) {
  public FacilitatorChain {
    tokens = Map.copyOf(tokens);
  }

  String network() {
    return "eip155:" + chainId;
  }
}
