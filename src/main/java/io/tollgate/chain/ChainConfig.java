package io.tollgate.chain;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One configured chain: where to reach it, how many confirmations make a payment final, how the
 * watcher learns of new blocks, and the tokens it can be paid in (by symbol).
 *
 * @param pollInterval how often the watcher asks {@code eth_blockNumber} while it has no live
 *     new-heads subscription
 * @param wsUrl JSON-RPC over WebSocket ({@code ws://} or {@code wss://}) for an {@code eth_subscribe
 *     newHeads} subscription that tells the watcher of every block as it arrives; null = heads are
 *     learnt by polling only
 * @param wsFallbackPollInterval how often the watcher still asks for the head while the
 *     subscription is live (a safety net for a subscription that stalls without closing, and for a
 *     socket that dies silently before the keep-alive notices); never shorter than
 *     {@code pollInterval}
 * @param rpcMaxBatch most JSON-RPC calls per HTTP request to this chain's endpoints: a watcher
 *     round's batch is sent as several requests, side by side, when it holds more (a provider that
 *     caps its batches refuses a larger one whole, which would leave the chain unwatched)
 */
public record ChainConfig(
    long chainId,
    String name,
    List<String> rpcUrls,
    int confirmations,
    Duration pollInterval,
    Map<String, TokenConfig> tokens,
    String wsUrl,
    Duration wsFallbackPollInterval,
    int rpcMaxBatch) {

  /** How often the head is still polled while heads arrive by subscription, unless configured. */
  public static final Duration DEFAULT_WS_FALLBACK_POLL_INTERVAL = Duration.ofSeconds(5);

  /** Calls per JSON-RPC batch request, unless configured. */
  public static final int DEFAULT_RPC_MAX_BATCH = 100;

  public ChainConfig {
    Objects.requireNonNull(pollInterval, "pollInterval");
    Objects.requireNonNull(wsFallbackPollInterval, "wsFallbackPollInterval");
    if (rpcMaxBatch < 1) throw new IllegalArgumentException("chain " + chainId + ": rpc-max-batch must be at least 1, got " + rpcMaxBatch);
    if (wsUrl != null) {
      String scheme = scheme(wsUrl);
      if (!scheme.equals("ws") && !scheme.equals("wss")) {
        // The URL is not quoted: a provider URL often holds an API key.
        throw new IllegalArgumentException("chain " + chainId + ": ws-url must be a ws:// or wss:// URL");
      }
    }
    // A fallback faster than the normal poll would make a live subscription cost more calls, not fewer.
    if (wsFallbackPollInterval.compareTo(pollInterval) < 0) wsFallbackPollInterval = pollInterval;
  }

  /** A chain whose heads are learnt by polling only. */
  public ChainConfig(long chainId, String name, List<String> rpcUrls, int confirmations, Duration pollInterval,
      Map<String, TokenConfig> tokens) {
    this(chainId, name, rpcUrls, confirmations, pollInterval, tokens, null, DEFAULT_WS_FALLBACK_POLL_INTERVAL,
        DEFAULT_RPC_MAX_BATCH);
  }

  public Optional<TokenConfig> token(String symbol) {
    return Optional.ofNullable(tokens.get(symbol));
  }

  /** The new-heads WebSocket URL, if one is configured. */
  public Optional<String> newHeadsUrl() {
    return Optional.ofNullable(wsUrl);
  }

  /** Without the URLs' paths and queries, which often hold provider API keys. */
  @Override
  public String toString() {
    return "ChainConfig[chainId=" + chainId + ", name=" + name + ", rpcUrls="
        + rpcUrls.stream().map(JsonRpcClient::redact).toList() + ", confirmations=" + confirmations
        + ", pollInterval=" + pollInterval + ", tokens=" + tokens.keySet()
        + ", wsUrl=" + (wsUrl == null ? null : JsonRpcClient.redact(wsUrl))
        + ", wsFallbackPollInterval=" + wsFallbackPollInterval + ", rpcMaxBatch=" + rpcMaxBatch + "]";
  }

  private static String scheme(String url) {
    try {
      String scheme = URI.create(url).getScheme();
      return scheme == null ? "" : scheme.toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      return "";
    }
  }
}
