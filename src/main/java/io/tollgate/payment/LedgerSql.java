package io.tollgate.payment;

import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** What the ledger's verdict writers share: one SQL condition and the facts they store and audit. */
final class LedgerSql {
  private LedgerSql() {}

  /**
   * The condition (on checkouts {@code c}) under which a confirmed payment pays its checkout: one
   * not settled yet, or expired without being paid.
   */
  static final String PAYABLE = """
      (c.status IN ('open', 'pending', 'failed')
        -- mined inside the window but submitted after expiry: when it is verified does not matter
        OR (c.status = 'expired' AND c.paid_payment_id IS NULL AND c.paid_processor_payment_id IS NULL))""";

  static String actor(VerdictMessage v) {
    return "chain:" + v.payment().expectation().chainId();
  }

  static JsonObject paymentFacts(Verdict.Paying p) {
    return new JsonObject().put("blockNumber", p.blockNumber()).put("blockHash", p.blockHash())
        .put("payer", p.payer()).put("amount", p.amount().toString())
        // the confirmation delay (block to paid visible) is measured from it once the change commits
        .put("blockTime", p.blockTime().toString());
  }

  static OffsetDateTime utc(Verdict.Paying p) {
    return OffsetDateTime.ofInstant(p.blockTime(), ZoneOffset.UTC);
  }
}
