package io.tollgate.checkout;

import static io.tollgate.telemetry.EventLog.EVENTS;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Consumer;

/**
 * What each committed transition tells operators (fed by {@link CommittedTransitions}): one
 * business-event log line, and the counters {@code tollgate_checkouts_total{outcome, reason}}
 * (created, paid, failed, expired, paid_late, and processors' own outcomes),
 * {@code tollgate_payments_claimed_total}, {@code tollgate_payments_rejected_total{reason}} and the
 * histogram {@code tollgate_payment_confirmation_delay_seconds}: from the paying block's timestamp
 * to the commit that makes {@code paid} visible to polls (the watcher's round, the confirmations
 * wait, the write). Label values are statuses and reason codes, never ids. Refund steps get their
 * own lines ("refund created", "refund succeeded", ...), and so do underpaid, canceled and reversed
 * checkouts ("checkout underpaid", ...).
 */
public final class CheckoutOutcomes implements Consumer<CheckoutTransition> {
  private static final Set<String> QUIET = Set.of("mined", "reorged");
  /** Ends with their own line: the shop has something to do (take the rest, release or cancel a ticket). */
  private static final Set<String> ENDED = Set.of("underpaid", "canceled", "reversed");
  private static final Duration[] DELAY_BUCKETS = {Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3),
      Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(15), Duration.ofSeconds(30), Duration.ofSeconds(60),
      Duration.ofMinutes(2), Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(30)};

  private final MeterRegistry registry;
  private final Clock clock;
  private final Timer confirmationDelay;
  private final Counter claimed;
  private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();

  public CheckoutOutcomes(MeterRegistry registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
    this.confirmationDelay = Timer.builder("tollgate.payment.confirmation.delay")
        .description("from the paying block's timestamp to paid visible (committed), per paid checkout")
        .serviceLevelObjectives(DELAY_BUCKETS).register(registry);
    this.claimed = Counter.builder("tollgate.payments.claimed")
        .description("transactions claimed for checkouts (submitted hashes accepted for judging)").register(registry);
  }

  @Override
  public void accept(CheckoutTransition t) {
    String to = t.toStatus();
    JsonObject details = t.details() == null ? new JsonObject() : t.details();
    if (t.fromStatus() == null && "open".equals(to)) {
      EVENTS.checkoutCreated(t.checkoutId(), t.actor());
      outcome("created", null);
    } else if ("paid".equals(to)) {
      Double delay = delaySince(details.getString("blockTime"));
      EVENTS.checkoutPaid(t.checkoutId(), t.paymentId(), t.actor(), details.getLong("blockNumber"), delay);
      outcome("paid", null);
    } else if ("failed".equals(to)) {
      EVENTS.checkoutFailed(t.checkoutId(), t.paymentId(), t.reason());
      outcome("failed", t.reason());
      if (t.paymentId() != null) rejected(t.reason());
    } else if ("expired".equals(to) && t.paymentId() == null) {
      EVENTS.checkoutExpired(t.checkoutId(), null, t.reason());
      outcome("expired", t.reason());
    } else if ("expired".equals(to) && details.containsKey("txHash")) {
      claimed(t, details); // a claim after expiry, kept as a possible late payment
    } else if ("expired".equals(to)) {
      EVENTS.checkoutExpired(t.checkoutId(), t.paymentId(), t.reason());
      outcome("expired", t.reason());
      rejected(t.reason());
    } else if ("paid_late".equals(to)) {
      EVENTS.checkoutPaidLate(t.checkoutId(), t.paymentId(), details.getLong("blockNumber"));
      outcome("paid_late", null);
    } else if ("payment_rejected".equals(to)) {
      EVENTS.paymentRejected(t.checkoutId(), t.paymentId(), t.reason());
      rejected(t.reason());
    } else if ("pending".equals(to) && details.containsKey("txHash") || "duplicate_claimed".equals(to)) {
      claimed(t, details); // duplicate_claimed: a hash for a paid checkout, kept as a possible duplicate payment
    } else if ("duplicate_payment".equals(to)) {
      // money for a settled checkout: kept and refundable, not an outcome of the checkout
      EVENTS.checkoutChanged(t.checkoutId(), t.paymentId(), t.fromStatus(), to, t.reason(), t.actor());
    } else if ("payer_bound".equals(to)) {
      EVENTS.payerBound(t.checkoutId(), t.actor());
    } else if (ENDED.contains(to) && !to.equals(t.fromStatus())) {
      EVENTS.checkoutEnded(to, t.checkoutId(), t.paymentId(), t.reason(), t.actor());
      outcome(to, t.reason());
    } else if (to.startsWith("refund_")) {
      JsonObject refund = details.getJsonObject("refund", new JsonObject());
      EVENTS.refund(to, t.checkoutId(), refund.getValue("id", details.getValue("refundId")), refund.getValue("amount"),
          t.reason(), t.actor());
      outcome(to, t.reason());
    } else if (!QUIET.contains(t.reason())) {
      EVENTS.checkoutChanged(t.checkoutId(), t.paymentId(), t.fromStatus(), to, t.reason(), t.actor());
      if (!to.equals(t.fromStatus())) outcome(to, t.reason());
    }
  }

  private void claimed(CheckoutTransition t, JsonObject details) {
    EVENTS.paymentClaimed(t.checkoutId(), t.paymentId(), details.getValue("chainId"), details.getValue("token"),
        details.getValue("txHash"));
    claimed.increment();
  }

  /** Seconds from the block's time to now, recorded in the histogram; null without a block time. */
  private Double delaySince(String blockTime) {
    if (blockTime == null) return null;
    try {
      Duration delay = Duration.between(Instant.parse(blockTime), clock.instant());
      if (delay.isNegative()) delay = Duration.ZERO; // a block stamped a little ahead of our clock
      confirmationDelay.record(delay);
      return delay.toMillis() / 1000.0;
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private void outcome(String outcome, String reason) {
    String r = reason == null ? "none" : reason;
    counters.computeIfAbsent("checkouts|" + outcome + "|" + r, key -> Counter.builder("tollgate.checkouts")
        .description("checkouts by outcome (created, paid, failed, expired, paid_late, ...) and reason")
        .tag("outcome", outcome).tag("reason", r).register(registry)).increment();
  }

  private void rejected(String reason) {
    String r = reason == null ? "none" : reason;
    counters.computeIfAbsent("rejected|" + r, key -> Counter.builder("tollgate.payments.rejected")
        .description("payment claims rejected, by reason").tag("reason", r).register(registry)).increment();
  }
}
