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

  /** One exchange's answer. */
  record Sample(String source, BigDecimal price) {}

  /** The agreed price and the sources whose answers made it. */
  record Agreement(BigDecimal price, List<String> sources) {}

  static Optional<Agreement> agreeing(List<Sample> samples) {
    List<Sample> kept = new ArrayList<>(samples);
    kept.removeIf(s -> s.price() == null || s.price().signum() <= 0);
    kept.sort(java.util.Comparator.comparing(Sample::price));
    List<BigDecimal> sorted = kept.stream().map(Sample::price).toList();
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
    List<String> sources = new ArrayList<>();
    for (int i = bestFrom; i < bestFrom + bestSize; i++) {
      sum = sum.add(sorted.get(i));
      sources.add(kept.get(i).source());
    }
    sources.sort(null);
    return Optional.of(new Agreement(sum.divide(BigDecimal.valueOf(bestSize), MathContext.DECIMAL64), sources));
  }
}
