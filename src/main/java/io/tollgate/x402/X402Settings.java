package io.tollgate.x402;

import io.tollgate.config.Settings;
import java.time.Duration;

/**
 * Tuning of the facilitator.
 *
 * @param open {@code x402.auth=open}: calls without an API key are accepted (settlements recorded
 *     without a merchant). For development only: refused at start unless every chain is a test network.
 * @param settleWait how long a {@code /settle} waits for the receipt before it answers
 *     {@code settlement_pending} with the transaction hash (the SDK's client waits 90 s)
 * @param settlePoll how often a waiting settle reads its relay
 * @param factsMaxAge {@code x402.facts-max-age-ms}: the longest verify trusts an authorization's
 *     chain facts kept in memory, and a facts feed that has not confirmed the chain's head; 0 = no
 *     cache (one {@code eth_call} per verify at the latest block)
 */
public record X402Settings(boolean open, Duration settleWait, Duration settlePoll, Duration factsMaxAge) {
  /** 10 s: a few blocks on any chain, well inside an x402 payment's 60 s validity. */
  static final long DEFAULT_FACTS_MAX_AGE_MS = 10_000;

  /**
   * What {@code serve} refuses to start with: an unknown {@code x402.auth}, or open mode while a
   * configured chain is not a test network ({@code isTestnet}: the chain registry's answer).
   */
  public static void problems(Settings s, java.util.function.LongPredicate isTestnet, java.util.List<Long> chainIds,
      java.util.List<String> problems) {
    String auth = s.string("x402.auth", "api-key");
    if (!auth.equals("api-key") && !auth.equals("open")) {
      problems.add("x402.auth must be 'api-key' or 'open' (development only), not '" + auth + "'");
    } else if (auth.equals("open") && chainIds.stream().anyMatch(id -> !isTestnet.test(id))) {
      problems.add("x402.auth=open (calls without an API key) is for development only: every configured chain must be a test network");
    }
    if (s.longValue("x402.facts-max-age-ms", DEFAULT_FACTS_MAX_AGE_MS) < 0) {
      problems.add("x402.facts-max-age-ms must be 0 (no cache) or more");
    }
  }

  public static X402Settings fromSettings(Settings s) {
    String auth = s.string("x402.auth", "api-key");
    if (!auth.equals("api-key") && !auth.equals("open")) {
      throw new IllegalArgumentException("x402.auth must be 'api-key' or 'open', not '" + auth + "'");
    }
    long factsMaxAge = s.longValue("x402.facts-max-age-ms", DEFAULT_FACTS_MAX_AGE_MS);
    if (factsMaxAge < 0) throw new IllegalArgumentException("x402.facts-max-age-ms must be 0 (no cache) or more");
    return new X402Settings(auth.equals("open"), Duration.ofMillis(s.longValue("x402.settle-wait-ms", 20_000)),
        Duration.ofMillis(s.longValue("x402.settle-poll-ms", 100)), Duration.ofMillis(factsMaxAge));
  }
}
