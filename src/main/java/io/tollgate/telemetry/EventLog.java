package io.tollgate.telemetry;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import net.logstash.logback.argument.StructuredArguments;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The business-event log: one line per thing that happened to money or to a shop's integration,
 * worded in one place (the habit of teku's {@code STATUS_LOG}). Every line is a short fixed message
 * followed by {@code key=value} pairs (fields of their own in JSON output), so an on-call engineer
 * can search by {@code checkoutId}, {@code paymentId}, {@code eventId} or {@code endpointId} across
 * instances; the id of the HTTP request that caused it, if any, is added by the log format
 * ({@link RequestIds}). Pairs whose value is null are left out.
 *
 * <p>Never pass a secret, a signature, an API key or a URL here: the values are logged as they
 * are. Ids, statuses, reasons and chain facts (hashes, block numbers) only. A capability that adds
 * events (relays, refunds) adds a method here, so wording and field names stay uniform.
 */
public final class EventLog {
  /** The logger's name: its level follows {@code TOLLGATE_LOG_LEVEL} like every logger of ours. */
  public static final String LOGGER = "io.tollgate.events";
  public static final EventLog EVENTS = new EventLog(LoggerFactory.getLogger(LOGGER));

  private final Logger log;

  EventLog(Logger log) {
    this.log = log;
  }

  // --- checkouts and payments ---

  public void checkoutCreated(UUID checkoutId, String actor) {
    line(Level.INFO, "checkout created", "checkoutId", checkoutId, "actor", actor);
  }

  public void checkoutPaid(UUID checkoutId, Long paymentId, String actor, Long blockNumber, Double delaySeconds) {
    line(Level.INFO, "checkout paid", "checkoutId", checkoutId, "paymentId", paymentId, "actor", actor,
        "blockNumber", blockNumber, "confirmationDelaySeconds", delaySeconds);
  }

  public void checkoutFailed(UUID checkoutId, Long paymentId, String reason) {
    line(Level.INFO, "checkout failed", "checkoutId", checkoutId, "paymentId", paymentId, "reason", reason);
  }

  public void checkoutExpired(UUID checkoutId, Long paymentId, String reason) {
    line(Level.INFO, "checkout expired", "checkoutId", checkoutId, "paymentId", paymentId, "reason", reason);
  }

  /** Money arrived after the checkout's window: recorded and sent to the shop; someone may have to refund it. */
  public void checkoutPaidLate(UUID checkoutId, Long paymentId, Long blockNumber) {
    line(Level.WARN, "checkout paid late", "checkoutId", checkoutId, "paymentId", paymentId, "blockNumber", blockNumber);
  }

  /** Any other status change (a processor's refund or dispute, say). */
  public void checkoutChanged(UUID checkoutId, Long paymentId, String from, String to, String reason, String actor) {
    line(Level.INFO, "checkout changed", "checkoutId", checkoutId, "paymentId", paymentId, "from", from, "to", to,
        "reason", reason, "actor", actor);
  }

  /**
   * A checkout that ended {@code underpaid}, {@code canceled} or {@code reversed} (its payment's block
   * was orphaned), logged as "checkout underpaid" and so on; a reversal is a warning, since the
   * shop has to cancel the ticket.
   */
  public void checkoutEnded(String status, UUID checkoutId, Long paymentId, String reason, String actor) {
    line("reversed".equals(status) ? Level.WARN : Level.INFO, "checkout " + status, "checkoutId", checkoutId,
        "paymentId", paymentId, "reason", reason, "actor", actor);
  }

  /**
   * A refund's step ({@code refund_created}, {@code refund_transfer_posted}, {@code refund_succeeded},
   * {@code refund_failed}, {@code refund_canceled}), logged as "refund created" and so on; a failed
   * one is a warning, as the shop has to send a correct transfer or cancel.
   */
  public void refund(String step, UUID checkoutId, Object refundId, Object amount, String reason, String actor) {
    line("refund_failed".equals(step) ? Level.WARN : Level.INFO, step.replace('_', ' '), "checkoutId", checkoutId,
        "refundId", refundId, "amount", amount, "reason", reason, "actor", actor);
  }

  public void paymentClaimed(UUID checkoutId, Long paymentId, Object chainId, Object token, Object txHash) {
    line(Level.INFO, "payment claimed", "checkoutId", checkoutId, "paymentId", paymentId, "chainId", chainId,
        "token", token, "txHash", txHash);
  }

  public void paymentRejected(UUID checkoutId, Long paymentId, String reason) {
    line(Level.INFO, "payment rejected", "checkoutId", checkoutId, "paymentId", paymentId, "reason", reason);
  }

  public void payerBound(UUID checkoutId, String actor) {
    line(Level.INFO, "payer bound", "checkoutId", checkoutId, "actor", actor);
  }

  // --- webhooks to shops ---

  public void webhookDelivered(String eventId, UUID endpointId, int attempt, Integer statusCode, long latencyMs) {
    line(Level.INFO, "webhook delivered", "eventId", eventId, "endpointId", endpointId, "attempt", attempt,
        "statusCode", statusCode, "latencyMs", latencyMs);
  }

  /** One failed attempt; {@code nextAttemptAt} null when none is left (the delivery failed for good: WARN). */
  public void webhookFailed(String eventId, UUID endpointId, int attempt, Integer statusCode, String error,
      Object nextAttemptAt) {
    line(nextAttemptAt == null ? Level.WARN : Level.INFO,
        nextAttemptAt == null ? "webhook failed, no attempt left" : "webhook failed",
        "eventId", eventId, "endpointId", endpointId, "attempt", attempt, "statusCode", statusCode,
        "error", withoutUrlPaths(error),
        "nextAttemptAt", nextAttemptAt);
  }

  public void webhookEndpointDisabled(UUID endpointId, String reason) {
    line(Level.WARN, "webhook endpoint disabled", "endpointId", endpointId, "reason", reason);
  }

  // --- webhooks from other processors ---

  public void inboundStored(String variant, String eventId, long id, String kind) {
    line(Level.INFO, "inbound event stored", "variant", variant, "eventId", eventId, "inboundId", id, "kind", kind);
  }

  /** Processed, ignored or unmatched (kept for review: WARN). */
  public void inboundProcessed(String variant, String eventId, long id, String status) {
    line("unmatched".equals(status) ? Level.WARN : Level.INFO, "inbound event " + status, "variant", variant,
        "eventId", eventId, "inboundId", id);
  }

  public void inboundRefused(String variant, String code) {
    line(Level.INFO, "inbound event refused", "variant", variant, "code", code);
  }

  /** The handler failed: the event is kept as {@code failed} for a retry; the stack trace goes with it. */
  public void inboundFailed(long id, Throwable cause) {
    if (log.isErrorEnabled()) {
      log.error("inbound event failed, kept for retry {}", StructuredArguments.kv("inboundId", id), cause);
    }
  }

  // --- gasless relays and x402 settlements ---

  /**
   * A relay's transaction broadcast for the first time ({@code bumps} 0: "relay sent") or replaced
   * with higher fees ("relay bumped"). {@code purpose} names what it pays ({@code checkout:<id>},
   * {@code x402:<settlement id>}), so the line leads to the checkout or settlement.
   */
  public void relaySent(UUID relayId, String purpose, long chainId, String txHash, int bumps) {
    line(Level.INFO, bumps == 0 ? "relay sent" : "relay bumped", "relayId", relayId, "purpose", purpose,
        "chainId", chainId, "txHash", txHash, "bumps", bumps == 0 ? null : bumps);
  }

  public void relayMined(UUID relayId, String purpose, long chainId, String txHash) {
    line(Level.INFO, "relay mined", "relayId", relayId, "purpose", purpose, "chainId", chainId, "txHash", txHash);
  }

  /** Given up ({@code reason}: expired, reverted, dropped, authorization_used_elsewhere): WARN, a buyer or client is told. */
  public void relayFailed(UUID relayId, String purpose, long chainId, String reason, int hashesSent) {
    line(Level.WARN, "relay failed", "relayId", relayId, "purpose", purpose, "chainId", chainId, "reason", reason,
        "hashesSent", hashesSent);
  }

  /** An x402 settlement's recorded outcome ({@code settled}, or {@code failed} with the reference's reason). */
  public void x402Settlement(String state, UUID settlementId, UUID merchantId, String network, String txHash,
      String reason) {
    line("failed".equals(state) ? Level.WARN : Level.INFO, "x402 settlement " + state, "settlementId", settlementId,
        "merchantId", merchantId, "network", network, "txHash", txHash, "reason", reason);
  }

  // --- the process ---

  public void stopped(long millis) {
    line(Level.INFO, "Tollgate stopped", "tookMs", millis);
  }

  private static final java.util.regex.Pattern URL = java.util.regex.Pattern.compile("\\b([a-z][a-z0-9+.-]*://[^/\\s?#]+)[^\\s]*");

  /** An error text with each URL cut to its scheme and host: paths and queries may carry tokens. */
  static String withoutUrlPaths(String text) {
    return text == null ? null : URL.matcher(text).replaceAll("$1/…");
  }

  /** Logs {@code message} with the {@code key, value} pairs whose value is not null. */
  private void line(Level level, String message, Object... pairs) {
    if (!log.isEnabledForLevel(level)) return;
    List<Object> present = new ArrayList<>(pairs.length / 2);
    StringBuilder text = new StringBuilder(message);
    for (int i = 0; i + 1 < pairs.length; i += 2) {
      if (pairs[i + 1] == null) continue;
      present.add(StructuredArguments.kv((String) pairs[i], pairs[i + 1]));
      text.append(" {}");
    }
    Object[] arguments = present.toArray();
    switch (level) {
      case ERROR -> log.error(text.toString(), arguments);
      case WARN -> log.warn(text.toString(), arguments);
      default -> log.info(text.toString(), arguments);
    }
  }
}
