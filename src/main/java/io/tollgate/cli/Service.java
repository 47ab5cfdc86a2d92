package io.tollgate.cli;

import io.tollgate.Tollgate;
import io.tollgate.VertxRuntime;
import io.tollgate.telemetry.Shutdown;
import io.tollgate.config.Settings;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.util.OptionalInt;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts Tollgate on a metrics-enabled Vert.x, the same way for serve and dev; stops it at JVM shutdown. */
final class Service {
  private static final Logger LOG = LoggerFactory.getLogger(Service.class);

  private Service() {}

  /**
   * Blocks the calling (main) thread until Tollgate is up or has failed. Empty when it runs (its
   * non-daemon threads keep the JVM alive); else the exit code, with the reason on {@code err}.
   *
   * @param alsoClose closed after Vert.x at shutdown or failure (dev mode's embedded processes)
   */
  static OptionalInt run(String command, Settings settings, AutoCloseable alsoClose, PrintStream err,
      Consumer<Tollgate> onStarted) {
    Vertx vertx = VertxRuntime.create();
    Tollgate app;
    try {
      app = Tollgate.start(vertx, settings).await();
    } catch (IllegalArgumentException e) {
      // A setting the check before start could not judge (an unknown merchant, a malformed number): the message says which.
      err.println("tollgate " + command + ": refusing to start: " + e.getMessage());
      stop(vertx, alsoClose);
      return OptionalInt.of(1);
    } catch (Exception e) {
      // (await rethrows checked failures as they are: a port in use is a BindException)
      // Mostly the environment (the database unreachable, a wrong password): its message says enough,
      // and a page of stack trace would bury it. The trace is there for whoever asks for it.
      LOG.debug("start failed", e);
      err.println("tollgate " + command + ": could not start: " + firstLine(e)
          + " (TOLLGATE_LOG_LEVEL=DEBUG logs the stack trace)");
      stop(vertx, alsoClose);
      return OptionalInt.of(1);
    }
    onStarted.accept(app);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      long begun = Shutdown.begin();
      stop(vertx, alsoClose);
      Shutdown.done(begun);
    }, "tollgate-shutdown"));
    return OptionalInt.empty();
  }

  private static String firstLine(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getName() : e.getMessage().strip();
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline).strip();
  }

  private static void stop(Vertx vertx, AutoCloseable alsoClose) {
    try {
      vertx.close().await();
    } catch (RuntimeException e) {
      LOG.warn("stopping Vert.x failed: {}", e.toString());
    }
    try {
      alsoClose.close();
    } catch (Exception e) {
      LOG.warn("stopping {} failed: {}", alsoClose, e.toString());
    }
  }
}
