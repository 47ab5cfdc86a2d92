package io.tollgate.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class QuorumTest {
  private static List<BigDecimal> prices(String... p) {
    return java.util.Arrays.stream(p).map(BigDecimal::new).toList();
  }

  @Test
  void theLargestAgreeingGroupWinsAndItsMeanIsThePrice() {
    assertThat(Quorum.agree(prices("3000", "3010", "2990", "4000"))).hasValueSatisfying(
        p -> assertThat(p).isEqualByComparingTo("3000"));
  }

  @Test
  void twoWithinFivePercentAreEnough() {
    assertThat(Quorum.agree(prices("3000", "3140"))).hasValueSatisfying(p -> assertThat(p).isEqualByComparingTo("3070"));
  }

  @Test
  void oneSourceOrNoAgreementIsNoPrice() {
    assertThat(Quorum.agree(prices("3000"))).isEmpty();
    assertThat(Quorum.agree(prices("3000", "3200"))).isEmpty(); // 6.7 % apart
    assertThat(Quorum.agree(prices())).isEmpty();
  }

  @Test
  void twoEquallyLargeGroupsThatDisagreeAreNoPrice() {
    assertThat(Quorum.agree(prices("3000", "3010", "4000", "4010"))).isEmpty();
  }
}
