package io.tollgate.relay;

import io.tollgate.chain.EthRpc;
import io.vertx.core.Future;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One chain's relayer funds as this instance last read them (balance and fee quote), reused for
 * {@code capacityCacheTtl}: refusing an order or answering readiness costs a chain call only when
 * the reading is stale. The relay leader refreshes it every round. Thread-safe.
 */
final class RelayCapacityView {
  private record Reading(BigInteger balance, Fees quote, Instant at) {}

  private final RelayerSettings.Chain chain;
  private final EthRpc rpc;
  private final Clock clock;
  private final Duration ttl;
  private final AtomicReference<Reading> last = new AtomicReference<>();

  RelayCapacityView(RelayerSettings.Chain chain, EthRpc rpc, Clock clock, Duration ttl) {
    this.chain = chain;
    this.rpc = rpc;
    this.clock = clock;
    this.ttl = ttl;
  }

  void observe(BigInteger balance, Fees quote) {
    last.set(new Reading(balance, quote, clock.instant()));
  }

  /** The balance and fee quote if read within the cache's time (as a reading without block or nonces), else null. */
  ChainReading fresh() {
    Reading reading = last.get();
    return reading != null && reading.at.plus(ttl).isAfter(clock.instant())
        ? new ChainReading(-1, null, -1, -1, reading.quote, reading.balance, false) : null;
  }

  /** The capacity with {@code inFlight} relays already spoken for. */
  Future<RelayCapacity> capacity(long inFlight) {
    Reading reading = last.get();
    if (reading != null && reading.at.plus(ttl).isAfter(clock.instant())) return Future.succeededFuture(of(reading, inFlight));
    return ChainReading.readFunds(rpc, chain.address()).map(r -> {
      observe(r.balance(), r.quote());
      return of(last.get(), inFlight);
    });
  }

  /** Last known balance in wei, or -1 before the first reading (for the gauge). */
  double balanceWei() {
    Reading reading = last.get();
    return reading == null ? -1 : reading.balance.doubleValue();
  }

  /** Relays the last known balance pays for, in flight not counted, or -1 before the first reading. */
  double relaysPaid() {
    Reading reading = last.get();
    return reading == null ? -1 : relays(reading).doubleValue();
  }

  private RelayCapacity of(Reading reading, long inFlight) {
    BigInteger paid = relays(reading);
    long left = Math.max(0, paid.subtract(BigInteger.valueOf(inFlight)).min(BigInteger.valueOf(Long.MAX_VALUE)).longValue());
    return new RelayCapacity(chain.chainId(), Optional.of(chain.address()), reading.balance, cost(reading), inFlight, left,
        chain.warnBelowRelays());
  }

  private BigInteger relays(Reading reading) {
    BigInteger cost = cost(reading);
    return cost.signum() == 0 ? BigInteger.valueOf(Long.MAX_VALUE) : reading.balance.divide(cost);
  }

  private BigInteger cost(Reading reading) {
    return reading.quote.cost(chain.gasPerRelay());
  }
}
