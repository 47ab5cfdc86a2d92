package io.tollgate.chain;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Tokens Tollgate knows on public chains, so configuration only names the symbols a deployment
 * accepts. Addresses from the issuers' published deployments (see verification-rules.md); all 6 decimals.
 */
public final class KnownTokens {
  private KnownTokens() {}

  public static Map<String, TokenConfig> on(long chainId) {
    Map<String, TokenConfig> tokens = new LinkedHashMap<>();
    switch ((int) chainId) {
      case 1 -> usdc(tokens, "0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48");
      case 10 -> {
        usdc(tokens, "0x0b2c639c533813f4aa9d7837caf62653d097ff85");
        tokens.put("USDT0", stable("USDT0", "0x01bff41798a0bcf287b996046ca68b395dbc1071"));
      }
      case 137 -> usdc(tokens, "0x3c499c542cef5e3811e1192ce70d8cc03d5c3359");
      case 8453 -> usdc(tokens, "0x833589fcd6edb6e08f4c7c32d4f71b54bda02913");
      case 42161 -> {
        usdc(tokens, "0xaf88d065e77c8cc2239327c5edb3a432268e5831");
        tokens.put("USDT0", stable("USDT0", "0xfd086bc7cd5c481dcc9c85ebe478a1c0b69fcbb9"));
      }
      default -> { }
    }
    if (chainId == 1 || chainId == 10 || chainId == 8453 || chainId == 42161) {
      tokens.put("ETH", native18("ETH"));
    }
    return tokens;
  }

  public static TokenConfig native18(String symbol) {
    return new TokenConfig(symbol, AssetKind.NATIVE, null, 18, false);
  }

  private static void usdc(Map<String, TokenConfig> tokens, String address) {
    tokens.put("USDC", stable("USDC", address));
  }

  private static TokenConfig stable(String symbol, String address) {
    return new TokenConfig(symbol, AssetKind.ERC20, address, 6, true);
  }
}
