package io.tollgate.config;

import java.util.List;

/**
 * Settings that cannot work, every problem at once: an operator fixing a deployment should see the
 * whole list in one attempt, not one more missing key per restart. A user mistake, so the entry
 * point prints {@link #getMessage()} and no stack trace.
 */
public final class InvalidSettingsException extends IllegalArgumentException {
  private final List<String> problems;

  public InvalidSettingsException(String headline, List<String> problems) {
    super(format(headline, problems));
    this.problems = List.copyOf(problems);
  }

  /** One line per problem, each naming the setting ("database.url is not set ..."). */
  public List<String> problems() {
    return problems;
  }

  private static String format(String headline, List<String> problems) {
    StringBuilder text = new StringBuilder(headline);
    for (String problem : problems) text.append(System.lineSeparator()).append("  - ").append(problem);
    return text.toString();
  }
}
