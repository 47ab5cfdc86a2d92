package io.tollgate.cli;

import io.tollgate.config.Settings;
import io.tollgate.dev.AnvilProcess;
import io.tollgate.dev.DevEnvironment;
import java.io.PrintStream;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code tollgate dev}: fills in what is not configured ({@link DevEnvironment}), checks the result
 * as serve would (what the user did configure may still be wrong), creates the demo merchant, starts
 * the service and prints what it set up.
 */
final class DevCommand {
  private static final Logger LOG = LoggerFactory.getLogger(DevCommand.class);

  private DevCommand() {}

  static OptionalInt run(Settings configured, PrintStream out, PrintStream err) {
    LOG.warn("DEVELOPMENT MODE (tollgate dev): generated keys, embedded or local services, relaxed webhook rules."
        + " Must not be used for real money; deployments run `tollgate serve`.");
    DevEnvironment dev = new DevEnvironment();
    Settings settings;
    try {
      settings = dev.prepare(configured, AnvilProcess.defaultProjectDir());
      if (ServeCommand.refused("dev", settings, err)) {
        dev.close();
        return OptionalInt.of(1);
      }
      dev.createDemoMerchant();
    } catch (RuntimeException e) {
      // anvil not installed, the embedded database not starting, the configured database unreachable
      dev.close();
      LOG.debug("development set-up failed", e);
      err.println("tollgate dev: could not set up development mode: " + e.getMessage());
      return OptionalInt.of(1);
    }
    return Service.run("dev", settings, dev, err, app -> out.println(dev.banner()));
  }
}
