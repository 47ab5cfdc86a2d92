package io.tollgate.chain;

import io.tollgate.config.Settings;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The chains this deployment watches, read from settings ({@code chains=...}, {@code chain.<id>.*}). */
public final class ChainRegistry {
  private final Map<Long, ChainConfig> chains;
  /** Finality settings read from settings; chains without an entry use {@link ChainFinality#defaults}. */
  private final Map<Long, ChainFinality> finality;

  public ChainRegistry(Collection<ChainConfig> chains) {
    this(chains, Map.of());
  }

  private ChainRegistry(Collection<ChainConfig> chains, Map<Long, ChainFinality> finality) {
    Map<Long, ChainConfig> byId = new LinkedHashMap<>();
    chains.forEach(c -> byId.put(c.chainId(), c));
    this.chains = Map.copyOf(byId);
    this.finality = Map.copyOf(finality);
  }

  public static ChainRegistry fromSettings(Settings settings) {
    Map<Long, ChainFinality> finality = new LinkedHashMap<>();
    java.util.List<ChainConfig> chains = settings.list("chains").stream()
        .map(id -> chainFromSettings(settings, Long.parseLong(id)))
        .toList();
    for (ChainConfig c : chains) {
      finality.put(c.chainId(), ChainFinality.fromSettings(settings, c.chainId(), c.confirmations(), c.rpcUrls().size()));
    }
    return new ChainRegistry(chains, finality);
  }

  /** A chain's finality settings (the re-check of confirmed payments, the second provider's check). */
  public ChainFinality finality(long chainId) {
    ChainFinality configured = finality.get(chainId);
    if (configured != null) return configured;
    return ChainFinality.defaults(chainId, chain(chainId).map(c -> c.rpcUrls().size()).orElse(1));
  }

  private static ChainConfig chainFromSettings(Settings s, long chainId) {
    String prefix = "chain." + chainId + ".";
    Map<String, TokenConfig> known = KnownTokens.on(chainId);
    Map<String, TokenConfig> tokens = new LinkedHashMap<>();
    for (String symbol : s.list(prefix + "tokens")) {
      String tokenPrefix = prefix + "token." + symbol + ".";
      String address = s.optional(tokenPrefix + "address");
      TokenConfig token;
      if (address != null) {
        token = new TokenConfig(symbol, AssetKind.ERC20, address.toLowerCase(Locale.ROOT),
            s.integer(tokenPrefix + "decimals", 6), s.bool(tokenPrefix + "usd-pegged", true));
      } else if (s.bool(tokenPrefix + "native", false)) {
        token = new TokenConfig(symbol, AssetKind.NATIVE, null, s.integer(tokenPrefix + "decimals", 18), false);
      } else if (known.containsKey(symbol)) {
        token = known.get(symbol);
      } else {
        throw new IllegalArgumentException("chain " + chainId + ": token " + symbol
            + " is not known on this chain; set " + tokenPrefix + "address or " + tokenPrefix + "native=true");
      }
      tokens.put(symbol, token);
    }
    return new ChainConfig(chainId, s.string(prefix + "name", "chain " + chainId),
        s.list(prefix + "rpc-urls"), s.integer(prefix + "confirmations", 1),
        Duration.ofMillis(s.longValue(prefix + "poll-interval-ms", 2000)), Map.copyOf(tokens),
        s.optional(prefix + "ws-url"),
        Duration.ofMillis(s.longValue(prefix + "ws-fallback-poll-interval-ms",
            ChainConfig.DEFAULT_WS_FALLBACK_POLL_INTERVAL.toMillis())),
        s.integer(prefix + "rpc-max-batch", ChainConfig.DEFAULT_RPC_MAX_BATCH));
  }

  public Optional<ChainConfig> chain(long chainId) {
    return Optional.ofNullable(chains.get(chainId));
  }

  public Collection<ChainConfig> all() {
    return chains.values();
  }

  /** A copy with one chain replaced (development mode fills in the local anvil's URL and token). */
  ChainRegistry with(ChainConfig chain) {
    Map<Long, ChainConfig> copy = new LinkedHashMap<>(chains);
    copy.put(chain.chainId(), chain);
    return new ChainRegistry(copy.values(), finality);
  }
}
