package io.tollgate.pricing;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One unit of {@code base} costs {@code value} units of {@code quote} (ETH-EUR 2750.10, EUR-USD 1.08),
 * as agreed by {@code sources} at {@code at}. Recorded with every checkout option it priced, so a
 * shop can show what rate its buyer was charged and where it came from.
 */
public record Price(String base, String quote, BigDecimal value, List<String> sources, Instant at) {
  public Price {
    Objects.requireNonNull(base);
    Objects.requireNonNull(quote);
    if (value.signum() <= 0) throw new IllegalArgumentException("a price is positive: " + value);
    sources = List.copyOf(sources);
    Objects.requireNonNull(at);
  }

  /** "ETH-EUR". */
  public String pair() {
    return base + "-" + quote;
  }
}
