package io.tollgate.faults;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What one scenario's buyers, shop and readiness probe saw. Buyer errors: answers ≥ 500 other than
 * 503, 503s (expected during an outage, with Retry-After, and retried), requests without an answer
 * (timeouts, dropped connections). The ledger figures are filled in after the scenario.
 */
final class Tally {
  final String scenario;
  final AtomicLong requests = new AtomicLong();
  final AtomicLong status5xx = new AtomicLong();
  final AtomicLong status503 = new AtomicLong();
  final AtomicLong status503WithoutRetryAfter = new AtomicLong();
  final AtomicLong status429 = new AtomicLong();
  final AtomicLong noAnswer = new AtomicLong();
  final AtomicLong pollsDuringFault = new AtomicLong();
  final AtomicLong polls200DuringFault = new AtomicLong();
  /** Polls during the fault that the second instance answered (scenarios with two instances). */
  final AtomicLong pollsSecondDuringFault = new AtomicLong();
  final AtomicLong polls200SecondDuringFault = new AtomicLong();
  final AtomicLong writesDuringFault = new AtomicLong();
  final AtomicLong writes503DuringFault = new AtomicLong();
  final AtomicLong readinessProbes = new AtomicLong();
  final AtomicLong readinessNotReady = new AtomicLong();
  long checkouts;
  long paid;
  long lost;
  long doubleCredits;
  long duplicateWebhooks;
  long paidWebhooksMissing;
  long validExpired;
  long logLines;
  long maxOtherMerchantWebhookDelayMillis = -1;
  /** Tarpit scenario: another merchant's webhook waited more than a second longer than in the baseline. */
  boolean webhooksDelayed;
  String note = "";
  /** Whether every poll during the fault must be answered 200 (a PostgreSQL outage). */
  boolean pollsMustAnswer;
  /** The first few answers >= 500 other than 503, to say which requests earned them. */
  final java.util.List<String> samples5xx = new java.util.concurrent.CopyOnWriteArrayList<>();

  Tally(String scenario) {
    this.scenario = scenario;
  }

  static String header() {
    return String.format("%-22s %5s %5s %5s %6s %6s %6s %7s %5s %5s %5s %6s %9s %8s %7s",
        "scenario", "chk", "paid", "lost", "double", "dupWH", "missWH", "expVal", "5xx", "503", "noAns",
        "429", "poll200%", "write503", "notRdy") + String.format(" %8s %s", "logLines", "note");
  }

  String row() {
    String polls = pollsDuringFault.get() == 0 ? "-"
        : String.format("%d/%d", polls200DuringFault.get(), pollsDuringFault.get());
    String writes = writesDuringFault.get() == 0 ? "-" : String.format("%d/%d", writes503DuringFault.get(), writesDuringFault.get());
    return String.format("%-22s %5d %5d %5d %6d %6d %6d %7d %5d %5d %5d %6d %9s %8s %7s", scenario, checkouts, paid, lost,
        doubleCredits, duplicateWebhooks, paidWebhooksMissing, validExpired, status5xx.get(), status503.get(),
        noAnswer.get(), status429.get(), polls, writes, readinessNotReady.get() + "/" + readinessProbes.get())
        + String.format(" %8d %s", logLines, note) + (samples5xx.isEmpty() ? "" : " 5xx: " + samples5xx);
  }

  /**
   * Done means: nothing lost, doubled, repeated, wrongly expired; no 5xx but 503s with Retry-After;
   * ready throughout; and where the polls during the fault are said to be answered (a PostgreSQL
   * outage), every one of them 200.
   */
  boolean held() {
    return (!pollsMustAnswer || polls200DuringFault.get() == pollsDuringFault.get()) && lost == 0 && doubleCredits == 0 && duplicateWebhooks == 0 && paidWebhooksMissing == 0 && validExpired == 0
        && status5xx.get() == 0 && status503WithoutRetryAfter.get() == 0 && readinessNotReady.get() == 0 && !webhooksDelayed;
  }
}
