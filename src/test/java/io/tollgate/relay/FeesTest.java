package io.tollgate.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class FeesTest {
  private static BigInteger n(long v) {
    return BigInteger.valueOf(v);
  }

  @Test
  void quotesTwentyFivePercentHeadroomOverTheCurrentMaxFee() {
    Fees fees = Fees.quote(n(1_000), n(100));
    assertThat(fees.maxFee()).isEqualTo(n(1_250));
    assertThat(fees.priorityFee()).isEqualTo(n(100));
    assertThat(Fees.quote(n(3), n(1)).maxFee()).as("rounded up").isEqualTo(n(4));
  }

  @Test
  void neverTipsMoreThanTheMaxFee() {
    assertThat(Fees.quote(n(8), n(100)).priorityFee()).isEqualTo(n(10));
  }

  @Test
  void bumpsBothFeesByHalfAndNeverBelowAFreshQuote() {
    Fees sent = new Fees(n(1_000), n(100));
    Fees calm = Fees.quote(n(10), n(1));
    assertThat(sent.bumped(calm)).isEqualTo(new Fees(n(1_500), n(150)));
    Fees spike = Fees.quote(n(4_000), n(500));
    assertThat(sent.bumped(spike)).isEqualTo(new Fees(n(5_000), n(500)));
    // Nodes want at least +10 % on both fees for a replacement: ×1.5 rounded up clears it even for tiny fees.
    Fees tiny = new Fees(n(1), n(1)).bumped(Fees.quote(n(0), n(0)));
    assertThat(tiny.maxFee()).isEqualTo(n(2));
    assertThat(tiny.priorityFee()).isEqualTo(n(2));
  }

  @Test
  void costIsTheMostTheGasLimitCanCost() {
    assertThat(new Fees(n(7), n(1)).cost(21_000)).isEqualTo(n(147_000));
  }
}
