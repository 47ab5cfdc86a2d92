package io.tollgate.checkout;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * A refund as the API, the audit trail and the webhooks show it, from a row of {@code refunds}:
 * for an on-chain refund still to be sent, exactly what to send (EIP-681 link and transaction
 * fields), so a shop's wallet cannot get the direction, the token or the amount wrong.
 */
public final class RefundView {
  /** {@code transfer(address,uint256)}. */
  private static final String TRANSFER_SELECTOR = "0xa9059cbb";

  private RefundView() {}

  public static JsonObject json(Row r) {
    JsonObject json = new JsonObject()
        .put("id", r.getUUID("id").toString())
        .put("object", "refund")
        .put("checkoutId", r.getUUID("checkout_id").toString())
        .put("status", r.getString("status"))
        .put("method", r.getString("method"))
        .put("amount", usd(r.getBigDecimal("amount")))
        .put("amountBase", base(r, "amount_base").toString())
        .put("excess", r.getBoolean("excess"))
        // the duplicate payment this refund gives back, or null (the checkout's money)
        .put("paymentId", r.getLong("payment_id"))
        .put("reason", r.getString("reason"))
        .put("failureReason", r.getString("failure_reason"))
        .put("failureDetail", r.getString("failure_detail"))
        .put("createdAt", instant(r.getOffsetDateTime("created_at")))
        .put("updatedAt", instant(r.getOffsetDateTime("updated_at")));
    if ("processor".equals(r.getString("method"))) {
      return json.put("provider", r.getString("provider"));
    }
    json.put("chainId", r.getLong("chain_id")).put("token", r.getString("token"))
        .put("tokenAddress", r.getString("token_address")).put("from", r.getString("source_address"))
        .put("to", r.getString("destination")).put("txHash", r.getString("tx_hash"));
    // Every transfer posted (when the query read them): a replacement, one refused, an extra one.
    if (r.getColumnIndex("transfers") >= 0) {
      Object transfers = r.getValue("transfers");
      json.put("transfers", transfers instanceof JsonArray a ? a : new JsonArray());
    }
    // while verifying too: a replacement for a transfer never mined or dropped is sent the same way
    if (List.of("awaiting_transfer", "verifying").contains(r.getString("status"))) json.put("send", instructions(r));
    return json;
  }

  /** What the shop's wallet must send: the recipient pays the payer back, exact base units. */
  private static JsonObject instructions(Row r) {
    long chainId = r.getLong("chain_id");
    String token = r.getString("token_address");
    String to = r.getString("destination");
    BigInteger amount = base(r, "amount_base");
    JsonObject transaction;
    String link;
    if (token == null) {
      transaction = new JsonObject().put("to", to).put("value", amount.toString()).put("data", "0x");
      link = "ethereum:" + to + "@" + chainId + "?value=" + amount;
    } else {
      String data = TRANSFER_SELECTOR + word(to.substring(2)) + word(amount.toString(16));
      transaction = new JsonObject().put("to", token).put("value", "0").put("data", data);
      link = "ethereum:" + token + "@" + chainId + "/transfer?address=" + to + "&uint256=" + amount;
    }
    transaction.put("from", r.getString("source_address")).put("chainId", chainId);
    return new JsonObject().put("chainId", chainId).put("token", r.getString("token")).put("tokenAddress", token)
        .put("from", r.getString("source_address")).put("to", to).put("amountBase", amount.toString())
        .put("eip681", link).put("transaction", transaction)
        .put("then", new JsonArray().add("POST /v1/checkouts/" + r.getUUID("checkout_id") + "/refunds/"
            + r.getUUID("id") + "/transactions {\"txHash\": ...}"));
  }

  private static String word(String hex) {
    return "0".repeat(64 - hex.length()) + hex;
  }

  private static BigInteger base(Row r, String column) {
    return r.getBigDecimal(column).toBigInteger();
  }

  private static String usd(BigDecimal amount) {
    BigDecimal stripped = amount.stripTrailingZeros();
    return (stripped.scale() < 2 ? stripped.setScale(2) : stripped).toPlainString();
  }

  private static String instant(OffsetDateTime t) {
    return io.tollgate.api.Rfc3339.format(t);
  }
}
