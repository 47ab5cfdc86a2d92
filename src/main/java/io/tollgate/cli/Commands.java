package io.tollgate.cli;

import io.tollgate.config.Settings;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalInt;

/** Runs one command line; the caller ({@link io.tollgate.Main}) owns the process and its exit code. */
public final class Commands {
  private Commands() {}

  /**
   * @return the exit code, or empty when the service now runs (its threads keep the JVM alive)
   */
  public static OptionalInt run(String[] args, Path configFile, Map<String, String> environment, PrintStream out,
      PrintStream err) {
    Invocation invocation = CommandLine.parse(args);
    if (invocation instanceof Invocation.Help help) {
      out.print(help.text());
      return OptionalInt.of(0);
    }
    if (invocation instanceof Invocation.Version) {
      out.println(Version.text());
      return OptionalInt.of(0);
    }
    if (invocation instanceof Invocation.Mistake mistake) {
      err.println(mistake.message());
      return OptionalInt.of(2);
    }
    Invocation.Run run = (Invocation.Run) invocation;
    Settings settings;
    try {
      settings = Settings.load(configFile, environment);
    } catch (UncheckedIOException e) {
      err.println("tollgate: " + e.getMessage());
      return OptionalInt.of(1);
    }
    switch (run.command()) {
      case SERVE:
        return ServeCommand.run(settings, err);
      case DEV:
        return DevCommand.run(settings, out, err);
      case MERCHANT:
        return OptionalInt.of(MerchantCommand.run(run.args(), settings, out, err));
      case HEALTHCHECK:
        return OptionalInt.of(HealthCheckCommand.run(settings, out, err));
      default:
        return OptionalInt.of(KeyCommand.run(run.args(), settings, out, err));
    }
  }
}
