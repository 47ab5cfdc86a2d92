package io.tollgate.pricing;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The quorum rule for exchange prices: the largest group of at least two prices whose highest is
 * within the tolerance (5 %) of its lowest wins, and its mean is the price; the others are dropped.
 * Two different groups of the same largest size are a disagreement: no price. Pure.
 */
final class Quorum {
  static final BigDecimal TOLERANCE = new BigDecimal("0.05");

  private Quorum() {}

  static Optional<BigDecimal> agree(List<BigDecimal> prices) {
    List<BigDecimal> sorted = new ArrayList<>(prices);
    sorted.removeIf(p -> p == null || p.signum() <= 0);
    sorted.sort(null);
    int bestFrom = -1;
    int bestSize = 1;
    boolean tie = false;
    for (int from = 0; from < sorted.size(); from++) {
      BigDecimal limit = sorted.get(from).multiply(BigDecimal.ONE.add(TOLERANCE));
      int to = from;
      while (to + 1 < sorted.size() && sorted.get(to + 1).compareTo(limit) <= 0) to++;
      int size = to - from + 1;
      if (size > bestSize) {
        bestFrom = from;
        bestSize = size;
        tie = false;
      } else if (size == bestSize && bestFrom >= 0 && from > bestFrom + bestSize - 1) {
        tie = true; // a disjoint group as large as the best: the sources disagree
      }
    }
    if (bestFrom < 0 || tie) return Optional.empty();
    BigDecimal sum = BigDecimal.ZERO;
    for (int i = bestFrom; i < bestFrom + bestSize; i++) sum = sum.add(sorted.get(i));
    return Optional.of(sum.divide(BigDecimal.valueOf(bestSize), MathContext.DECIMAL64));
  }
}
