package io.tollgate.gasless;

import io.tollgate.chain.AssetKind;
import io.tollgate.chain.ChainConfig;
import io.tollgate.chain.ChainRegistry;
import io.tollgate.chain.KnownTokens;
import io.tollgate.chain.TokenConfig;
import io.tollgate.config.Settings;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which configured tokens can be paid gaslessly (EIP-3009), with their EIP-712 domains. USDC and
 * USDT0 at their issuers' addresses have known domains ({@code USD Coin}/{@code 2},
 * {@code USD₮0}/{@code 1}); any other token is gasless only when its domain is configured:
 * {@code chain.<id>.token.<SYMBOL>.eip712-name} and {@code .eip712-version} (default {@code 1}).
 */
public final class GaslessTokens {
  /** U+20AE TUGRIK SIGN, as USDT0 spells its own name. */
  static final String USDT0_NAME = "USD\u20AE0";

  private final Map<Long, Map<String, TokenDomain>> domains;

  GaslessTokens(Map<Long, Map<String, TokenDomain>> domains) {
    this.domains = Map.copyOf(domains);
  }

  public static GaslessTokens fromSettings(Settings settings, ChainRegistry chains) {
    Map<Long, Map<String, TokenDomain>> all = new HashMap<>();
    for (ChainConfig chain : chains.all()) {
      Map<String, TokenDomain> byToken = new HashMap<>();
      Map<String, TokenConfig> known = KnownTokens.on(chain.chainId());
      chain.tokens().forEach((symbol, token) -> {
        if (token.kind() != AssetKind.ERC20 || token.address() == null) return;
        String prefix = "chain." + chain.chainId() + ".token." + symbol + ".";
        String name = settings.optional(prefix + "eip712-name");
        if (name != null) {
          byToken.put(symbol, new TokenDomain(name, settings.string(prefix + "eip712-version", "1"), chain.chainId(),
              token.address()));
          return;
        }
        knownDomain(known, token).ifPresent(nameAndVersion -> byToken.put(symbol,
            new TokenDomain(nameAndVersion[0], nameAndVersion[1], chain.chainId(), token.address())));
      });
      all.put(chain.chainId(), Map.copyOf(byToken));
    }
    return new GaslessTokens(all);
  }

  /** The issuers' domains, only for a token at the issuer's own address on that chain. */
  private static Optional<String[]> knownDomain(Map<String, TokenConfig> known, TokenConfig token) {
    TokenConfig usdc = known.get("USDC");
    if (usdc != null && usdc.address().equals(token.address())) return Optional.of(new String[] {"USD Coin", "2"});
    TokenConfig usdt0 = known.get("USDT0");
    if (usdt0 != null && usdt0.address().equals(token.address())) return Optional.of(new String[] {USDT0_NAME, "1"});
    return Optional.empty();
  }

  /** The domain of {@code symbol} on {@code chainId}, when it can be paid gaslessly. */
  public Optional<TokenDomain> domain(long chainId, String symbol) {
    Map<String, TokenDomain> byToken = domains.get(chainId);
    return byToken == null ? Optional.empty() : Optional.ofNullable(byToken.get(symbol));
  }
}
