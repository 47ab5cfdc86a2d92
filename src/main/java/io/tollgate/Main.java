package io.tollgate;

import io.tollgate.cli.Commands;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * Entry point: {@code java -jar tollgate.jar [serve | dev | merchant create ... | --help | --version]}
 * (see {@link Commands}). The only place that decides the process's exit code.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    OptionalInt exit = Commands.run(args, Path.of(System.getProperty("tollgate.config", "conf/tollgate.properties")),
        System.getenv(), System.out, System.err);
    // Empty: the service runs on Vert.x's threads until the JVM is told to stop.
    if (exit.isPresent()) System.exit(exit.getAsInt());
  }
}
