package io.tollgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Main;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} as a deployment would meet it with nothing configured: a real JVM through
 * {@link Main}, no configuration file and no TOLLGATE_* variables. It must exit non-zero quickly with
 * one message naming every missing setting, and start nothing.
 */
class ServeProcessTest {
  @TempDir Path dir;

  @Test
  void serveWithAnEmptyConfigurationExitsAtOnceListingEverythingMissing() throws Exception {
    Path output = dir.resolve("output.txt");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder builder = new ProcessBuilder(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
        "-Dtollgate.config=" + dir.resolve("no-such.properties"), Main.class.getName(), "serve"))
        .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(output.toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("TOLLGATE_"));

    long started = System.nanoTime();
    Process process = builder.start();
    try {
      // The service's own check is well under a second; the rest is a JVM starting on a shared machine.
      assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("exited").isTrue();
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      String text = Files.readString(output, StandardCharsets.UTF_8);

      assertThat(process.exitValue()).as(text).isEqualTo(1);
      assertThat(text).contains("tollgate serve: refusing to start, 4 settings are missing or invalid:",
          "database.url is not set (TOLLGATE_DATABASE_URL)",
          "secrets.client-secret-key is not set (TOLLGATE_SECRETS_CLIENT_SECRET_KEY)",
          "secrets.webhook-keys is not set (TOLLGATE_SECRETS_WEBHOOK_KEYS)",
          "chains is not set (TOLLGATE_CHAINS)");
      assertThat(text).doesNotContain("Exception", "\tat ", "listening");
      System.out.println("serve with an empty configuration exited after " + took.toMillis() + " ms");
    } finally {
      process.destroyForcibly();
    }
  }

  @Test
  void helpAndVersionDoNotBootTheService() throws IOException, InterruptedException {
    for (List<String> args : List.of(List.of("--help"), List.of("dev", "--help"), List.of("serve", "--version"))) {
      Path java = Path.of(System.getProperty("java.home"), "bin", "java");
      ProcessBuilder builder = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
          Main.class.getName()).directory(dir.toFile()).redirectErrorStream(true);
      builder.command().addAll(args);
      Process process = builder.start();
      try {
        String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("%s exited", args).isTrue();
        assertThat(process.exitValue()).as("%s: %s", args, text).isZero();
        assertThat(text).as("%s", args).doesNotContain("WARN", "INFO");
      } finally {
        process.destroyForcibly();
      }
    }
  }
}
