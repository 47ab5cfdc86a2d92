package io.tollgate.faults;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The processes of one deployment on loopback, each on a free port: PostgreSQL (the system's
 * {@code initdb}/{@code pg_ctl}, as the {@code postgres} user when run as root), {@code redis-server},
 * and Tollgate ({@code java -jar target/tollgate.jar serve}, settings as environment variables, its
 * output appended to a log file). Each can be stopped, broken and started again; {@link #close()}
 * stops what is still running.
 */
final class Deployment implements AutoCloseable {
  final Path workDir;
  final int pgPort = freePort();
  final int redisPort = freePort();
  final int httpPort = freePort();
  /** A second Tollgate instance on the same PostgreSQL, Redis and chain, for the scenarios behind a load balancer. */
  final int secondHttpPort = freePort();
  final Path tollgateLog;
  private final Path pgDir;
  private final Path pgData;
  private final Path pgBin;
  private Process redis;
  private Process tollgate;
  private Process second;
  private Map<String, String> tollgateEnv = Map.of();

  Deployment(Path workDir) throws IOException {
    this.workDir = workDir;
    Files.createDirectories(workDir);
    // PostgreSQL runs as its own user (when we are root), which may not enter the work tree: a temp dir
    this.pgDir = Files.createTempDirectory("tollgate-faults-pg");
    this.pgData = pgDir.resolve("data");
    this.tollgateLog = workDir.resolve("tollgate.log");
    Files.deleteIfExists(tollgateLog);
    this.pgBin = findPgBin();
  }

  // --- PostgreSQL ---------------------------------------------------------------------------

  void initPostgres() throws IOException, InterruptedException {
    Files.createDirectories(pgData);
    chownToPostgres(pgDir);
    run(asPostgres(pgBin.resolve("initdb").toString(), "-D", pgData.toString(), "-A", "trust", "-U", "postgres",
        "--no-sync", "-E", "UTF8"));
    startPostgres();
  }

  void startPostgres() throws IOException, InterruptedException {
    run(asPostgres(pgBin.resolve("pg_ctl").toString(), "-D", pgData.toString(), "-w", "-l",
        pgDir.resolve("postgres.log").toString(), "-o", "-p " + pgPort + " -k " + pgDir + " -c listen_addresses=127.0.0.1 -c fsync=off",
        "start"));
  }

  /** {@code mode}: fast (clean shutdown, connections closed) or immediate (as a crash). */
  void stopPostgres(String mode) throws IOException, InterruptedException {
    run(asPostgres(pgBin.resolve("pg_ctl").toString(), "-D", pgData.toString(), "-w", "-m", mode, "stop"));
  }

  String databaseUrl() {
    return "postgresql://postgres@127.0.0.1:" + pgPort + "/postgres";
  }

  String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres?user=postgres";
  }

  // --- Redis --------------------------------------------------------------------------------

  void startRedis() throws IOException {
    redis = new ProcessBuilder("redis-server", "--port", Integer.toString(redisPort), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no").redirectErrorStream(true)
        .redirectOutput(workDir.resolve("redis.log").toFile()).start();
    awaitPort(redisPort, Duration.ofSeconds(10));
  }

  void killRedis() throws InterruptedException {
    redis.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  /** SIGSTOP: the kernel still accepts connections, nothing answers (a hang, not a refusal). */
  void freezeRedis(boolean frozen) throws IOException, InterruptedException {
    run(List.of("kill", frozen ? "-STOP" : "-CONT", Long.toString(redis.pid())));
  }

  String redisUrl() {
    return "redis://127.0.0.1:" + redisPort;
  }

  // --- Tollgate -----------------------------------------------------------------------------

  void startTollgate(Map<String, String> settings) throws IOException {
    Map<String, String> env = new HashMap<>();
    settings.forEach((k, v) -> env.put("TOLLGATE_" + k.toUpperCase().replace('.', '_').replace('-', '_'), v));
    tollgateEnv = env;
    restartTollgate();
  }

  void restartTollgate() throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx512m", "-jar", "target/tollgate.jar", "serve")
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(tollgateLog.toFile()));
    pb.environment().putAll(tollgateEnv);
    tollgate = pb.start();
  }

  /** Starts the second instance: the same settings but its port, its output in {@code tollgate-2.log}. */
  void startSecondTollgate() throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx512m", "-jar", "target/tollgate.jar", "serve")
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(workDir.resolve("tollgate-2.log").toFile()));
    pb.environment().putAll(tollgateEnv);
    pb.environment().put("TOLLGATE_HTTP_PORT", Integer.toString(secondHttpPort));
    second = pb.start();
  }

  void stopSecondTollgate() throws InterruptedException {
    if (second == null) return;
    second.destroy();
    if (!second.waitFor(20, TimeUnit.SECONDS)) second.destroyForcibly();
    second = null;
  }

  /** kill -9: no shutdown hook, no orderly stop, whatever was in flight is cut. */
  void killTollgate() throws InterruptedException {
    tollgate.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
  }

  boolean tollgateAlive() {
    return tollgate != null && tollgate.isAlive();
  }

  long tollgateLogLines() {
    try (var lines = Files.lines(tollgateLog)) {
      return lines.count();
    } catch (IOException | java.io.UncheckedIOException e) {
      return -1;
    }
  }

  private boolean closed;

  /** Idempotent: the shutdown hook may run it again after a normal end. */
  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    if (second != null) second.destroyForcibly();
    if (tollgate != null) tollgate.destroy();
    try {
      if (tollgate != null && !tollgate.waitFor(20, TimeUnit.SECONDS)) tollgate.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (redis != null) {
      try {
        freezeRedis(false);
      } catch (Exception ignored) {
        // it may be gone already
      }
      redis.destroyForcibly();
    }
    try {
      if (Files.exists(pgData.resolve("postmaster.pid"))) stopPostgres("fast");
    } catch (Exception e) {
      System.err.println("could not stop PostgreSQL: " + e);
    }
    try {
      run(List.of("rm", "-rf", pgDir.toString()));
    } catch (Exception e) {
      System.err.println("could not remove " + pgDir + ": " + e);
    }
  }

  // --- helpers ------------------------------------------------------------------------------

  private static Path findPgBin() {
    File[] versions = new File("/usr/lib/postgresql").listFiles();
    if (versions == null || versions.length == 0) throw new IllegalStateException("no PostgreSQL under /usr/lib/postgresql");
    java.util.Arrays.sort(versions);
    return versions[versions.length - 1].toPath().resolve("bin");
  }

  private static boolean root() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static List<String> asPostgres(String... command) {
    List<String> c = new ArrayList<>();
    if (root()) c.addAll(List.of("runuser", "-u", "postgres", "--"));
    c.addAll(List.of(command));
    return c;
  }

  private static void chownToPostgres(Path dir) throws IOException, InterruptedException {
    if (root()) run(List.of("chown", "-R", "postgres", dir.toString()));
  }

  private static void run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + out);
    }
  }

  static void awaitPort(int port, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException e) {
        sleep(100);
      }
    }
    throw new IllegalStateException("nothing listens on port " + port + " after " + timeout);
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
