package io.tollgate.checkout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.api.ApiException;
import io.tollgate.chain.KnownTokens;
import io.tollgate.chain.TokenConfig;
import io.tollgate.chain.AssetKind;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import io.tollgate.pricing.Price;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QuotesTest {
  private static final TokenConfig USDC = new TokenConfig("USDC", AssetKind.ERC20, "0x00", 6, true);

  @Test
  void stablecoinsQuoteOneToOneInBaseUnits() {
    assertThat(Quotes.baseUnits(new BigDecimal("12.50"), USDC, null)).isEqualTo(BigInteger.valueOf(12_500_000));
    assertThat(Quotes.baseUnits(new BigDecimal("0.000001"), USDC, null)).isEqualTo(BigInteger.ONE);
    assertThat(Quotes.pairFor(USDC, "USD")).isEmpty();
  }

  @Test
  void aStablecoinInAnotherCurrencyMultipliesByItsUsdRateAndRoundsUp() {
    assertThat(Quotes.pairFor(USDC, "EUR")).hasValueSatisfying(p -> assertThat(p).containsExactly("EUR", "USD"));
    assertThat(Quotes.baseUnits(new BigDecimal("12.50"), USDC, rate("EUR", "USD", "1.0812345")))
        .as("13.51543125 USDC, rounded up to the next base unit").isEqualTo(BigInteger.valueOf(13_515_432));
  }

  private static Price rate(String base, String quote, String value) {
    return new Price(base, quote, new BigDecimal(value), List.of("test"), Instant.EPOCH);
  }

  @Test
  void nativeEthDividesByThePriceAndRoundsUpInTheMerchantsFavour() {
    TokenConfig eth = KnownTokens.native18("ETH");
    assertThat(Quotes.pairFor(eth, "EUR")).hasValueSatisfying(p -> assertThat(p).containsExactly("ETH", "EUR"));
    assertThat(Quotes.baseUnits(new BigDecimal("25"), eth, rate("ETH", "USD", "2500")))
        .isEqualTo(new BigInteger("10000000000000000"));
    // 10 / 3 ETH is not exact: the quote must not be a wei short
    BigInteger wei = Quotes.baseUnits(new BigDecimal("10"), eth, rate("ETH", "USD", "3"));
    assertThat(new BigDecimal(wei).multiply(new BigDecimal("3")).movePointLeft(18)).isGreaterThanOrEqualTo(new BigDecimal("10"));
    assertThat(wei).isEqualTo(new BigInteger("3333333333333333334"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "0.00", "-1", "1e3", "12.5.0", "1.1234567", " 1", "", "abc"})
  void amountsThatAreNotPositivePlainDecimalsAreRefused(String amount) {
    assertThatThrownBy(() -> Quotes.parseAmount(amount)).isInstanceOf(ApiException.class)
        .satisfies(e -> assertThat(((ApiException) e).error().code()).isEqualTo("invalid_amount"));
  }

  @Test
  void sixFractionDigitsAreAccepted() {
    assertThat(Quotes.parseAmount("0.123456")).isEqualByComparingTo("0.123456");
  }
}
