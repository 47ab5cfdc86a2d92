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
import io.tollgate.webhook.X402SettlementEvents;
import io.tollgate.x402.KeySignatureWorker;
import io.tollgate.x402.SettlementFollower;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.ThreadingModel;
import java.util.List;
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
  final X402Facilitator facilitator;
  private final Foundation f;

  private X402Module(Foundation f, X402Facilitator facilitator) {
    this.f = f;
    this.facilitator = facilitator;
  }

  /** The key-signature workers: one per core (at least 2), started before HTTP. */
  Module module() {
    int instances = Math.max(2, Runtime.getRuntime().availableProcessors());
    return Module.of(List.of(() -> f.vertx().deployVerticle(KeySignatureWorker::new,
        new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER).setInstances(instances)),
        () -> f.vertx().deployVerticle(new SettlementFollower(facilitator, 1_000))));
  }

  static X402Module create(Foundation f, Map<Long, EthRpc> rpc, Relayer relayer) {
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
          relayers.chain(chain.chainId()).orElseThrow().address(), f.chains().isTestnet(chain.chainId()),
          // verify's facts feed: the chain's poll, at most a second (how late a log-visible change may be seen)
          chain.pollInterval().compareTo(java.time.Duration.ofSeconds(1)) < 0 ? chain.pollInterval() : java.time.Duration.ofSeconds(1)));
    }
    // No result cache: each authorization's digest is new (a fresh nonce), so nothing would be reused.
    SignatureVerifier verifier = SignatureVerifier.create(f.vertx(), VerifierSettings.defaults().withCacheSize(0));
    X402Facilitator facilitator = new X402Facilitator(f.vertx(), f.pool(), chains, verifier, relayer,
        GaslessSettings.fromSettings(f.settings()).erc6492Factories(), settings, f.clock(),
        new X402Telemetry(new X402SettlementEvents(f.clock()), f.meters()));
    facilitator.registerMetrics(f.meters());
    return new X402Module(f, facilitator);
  }
}
