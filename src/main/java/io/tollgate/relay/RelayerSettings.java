package io.tollgate.relay;

import io.tollgate.config.Settings;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.web3j.crypto.Credentials;

/**
 * The relayer's settings: one sending key per chain ({@code chain.<id>.relayer.private-key}, best
 * given as {@code TOLLGATE_CHAIN_<ID>_RELAYER_PRIVATE_KEY}) with its timings, and the shared ones.
 * A chain without a key has no gasless payments; everything else works.
 *
 * @param chains per chain with a key
 * @param tick how often the relay leader works through its queue
 * @param capacityCacheTtl how long a chain's balance and fee reading is reused for refusals and readiness
 * @param operatorWebhookUrl where a low-balance warning is POSTed as JSON, if set
 */
public record RelayerSettings(Map<Long, Chain> chains, Duration tick, Duration capacityCacheTtl, Optional<String> operatorWebhookUrl) {

  /**
   * One chain's relayer.
   *
   * @param bumpAfter how long a sent transaction may stay unmined before its fees are bumped (and
   *     how often a sent transaction's presence at the node is checked)
   * @param maxBumps fee bumps per relay (×1.5 each)
   * @param gasPerRelay gas one relay is assumed to use when counting how many the balance pays for
   * @param warnBelowRelays the operator is warned when the balance pays for fewer relays than this
   * @param validBeforeMargin nothing is sent or bumped later than this before the authorization's validBefore
   */
  public record Chain(long chainId, Credentials key, Duration bumpAfter, int maxBumps, long gasPerRelay,
      long warnBelowRelays, Duration validBeforeMargin) {

    /** The relayer's address, lowercase. */
    public String address() {
      return key.getAddress().toLowerCase(java.util.Locale.ROOT);
    }

    /** Never the key. */
    @Override
    public String toString() {
      return "RelayerSettings.Chain[chainId=" + chainId + ", relayer=" + address() + ", bumpAfter=" + bumpAfter
          + ", maxBumps=" + maxBumps + ", gasPerRelay=" + gasPerRelay + ", warnBelowRelays=" + warnBelowRelays + "]";
    }
  }

  public RelayerSettings {
    chains = Map.copyOf(chains);
  }

  /** The settings, or {@link IllegalArgumentException} naming the first bad one (keys are never quoted). */
  public static RelayerSettings fromSettings(Settings s) {
    List<String> problems = new ArrayList<>();
    RelayerSettings settings = read(s, problems);
    if (!problems.isEmpty()) throw new IllegalArgumentException(problems.get(0));
    return settings;
  }

  /** Every problem of the relayer settings, for {@code serve}'s check. */
  public static void problems(Settings s, List<String> problems) {
    read(s, problems);
  }

  private static RelayerSettings read(Settings s, List<String> problems) {
    Map<Long, Chain> chains = new LinkedHashMap<>();
    for (String id : s.list("chains")) {
      String prefix = "chain." + id + ".relayer.";
      String key = s.optional(prefix + "private-key");
      if (key == null || key.isBlank()) continue;
      if (!key.matches("(0x)?[0-9a-fA-F]{64}") || new BigInteger(key.replaceFirst("^0x", ""), 16).signum() == 0) {
        problems.add(prefix + "private-key is not 32 bytes of hex (0x + 64 hex digits)");
        continue;
      }
      try {
        long chainId = Long.parseLong(id);
        chains.put(chainId, new Chain(chainId, Credentials.create(key),
            positive(s.millis(prefix + "bump-after-ms", 30_000), prefix + "bump-after-ms"),
            s.integer(prefix + "max-bumps", 3), s.longValue(prefix + "gas-per-relay", 100_000),
            s.longValue(prefix + "warn-below-relays", 50),
            Duration.ofSeconds(s.longValue(prefix + "valid-before-margin-seconds", 3))));
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
      }
    }
    String webhook = s.optional("relayer.operator-webhook-url");
    if (webhook != null && !webhook.isBlank() && !webhook.matches("https?://.+")) {
      problems.add("relayer.operator-webhook-url is not an http:// or https:// URL");
    }
    return new RelayerSettings(chains, s.millis("relayer.tick-ms", 500), s.millis("relayer.capacity-cache-ms", 5000),
        Optional.ofNullable(webhook == null || webhook.isBlank() ? null : webhook));
  }

  private static Duration positive(Duration d, String key) {
    if (d.isNegative() || d.isZero()) throw new IllegalArgumentException(key + " must be positive");
    return d;
  }

  public Optional<Chain> chain(long chainId) {
    return Optional.ofNullable(chains.get(chainId));
  }
}
