package io.tollgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Main;
import io.tollgate.dev.AnvilProcess;
import io.tollgate.testing.TestPostgres;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} in a real JVM as an orchestrator runs it: told to stop (SIGTERM, as on a deploy or
 * a Ctrl-C) it says one line and exits; started on a port that is taken it says why in one line and
 * exits 1 instead of living on without its HTTP intake.
 */
class ServeStopProcessTest {
  @TempDir Path dir;

  @Test
  void aStopSaysOneLineAndAPortInUseEndsTheProcessWithOneMessage() throws Exception {
    try (AnvilProcess anvil = AnvilProcess.start(AnvilProcess.defaultProjectDir(), 31337);
        TestPostgres.TestDatabase database = TestPostgres.newDatabase();
        ServerSocket taken = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
      Map<String, String> env = Map.of(
          "TOLLGATE_DATABASE_URL", "postgresql://" + database.settings().user() + "@" + database.settings().host() + ":"
              + database.settings().port() + "/" + database.settings().database(),
          "TOLLGATE_SECRETS_CLIENT_SECRET_KEY", randomKey(), "TOLLGATE_SECRETS_WEBHOOK_KEYS", "1:" + randomKey(),
          "TOLLGATE_CHAINS", "31337", "TOLLGATE_CHAIN_31337_RPC_URLS", anvil.rpcUrl(),
          "TOLLGATE_CHAIN_31337_TOKENS", "ETH", "TOLLGATE_CHAIN_31337_TOKEN_ETH_NATIVE", "true",
          "TOLLGATE_PRICING_FIXED_ETH", "2500", "TOLLGATE_HTTP_HOST", "127.0.0.1", "TOLLGATE_LOG_FORMAT", "text");

      Path output = dir.resolve("serve.txt");
      Process serve = start(env, freePort(), output);
      try {
        String started = awaitOutput(output, "Tollgate listening on", 60);
        serve.destroy(); // SIGTERM: the shutdown hook runs
        assertThat(serve.waitFor(30, TimeUnit.SECONDS)).as("stopped").isTrue();
        String text = Files.readString(output, StandardCharsets.UTF_8);
        List<String> afterStart = text.substring(started.length()).lines().filter(l -> !l.isBlank()).toList();
        assertThat(afterStart).as(text).hasSize(1);
        assertThat(afterStart.get(0)).contains("INFO").contains("io.tollgate.events - Tollgate stopped tookMs=");
      } finally {
        serve.destroyForcibly();
      }

      Path refused = dir.resolve("taken.txt");
      Process second = start(env, taken.getLocalPort(), refused);
      try {
        assertThat(second.waitFor(90, TimeUnit.SECONDS)).as("exited").isTrue();
        String text = Files.readString(refused, StandardCharsets.UTF_8);
        assertThat(second.exitValue()).as(text).isEqualTo(1);
        assertThat(text).contains("tollgate serve: could not start: Address already in use").doesNotContain("\tat ");
      } finally {
        second.destroyForcibly();
      }
    }
  }

  private Process start(Map<String, String> env, int port, Path output) throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder builder = new ProcessBuilder(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
        "-Dtollgate.config=" + dir.resolve("none.properties"), Main.class.getName(), "serve"))
        .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(output.toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("TOLLGATE_"));
    builder.environment().putAll(env);
    builder.environment().put("TOLLGATE_HTTP_PORT", Integer.toString(port));
    return builder.start();
  }

  /** The output up to and including the first line holding {@code marker}. */
  private static String awaitOutput(Path output, String marker, int seconds) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      String text = Files.readString(output, StandardCharsets.UTF_8);
      int at = text.indexOf(marker);
      int end = at < 0 ? -1 : text.indexOf('\n', at);
      if (end >= 0) return text.substring(0, end + 1);
      Thread.sleep(200);
    }
    throw new AssertionError("no \"" + marker + "\" in:\n" + Files.readString(output, StandardCharsets.UTF_8));
  }

  private static String randomKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
