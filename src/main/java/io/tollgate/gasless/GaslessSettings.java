package io.tollgate.gasless;

import io.tollgate.config.Settings;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Tuning of gasless payments.
 *
 * @param relayMargin an authorization must stay valid at least this long after it arrives, so the
 *     relayer can still get it mined (and bump its fee once or twice)
 * @param validAfterSkew offered typed data starts this long in the past: a token refuses an
 *     authorization until a block's timestamp is past {@code validAfter}, and clocks differ
 * @param erc6492Factories the only factories through which a counterfactual (ERC-6492) wallet may
 *     be deployed for a payment (lowercase); empty refuses every undeployed wallet
 * @param reservationLease how long a reservation may wait for the relayer's answer before the
 *     reconciler asks the relayer itself
 * @param reconcileInterval how often unsettled authorizations are compared with the relayer's tickets
 * @param reconcileQuiet only authorizations unchanged this long are reconciled (events do the rest)
 */
public record GaslessSettings(Duration relayMargin, Duration validAfterSkew, Set<String> erc6492Factories,
    Duration reservationLease, Duration reconcileInterval, Duration reconcileQuiet, int maxSignatureBytes) {

  public static GaslessSettings fromSettings(Settings s) {
    return new GaslessSettings(
        Duration.ofSeconds(s.longValue("gasless.relay-margin-seconds", 30)),
        Duration.ofSeconds(s.longValue("gasless.valid-after-skew-seconds", 60)),
        s.list("gasless.erc6492-factories").stream().map(f -> f.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet()),
        Duration.ofSeconds(s.longValue("gasless.reservation-lease-seconds", 60)),
        Duration.ofMillis(s.longValue("gasless.reconcile-interval-ms", 5000)),
        Duration.ofSeconds(s.longValue("gasless.reconcile-quiet-seconds", 15)),
        16 * 1024);
  }
}
