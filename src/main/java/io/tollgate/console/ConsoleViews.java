package io.tollgate.console;

import io.micrometer.core.instrument.MeterRegistry;
import io.tollgate.relay.Relayer;
import io.vertx.sqlclient.Pool;
import java.time.Clock;

/** The console's reads, built once by the composition root and shared by every HTTP verticle (thread-safe). */
public record ConsoleViews(CheckoutOwners owners, AuditTrail audit, DropFigures drop, RelayerView relayers) {

  public static ConsoleViews create(Pool pool, MeterRegistry meters, Relayer relayer, Clock clock) {
    return new ConsoleViews(new CheckoutOwners(pool), new AuditTrail(pool), new DropFigures(pool, meters, clock),
        new RelayerView(relayer, clock));
  }
}
