package io.tollgate.merchant;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.vertx.core.json.JsonObject;

/**
 * A merchant's rules for amounts off the quote: the underpayment tolerance in basis points of the
 * quote, for stablecoins (default 0: exact) and for native coins (default 50, 0.5 %: wallets
 * re-derive a native value at signing), and whether an over-payment pays (its excess refundable)
 * or is refused. Each checkout keeps the rules of its creation. Null fields: unchanged (an update)
 * or the default (a new merchant).
 */
public record AmountRules(Integer toleranceBpsStablecoin, Integer toleranceBpsNative, String overpayments) {
  /** The largest tolerance: 10 % (the database's check says the same). */
  public static final int MAX_TOLERANCE_BPS = 1000;

  public static final AmountRules UNCHANGED = new AmountRules(null, null, null);

  public AmountRules {
    check("underpaymentTolerance.stablecoinBps", toleranceBpsStablecoin);
    check("underpaymentTolerance.nativeBps", toleranceBpsNative);
    if (overpayments != null && !overpayments.equals("accept") && !overpayments.equals("refuse")) {
      throw new ApiException(ErrorCode.INVALID_REQUEST,
          "overpayments must be 'accept' (paid, the excess refundable) or 'refuse' (the checkout fails, all refundable), not '"
              + overpayments + "'", "overpayments");
    }
  }

  public boolean isUnchanged() {
    return toleranceBpsStablecoin == null && toleranceBpsNative == null && overpayments == null;
  }

  /**
   * From an API body: {@code underpaymentTolerance: {stablecoinBps, nativeBps}} and {@code overpayments}.
   * Wrong types are refused like wrong values (the schema validator usually refuses them first).
   */
  public static AmountRules fromJson(JsonObject body) {
    Object tolerance = body.getValue("underpaymentTolerance");
    if (tolerance != null && !(tolerance instanceof JsonObject)) {
      throw new ApiException(ErrorCode.INVALID_REQUEST,
          "underpaymentTolerance is an object: {\"stablecoinBps\": 0, \"nativeBps\": 50}", "underpaymentTolerance");
    }
    JsonObject t = (JsonObject) tolerance;
    Object overpayments = body.getValue("overpayments");
    if (overpayments != null && !(overpayments instanceof String)) {
      throw new ApiException(ErrorCode.INVALID_REQUEST, "overpayments must be 'accept' or 'refuse'", "overpayments");
    }
    return new AmountRules(t == null ? null : bps(t, "stablecoinBps"), t == null ? null : bps(t, "nativeBps"),
        (String) overpayments);
  }

  private static Integer bps(JsonObject t, String key) {
    Object value = t.getValue(key);
    if (value == null) return null;
    if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || Math.abs(n.doubleValue()) > 1e9) {
      throw new ApiException(ErrorCode.INVALID_REQUEST, "underpaymentTolerance." + key
          + " is a whole number of basis points (1 = 0.01 %), from 0 to " + MAX_TOLERANCE_BPS, "underpaymentTolerance." + key);
    }
    return n.intValue();
  }

  /** As the API shows a merchant's rules (a merchants row's columns). */
  static JsonObject json(int stablecoinBps, int nativeBps) {
    return new JsonObject().put("stablecoinBps", stablecoinBps).put("nativeBps", nativeBps);
  }

  private static void check(String field, Integer bps) {
    if (bps != null && (bps < 0 || bps > MAX_TOLERANCE_BPS)) {
      throw new ApiException(ErrorCode.INVALID_REQUEST, field + " must be from 0 to " + MAX_TOLERANCE_BPS
          + " basis points (0 to 10 %), not " + bps, field);
    }
  }
}
