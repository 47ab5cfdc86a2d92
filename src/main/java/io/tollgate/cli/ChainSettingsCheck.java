package io.tollgate.cli;

import io.tollgate.chain.ChainRegistry;
import io.tollgate.chain.KnownTokens;
import io.tollgate.config.Settings;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The chains part of {@link ServeSettingsCheck}: at least one chain, each with RPC URLs and tokens
 * that {@link ChainRegistry} accepts. Tokens are checked one by one first, so that every bad one is
 * reported, not only the first the registry would throw on.
 */
final class ChainSettingsCheck {
  private ChainSettingsCheck() {}

  static void problems(Settings settings, List<String> problems) {
    List<String> ids = settings.list("chains");
    if (ids.isEmpty()) {
      problems.add(ServeSettingsCheck.notSet("chains", "the chain ids to watch, comma-separated (e.g. 8453),"
          + " each with chain.<id>.rpc-urls and chain.<id>.tokens"));
      return;
    }
    for (String id : ids) {
      if (!id.matches("[1-9][0-9]{0,17}")) {
        problems.add("chains: '" + id + "' is not a chain id (a positive decimal number)");
        continue;
      }
      chain(settings, id, problems);
    }
  }

  private static void chain(Settings settings, String id, List<String> problems) {
    String prefix = "chain." + id + ".";
    int before = problems.size();
    List<String> urls = settings.list(prefix + "rpc-urls");
    if (urls.isEmpty()) {
      problems.add(ServeSettingsCheck.notSet(prefix + "rpc-urls", "the chain's JSON-RPC endpoints (http or https), comma-separated"));
    }
    for (int i = 0; i < urls.size(); i++) {
      // Not quoted: a provider URL often holds an API key.
      if (!isHttpUrl(urls.get(i))) problems.add(prefix + "rpc-urls: entry " + (i + 1) + " is not an http:// or https:// URL");
    }
    List<String> tokens = settings.list(prefix + "tokens");
    if (tokens.isEmpty()) {
      problems.add(ServeSettingsCheck.notSet(prefix + "tokens", "the token symbols accepted on chain " + id + ", e.g. USDC,ETH"));
    }
    for (String symbol : tokens) token(settings, id, symbol, problems);
    if (problems.size() > before) return;
    // Everything else the registry reads (ws-url, numbers): its first complaint is the only one left.
    try {
      ChainRegistry.fromSettings(settings.with(Map.of("chains", id)));
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage()); // each names its key or its chain
    }
  }

  /** As ChainRegistry reads a token (its numbers are left to the whole-chain pass), but for one token alone. */
  private static void token(Settings settings, String id, String symbol, List<String> problems) {
    String prefix = "chain." + id + ".token." + symbol + ".";
    String address = settings.optional(prefix + "address");
    if (address != null) {
      if (!address.matches("0x[0-9a-fA-F]{40}")) problems.add(prefix + "address is not a 0x address of 40 hex digits");
    } else if (!settings.bool(prefix + "native", false) && !KnownTokens.on(Long.parseLong(id)).containsKey(symbol)) {
      problems.add("chain " + id + ": token " + symbol + " is not known on this chain; set " + prefix + "address or "
          + prefix + "native=true");
    }
  }

  private static boolean isHttpUrl(String url) {
    try {
      URI uri = URI.create(url);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
