package io.tollgate.telemetry;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * A stop that says one line. While an instance stops, its connections close under its components
 * (and in development mode the embedded database and anvil, which a terminal's Ctrl-C reaches at
 * the same moment, go away first): the warnings that would follow (a subscription down, an RPC
 * endpoint failing, a lock connection lost) describe the stop itself. From {@link #begin} on only
 * errors are logged, and {@link #done} logs the one line of a clean stop.
 */
public final class Shutdown {
  private Shutdown() {}

  /** Returns the start time to hand to {@link #done}. */
  public static long begin() {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (factory instanceof LoggerContext context) {
      for (Logger logger : context.getLoggerList()) {
        if (logger.getLevel() != null || logger.getName().equals(Logger.ROOT_LOGGER_NAME)) logger.setLevel(Level.ERROR);
      }
      // Netty's errors from here on are about the stop itself (a task handed to an event loop that closed)
      context.getLogger("io.netty").setLevel(Level.OFF);
      context.getLogger(EventLog.LOGGER).setLevel(Level.INFO);
    }
    return System.nanoTime();
  }

  public static void done(long begun) {
    EventLog.EVENTS.stopped((System.nanoTime() - begun) / 1_000_000);
  }
}
