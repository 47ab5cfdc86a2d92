package io.tollgate.relay;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the operator, before buyers see refusals, that a relayer key runs low: a WARN line, the
 * {@code tollgate.relay.balance.low} counter, and a JSON POST to the operator endpoint when one is
 * configured ({@code relayer.operator-webhook-url}). Once when the key goes low, then at most every
 * {@link #REPEAT} while it stays low; once more when it is topped up (INFO, no POST). Runs on the
 * relay leader only, so a fleet warns once.
 */
final class OperatorAlerts {
  private static final Logger LOG = LoggerFactory.getLogger(OperatorAlerts.class);
  static final Duration REPEAT = Duration.ofMinutes(10);
  private static final DateTimeFormatter RFC3339_MILLIS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneOffset.UTC);

  private final Clock clock;
  /** POSTs one event to the operator endpoint; null when none is configured. */
  private final Function<JsonObject, Future<Void>> operatorEndpoint;
  private final AtomicLong warnings;
  private Instant lastWarning;

  OperatorAlerts(Clock clock, Function<JsonObject, Future<Void>> operatorEndpoint, AtomicLong warnings) {
    this.clock = clock;
    this.warnings = warnings;
    this.operatorEndpoint = operatorEndpoint;
  }

  void check(RelayCapacity capacity) {
    Instant now = clock.instant();
    if (!capacity.low()) {
      if (lastWarning != null) LOG.info("relayer {} on chain {} topped up: {} relays left", capacity.relayer().orElse("-"),
          capacity.chainId(), capacity.relaysLeft());
      lastWarning = null;
      return;
    }
    if (lastWarning != null && now.isBefore(lastWarning.plus(REPEAT))) return;
    lastWarning = now;
    warnings.incrementAndGet();
    LOG.warn("relayer {} on chain {} runs low: balance {} wei pays for {} more relays (warning below {}); top it up or"
        + " gasless payments will be refused with relayer_unavailable", capacity.relayer().orElse("-"), capacity.chainId(),
        capacity.balanceWei(), capacity.relaysLeft(), capacity.warnBelow());
    if (operatorEndpoint == null) return;
    JsonObject event = new JsonObject().put("type", "relayer.balance_low")
        .put("createdAt", RFC3339_MILLIS.format(now))
        .put("data", new JsonObject().put("chainId", capacity.chainId()).put("relayer", capacity.relayer().orElse(null))
            .put("balanceWei", capacity.balanceWei().toString()).put("relaysLeft", capacity.relaysLeft())
            .put("warnBelowRelays", capacity.warnBelow()).put("canPayNextRelay", capacity.canPayNext()));
    operatorEndpoint.apply(event).onFailure(e -> LOG.warn("could not tell the operator endpoint: {}", e.toString()));
  }

  /** Warnings given so far (the counter's value). */
  long warnings() {
    return warnings.get();
  }
}
