package io.tollgate.relay;

import java.math.BigInteger;
import java.util.Optional;

/**
 * What a chain's relayer can pay for now, for readiness details, gauges and the refusal of new
 * orders.
 *
 * @param chainId the chain
 * @param relayer the relayer's address (lowercase), empty when the chain has no relayer key
 * @param balanceWei the relayer's native balance at the latest block (zero without a key)
 * @param costPerRelayWei what one relay may cost at most at current fees (gas limit × max fee)
 * @param inFlight relays accepted and not yet settled (queued or sent, not mined), whose gas is
 *     already spoken for
 * @param relaysLeft how many more relays the balance pays for after those in flight (never negative)
 * @param warnBelow the configured warning threshold, in relays
 */
public record RelayCapacity(long chainId, Optional<String> relayer, BigInteger balanceWei, BigInteger costPerRelayWei,
    long inFlight, long relaysLeft, long warnBelow) {

  /** Whether a new order would be accepted (as far as money goes). */
  public boolean canPayNext() {
    return relayer.isPresent() && relaysLeft >= 1;
  }

  /** Whether the operator should top the key up (below the configured number of relays). */
  public boolean low() {
    return relayer.isPresent() && relaysLeft < warnBelow;
  }
}
