package io.tollgate.checkout;

import io.tollgate.chain.ChainConfig;
import io.tollgate.chain.ChainRegistry;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Objects;

/**
 * Renders what a polling browser sees. The ETag is built from what the body depends on (snapshot
 * version, confirmations shown, whether the expiry has passed), so it changes exactly when the body
 * does and costs no hashing.
 *
 * <p>The body depends on nothing else: a snapshot, the confirmations shown (from the chain head)
 * and the status shown (from the clock). So the poll path renders a cached checkout once per
 * snapshot and per change of those two, keeps the answer with the entry ({@link CachedStatus}) and
 * reuses it, instead of encoding the same JSON for every poll.
 */
public final class StatusView {
  private final ChainRegistry chains;
  private final ChainHeads heads;

  public StatusView(ChainRegistry chains, ChainHeads heads) {
    this.chains = chains;
    this.heads = heads;
  }

  /**
   * One answer. The body buffer is written as it is by any number of responses and must not be
   * changed. {@code sequence} orders a checkout's answers the way {@code etag} tells them apart: it
   * grows whenever the body changes ({@link #sequence}), on every instance alike, so a live stream
   * can number its events with it and a reconnecting client can say which one it saw last.
   * {@code status} is the status shown.
   */
  public record Rendered(String etag, Buffer body, long sequence, String status) {}

  /** A memoised answer and the time-dependent state it was rendered for. */
  record Rendering(int confirmations, String shownStatus, Rendered rendered) {}

  /** The ETag alone, so a 304 costs no JSON encoding. */
  String etag(CheckoutStatus s, long nowMillis) {
    return etag(s, confirmations(s), shownStatus(s, nowMillis));
  }

  private static String etag(CheckoutStatus s, int confirmations, String shown) {
    return "\"" + s.version() + "-" + confirmations + "-" + shown + "\"";
  }

  /**
   * The body's place in its checkout's history, from what the body depends on: the snapshot
   * version (bumped by every write to the checkout or its payments), then the confirmations shown
   * (only rise while the version stands: heads only advance), then whether the expiry has been
   * shown before the sweep wrote it (once). Every instance computes the same number for the same
   * state, so it survives a reconnect to another instance. The first is 1000, never 0.
   */
  static long sequence(CheckoutStatus s, int confirmations, String shown) {
    long shownExpiry = shown.equals(s.status()) ? 0 : 1;
    return (s.version() + 1L) * 1_000L + Math.min(confirmations, 499) * 2L + shownExpiry;
  }

  public Rendered render(CheckoutStatus s, long nowMillis) {
    return render(s, confirmations(s), shownStatus(s, nowMillis));
  }

  /**
   * The answer for a cached checkout: the one rendered last for this entry while the confirmations
   * and the status shown are unchanged, else a fresh one (remembered for the next poll).
   */
  public Rendered render(CachedStatus entry, long nowMillis) {
    CheckoutStatus s = entry.snapshot();
    int confirmations = confirmations(s);
    String shown = shownStatus(s, nowMillis);
    Rendering last = entry.rendering;
    if (last != null && last.confirmations() == confirmations && Objects.equals(last.shownStatus(), shown)) return last.rendered();
    Rendered fresh = render(s, confirmations, shown);
    entry.rendering = new Rendering(confirmations, shown, fresh);
    return fresh;
  }

  private Rendered render(CheckoutStatus s, int confirmations, String shown) {
    JsonObject json = new JsonObject()
        .put("id", s.id().toString())
        .put("status", shown)
        .put("statusReason", s.reason())
        .put("expiresAt", io.tollgate.api.Rfc3339.ofEpochMillis(s.expiresAtMillis()));
    // A partial payment: what arrived and what is still due, in base units of the option paid first.
    if (s.received() != null) json.put("received", s.received());
    if (s.amountDue() != null) json.put("amountDue", s.amountDue());
    if (s.payment() != null) {
      CheckoutStatus.Payment p = s.payment();
      json.put("confirmations", confirmations).put("requiredConfirmations", required(p.chainId()))
          .put("payment", new JsonObject().put("chainId", p.chainId()).put("token", p.token())
              .put("txHash", p.txHash()).put("status", p.status()).put("reason", p.reason())
              // whether the finality re-check found the payment's block still canonical and deep
              .put("final", p.finalized()));
    }
    return new Rendered(etag(s, confirmations, shown), json.toBuffer(), sequence(s, confirmations, shown), shown);
  }

  /** An open or failed checkout past its expiry is expired, even before the sweeper has written it. */
  static String shownStatus(CheckoutStatus s, long nowMillis) {
    boolean awaitingPayment = "open".equals(s.status()) || "failed".equals(s.status());
    return awaitingPayment && nowMillis > s.expiresAtMillis() ? "expired" : s.status();
  }

  private int confirmations(CheckoutStatus s) {
    CheckoutStatus.Payment p = s.payment();
    if (p == null || p.blockNumber() == null) return 0;
    int required = required(p.chainId());
    if ("confirmed".equals(p.status())) return required;
    long head = heads.head(p.chainId());
    long n = head < 0 ? 1 : head - p.blockNumber() + 1;
    return (int) Math.max(1, Math.min(n, required));
  }

  private int required(long chainId) {
    return chains.chain(chainId).map(ChainConfig::confirmations).orElse(1);
  }
}
