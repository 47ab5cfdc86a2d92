package io.tollgate.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A subcommand's {@code --option value} pairs: only the options it knows, each with a value, the
 * repeatable ones as often as given. A mistake is a {@link AdminSession.Failure} (one line, exit 2).
 */
final class Options {
  private final Map<String, List<String>> values;

  private Options(Map<String, List<String>> values) {
    this.values = values;
  }

  static Options parse(String command, List<String> args, Set<String> known, Set<String> repeatable)
      throws AdminSession.Failure {
    Map<String, List<String>> values = new LinkedHashMap<>();
    for (int i = 0; i < args.size(); i += 2) {
      String option = args.get(i);
      if (!known.contains(option)) {
        throw new AdminSession.Failure(2, (option.startsWith("-") ? "unknown option " : "unexpected argument ") + option
            + " (see " + command + " --help)");
      }
      if (i + 1 == args.size()) throw new AdminSession.Failure(2, "option " + option + " needs a value");
      if (values.containsKey(option) && !repeatable.contains(option)) {
        throw new AdminSession.Failure(2, "option " + option + " is given twice");
      }
      values.computeIfAbsent(option, k -> new ArrayList<>()).add(args.get(i + 1));
    }
    return new Options(values);
  }

  String get(String option) {
    List<String> v = values.get(option);
    return v == null ? null : v.get(0);
  }

  String required(String option) throws AdminSession.Failure {
    String v = get(option);
    if (v == null) throw new AdminSession.Failure(2, option + " is required");
    return v;
  }

  List<String> all(String option) {
    return values.getOrDefault(option, List.of());
  }
}
