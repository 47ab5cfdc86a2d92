package io.tollgate.checkout;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.tollgate.chain.TokenConfig;
import io.tollgate.pricing.Price;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/** Converts an amount in the checkout's currency into a token's base units. */
final class Quotes {
  private Quotes() {}

  /** Parses an amount: positive, plain decimal, at most 6 fraction digits. */
  static BigDecimal parseAmount(String amount) {
    if (amount == null || !amount.matches("\\d{1,15}(\\.\\d{1,6})?")) {
      throw new ApiException(ErrorCode.INVALID_AMOUNT, "got " + (amount == null ? "nothing" : "'" + amount + "'"));
    }
    BigDecimal value = new BigDecimal(amount);
    if (value.signum() <= 0) throw new ApiException(ErrorCode.INVALID_AMOUNT, "must be greater than zero");
    return value;
  }

  /** The pair that prices {@code token} for a checkout in {@code currency}; none for a USD stablecoin in USD. */
  static java.util.Optional<String[]> pairFor(TokenConfig token, String currency) {
    if (token.usdPegged()) return "USD".equals(currency) ? java.util.Optional.empty() : java.util.Optional.of(new String[] {currency, "USD"});
    return java.util.Optional.of(new String[] {token.symbol(), currency});
  }

  /**
   * Base units of {@code token} for {@code amount} of the checkout's currency, rounded up in the
   * merchant's favour: a USD stablecoin is exact in USD and {@code amount × rate} (EUR-USD) in
   * another currency; a native token is {@code amount ÷ price} (ETH-EUR).
   */
  static BigInteger baseUnits(BigDecimal amount, TokenConfig token, Price rate) {
    BigDecimal tokens;
    if (rate == null) tokens = amount;
    else if (token.usdPegged()) tokens = amount.multiply(rate.value());
    else tokens = amount.divide(rate.value(), token.decimals() + 2, RoundingMode.UP);
    return tokens.movePointRight(token.decimals()).setScale(0, RoundingMode.UP).toBigIntegerExact();
  }
}
