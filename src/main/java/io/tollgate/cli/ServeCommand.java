package io.tollgate.cli;

import io.tollgate.config.InvalidSettingsException;
import io.tollgate.config.Settings;
import java.io.PrintStream;
import java.util.List;
import java.util.OptionalInt;

/** {@code tollgate serve}: the deployment. Checks every required setting before anything starts. */
final class ServeCommand {
  private static final String FOOTER = "Set them in conf/tollgate.properties (or the file -Dtollgate.config names) or as"
      + " TOLLGATE_* environment variables; see tollgate %s --help.";

  private ServeCommand() {}

  static OptionalInt run(Settings settings, PrintStream err) {
    if (refused("serve", settings, err)) return OptionalInt.of(1);
    return Service.run("serve", settings, () -> { }, err, app -> { });
  }

  /** Prints the whole list of problems as one message when there are any. */
  static boolean refused(String command, Settings settings, PrintStream err) {
    List<String> problems = ServeSettingsCheck.problems(settings);
    if (problems.isEmpty()) return false;
    err.println(new InvalidSettingsException("tollgate " + command + ": refusing to start, " + problems.size()
        + (problems.size() == 1 ? " setting is" : " settings are") + " missing or invalid:", problems).getMessage());
    err.println(FOOTER.formatted(command)
        + (command.equals("serve") ? " `tollgate dev` runs with generated development settings instead." : ""));
    return true;
  }
}
