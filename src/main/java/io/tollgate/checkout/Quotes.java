package io.tollgate.checkout;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.tollgate.chain.TokenConfig;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/** Converts a USD amount into a token's base units. */
final class Quotes {
  private Quotes() {}

  /** Parses a USD amount: positive, plain decimal, at most 6 fraction digits. */
  static BigDecimal parseUsd(String amount) {
    if (amount == null || !amount.matches("\\d{1,15}(\\.\\d{1,6})?")) {
      throw new ApiException(ErrorCode.INVALID_AMOUNT, "got " + (amount == null ? "nothing" : "'" + amount + "'"));
    }
    BigDecimal value = new BigDecimal(amount);
    if (value.signum() <= 0) throw new ApiException(ErrorCode.INVALID_AMOUNT, "must be greater than zero");
    return value;
  }

  /** Pegged tokens are exact (1 USD = 1 token); the rest divide by the price, rounded up in the merchant's favour. */
  static BigInteger baseUnits(BigDecimal usd, TokenConfig token, BigDecimal usdPrice) {
    BigDecimal tokens = token.usdPegged() ? usd : usd.divide(usdPrice, token.decimals() + 2, RoundingMode.UP);
    return tokens.movePointRight(token.decimals()).setScale(0, RoundingMode.UP).toBigIntegerExact();
  }
}
