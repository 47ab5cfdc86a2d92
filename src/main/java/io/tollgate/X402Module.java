package io.tollgate;

import io.tollgate.chain.ChainConfig;
import io.tollgate.chain.EthRpc;
import io.tollgate.gasless.GaslessSettings;
import io.tollgate.gasless.GaslessTokens;
import io.tollgate.gasless.TokenDomain;
import io.tollgate.relay.Relayer;
import io.tollgate.relay.RelayerSettings;
import io.tollgate.signature.SignatureVerifier;
import io.tollgate.signature.VerifierSettings;
import io.tollgate.x402.FacilitatorChain;
import io.tollgate.x402.X402Facilitator;
import io.tollgate.x402.X402Settings;
import java.util.HashMap;
import java.util.Map;

/**
 * The x402 facilitator: every chain with a relayer key and at least one EIP-3009 token (its domain
 * known: USDC/USDT0 at their issuers' addresses, or configured), over the shared relayer. Open mode
 * ({@code x402.auth=open}) is refused unless every configured chain is a test network.
 */
final class X402Module {
  private X402Module() {}

  static X402Facilitator facilitator(Foundation f, Map<Long, EthRpc> rpc, Relayer relayer) {
    X402Settings settings = X402Settings.fromSettings(f.settings());
    if (settings.open() && f.chainIds().stream().anyMatch(id -> !f.chains().isTestnet(id))) {
      throw new IllegalArgumentException("x402.auth=open is for development only: every configured chain must be a test network");
    }
    GaslessTokens gasless = GaslessTokens.fromSettings(f.settings(), f.chains());
    RelayerSettings relayers = RelayerSettings.fromSettings(f.settings());
    Map<Long, FacilitatorChain> chains = new HashMap<>();
    for (ChainConfig chain : f.chains().all()) {
      if (!relayer.chains().contains(chain.chainId()) || !rpc.containsKey(chain.chainId())) continue;
      Map<String, TokenDomain> tokens = new HashMap<>();
      chain.tokens().keySet().forEach(symbol -> gasless.domain(chain.chainId(), symbol)
          .ifPresent(domain -> tokens.put(domain.verifyingContract().toLowerCase(java.util.Locale.ROOT), domain)));
      if (tokens.isEmpty()) continue;
      chains.put(chain.chainId(), new FacilitatorChain(chain.chainId(), rpc.get(chain.chainId()), tokens,
          relayers.chain(chain.chainId()).orElseThrow().address(), f.chains().isTestnet(chain.chainId())));
    }
    // No result cache: each authorization's digest is new (a fresh nonce), so nothing would be reused.
    SignatureVerifier verifier = SignatureVerifier.create(f.vertx(), VerifierSettings.defaults().withCacheSize(0));
    return new X402Facilitator(f.vertx(), f.pool(), chains, verifier, relayer,
        GaslessSettings.fromSettings(f.settings()).erc6492Factories(), settings, f.clock());
  }
}
