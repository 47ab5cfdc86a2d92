package io.tollgate.checkout;

import io.tollgate.chain.ChainConfig;
import io.tollgate.chain.ChainRegistry;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * Renders what a polling browser sees. The ETag is built from what the body depends on (snapshot
 * version, confirmations shown, whether the expiry has passed), so it changes exactly when the body
 * does and costs no hashing.
 */
public final class StatusView {
  private final ChainRegistry chains;
  private final ChainHeads heads;

  public StatusView(ChainRegistry chains, ChainHeads heads) {
    this.chains = chains;
    this.heads = heads;
  }

  public record Rendered(String etag, Buffer body) {}

  /** The ETag alone, so a 304 costs no JSON encoding. */
  public String etag(CheckoutStatus s, long nowMillis) {
    return "\"" + s.version() + "-" + confirmations(s) + "-" + (shownStatus(s, nowMillis)) + "\"";
  }

  public Rendered render(CheckoutStatus s, long nowMillis) {
    int confirmations = confirmations(s);
    JsonObject json = new JsonObject()
        .put("id", s.id().toString())
        .put("status", shownStatus(s, nowMillis))
        .put("reason", s.reason())
        .put("expiresAt", Instant.ofEpochMilli(s.expiresAtMillis()).toString());
    if (s.payment() != null) {
      CheckoutStatus.Payment p = s.payment();
      json.put("confirmations", confirmations).put("requiredConfirmations", required(p.chainId()))
          .put("payment", new JsonObject().put("chainId", p.chainId()).put("token", p.token())
              .put("txHash", p.txHash()).put("status", p.status()).put("reason", p.reason()));
    }
    return new Rendered(etag(s, nowMillis), json.toBuffer());
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
