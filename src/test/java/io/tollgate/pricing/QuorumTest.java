package io.tollgate.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class QuorumTest {
  private static java.util.Optional<BigDecimal> agree(List<BigDecimal> prices) {
    return Quorum.agreeing(prices.stream().map(p -> new Quorum.Sample("s" + p, p)).toList()).map(Quorum.Agreement::price);
  }

  @Test
  void theAgreementNamesTheSourcesInIt() {
    assertThat(Quorum.agreeing(List.of(new Quorum.Sample("kraken", new BigDecimal("3000")),
        new Quorum.Sample("binance", new BigDecimal("4000")), new Quorum.Sample("coinbase", new BigDecimal("3010")))))
        .hasValueSatisfying(a -> assertThat(a.sources()).containsExactly("coinbase", "kraken"));
  }

  private static List<BigDecimal> prices(String... p) {
    return java.util.Arrays.stream(p).map(BigDecimal::new).toList();
  }

  @Test
  void theLargestAgreeingGroupWinsAndItsMeanIsThePrice() {
    assertThat(agree(prices("3000", "3010", "2990", "4000"))).hasValueSatisfying(
        p -> assertThat(p).isEqualByComparingTo("3000"));
  }

  @Test
  void twoWithinFivePercentAreEnough() {
    assertThat(agree(prices("3000", "3140"))).hasValueSatisfying(p -> assertThat(p).isEqualByComparingTo("3070"));
  }

  @Test
  void oneSourceOrNoAgreementIsNoPrice() {
    assertThat(agree(prices("3000"))).isEmpty();
    assertThat(agree(prices("3000", "3200"))).isEmpty(); // 6.7 % apart
    assertThat(agree(prices())).isEmpty();
  }

  @Test
  void twoEquallyLargeGroupsThatDisagreeAreNoPrice() {
    assertThat(agree(prices("3000", "3010", "4000", "4010"))).isEmpty();
  }
}
