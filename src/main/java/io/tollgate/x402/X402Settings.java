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
 */
public record X402Settings(boolean open, Duration settleWait, Duration settlePoll) {
  public static X402Settings fromSettings(Settings s) {
    String auth = s.string("x402.auth", "api-key");
    if (!auth.equals("api-key") && !auth.equals("open")) {
      throw new IllegalArgumentException("x402.auth must be 'api-key' or 'open', not '" + auth + "'");
    }
    return new X402Settings(auth.equals("open"), Duration.ofMillis(s.longValue("x402.settle-wait-ms", 20_000)),
        Duration.ofMillis(s.longValue("x402.settle-poll-ms", 100)));
  }
}
