package io.tollgate.loadtest;

import io.tollgate.dev.AnvilProcess;
import io.tollgate.dev.ContractArtifact;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Utf8String;

/**
 * What every load scenario needs on this machine, all on loopback: a fresh PostgreSQL database, an
 * anvil chain, the demo stablecoin, Tollgate started as a user deploys it (a separate JVM running
 * the fat jar, configured by environment variables) and a merchant. Everything started here is
 * stopped by {@link #close()}, and each child process is also destroyed when this JVM exits.
 */
final class Rig implements AutoCloseable {
  static final long CHAIN_ID = 31337;
  /** anvil's first development account: unlocked, deploys the token (and so is its minter). */
  static final String DEPLOYER = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";
  static final String RECIPIENT = "0xa0ee7a142d267c1f36714e4a8f75612f20a79720";
  static final String PG_ADMIN_URL = "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres";

  final Path projectDir = AnvilProcess.defaultProjectDir();
  final Path outDir;
  private final List<AutoCloseable> resources = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  Rig(String runName) {
    outDir = projectDir.resolve("target/loadtest/" + runName);
    try {
      Files.createDirectories(outDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Drops and creates {@code name} on the local PostgreSQL; returns its postgresql:// URL. */
  static String freshDatabase(String name) {
    try (Connection c = DriverManager.getConnection(PG_ADMIN_URL); Statement st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      st.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("could not create database " + name, e);
    }
    return "postgresql://postgres@127.0.0.1:5432/" + name;
  }

  /**
   * Asks PostgreSQL for a checkpoint now. The timed one (every checkpoint_timeout) then comes that
   * long after it, so a drop started right after it meets none; without this, whether one falls in
   * the pay window depended on when the server last had one.
   */
  static void checkpoint() {
    try (Connection c = DriverManager.getConnection(PG_ADMIN_URL); Statement st = c.createStatement()) {
      st.execute("CHECKPOINT");
    } catch (SQLException e) {
      throw new IllegalStateException("CHECKPOINT failed", e);
    }
  }

  /** Checkpoints the server has begun so far, timed and requested together (pg_stat_bgwriter). */
  static long checkpointsBegun() {
    try (Connection c = DriverManager.getConnection(PG_ADMIN_URL); Statement st = c.createStatement();
        var rs = st.executeQuery("SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException("could not read pg_stat_bgwriter", e);
    }
  }

  AnvilProcess anvil(String... args) {
    AnvilProcess anvil = AnvilProcess.start(projectDir, CHAIN_ID, args);
    resources.add(anvil);
    return anvil;
  }

  // ---- blocking JSON-RPC for set-up (straight to anvil, never through the counting proxy) ----

  Object rpc(String url, String method, Object... params) {
    JsonObject answer = new JsonObject(post(url, new JsonObject().put("jsonrpc", "2.0").put("id", 1).put("method", method)
        .put("params", new JsonArray(List.of(params))).encode()));
    if (answer.containsKey("error")) throw new IllegalStateException(method + ": " + answer.getValue("error"));
    return answer.getValue("result");
  }

  /** One batch; returns the results in request order, failing on any error. */
  List<Object> rpcBatch(String url, List<JsonObject> calls) {
    JsonArray batch = new JsonArray();
    for (int i = 0; i < calls.size(); i++) batch.add(calls.get(i).copy().put("jsonrpc", "2.0").put("id", i));
    JsonArray answers = new JsonArray(post(url, batch.encode()));
    Object[] results = new Object[calls.size()];
    for (Object o : answers) {
      JsonObject a = (JsonObject) o;
      if (a.containsKey("error")) throw new IllegalStateException("batch call failed: " + a.getValue("error"));
      results[a.getInteger("id")] = a.getValue("result");
    }
    return java.util.Arrays.asList(results);
  }

  static JsonObject call(String method, Object... params) {
    return new JsonObject().put("method", method).put("params", new JsonArray(List.of(params)));
  }

  String post(String url, String body) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString());
      return r.body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  int get(String url) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  JsonObject awaitReceipt(String url, String txHash) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      Object r = rpc(url, "eth_getTransactionReceipt", txHash);
      if (r instanceof JsonObject receipt) return receipt;
      sleep(50);
    }
    throw new IllegalStateException("no receipt for " + txHash);
  }

  /** Deploys the demo stablecoin from anvil's first (unlocked) account; returns its address. */
  String deployToken(String anvilUrl) {
    ContractArtifact artifact = ContractArtifact.load("DemoStablecoin");
    String data = artifact.bytecode() + FunctionEncoder.encodeConstructor(List.of(
        new Utf8String("USD Coin"), new Utf8String("2"), new Utf8String("USDC")));
    String tx = (String) rpc(anvilUrl, "eth_sendTransaction", new JsonObject().put("from", DEPLOYER).put("data", data)
        .put("gas", "0x" + Long.toHexString(3_000_000)));
    return awaitReceipt(anvilUrl, tx).getString("contractAddress").toLowerCase();
  }

  /**
   * The environment of Tollgate as a user deploys it: real PostgreSQL and Redis, one chain.
   *
   * @param wsUrl JSON-RPC over WebSocket for new-heads push ({@code chain.31337.ws-url}), or null to
   *     learn of heads by polling only
   */
  static Map<String, String> tollgateEnv(String databaseUrl, String rpcUrl, String wsUrl, String token, int port,
      String redisPrefix) {
    Map<String, String> env = new HashMap<>();
    env.put("TOLLGATE_HTTP_HOST", "127.0.0.1");
    env.put("TOLLGATE_HTTP_PORT", Integer.toString(port));
    env.put("TOLLGATE_HTTP_TRUSTED_PROXIES", "127.0.0.1");
    env.put("TOLLGATE_DATABASE_URL", databaseUrl);
    env.put("TOLLGATE_REDIS_URL", "redis://127.0.0.1:6379");
    env.put("TOLLGATE_REDIS_KEY_PREFIX", redisPrefix);
    // a fixed key so that restarts (rate limiting on / off) keep the checkouts' client secrets valid
    env.put("TOLLGATE_SECRETS_CLIENT_SECRET_KEY", "bG9hZHRlc3QtbG9hZHRlc3QtbG9hZHRlc3QtbG9hZHQ=");
    // serve requires the webhook keyring (development mode used to make one up per start)
    env.put("TOLLGATE_SECRETS_WEBHOOK_KEYS", "1:bG9hZHRlc3QtbG9hZHRlc3QtbG9hZHRlc3QtbG9hZHQ=");
    env.put("TOLLGATE_CHAINS", Long.toString(CHAIN_ID));
    env.put("TOLLGATE_CHAIN_31337_RPC_URLS", rpcUrl);
    if (wsUrl != null) env.put("TOLLGATE_CHAIN_31337_WS_URL", wsUrl);
    env.put("TOLLGATE_CHAIN_31337_TOKENS", "USDC,ETH");
    env.put("TOLLGATE_CHAIN_31337_TOKEN_USDC_ADDRESS", token);
    env.put("TOLLGATE_CHAIN_31337_TOKEN_ETH_NATIVE", "true");
    env.put("TOLLGATE_PRICING_FIXED_ETH", "3000");
    return env;
  }

  /**
   * {@code taskset -c CPUS} for Tollgate when {@code LOADTEST_SERVICE_CPUS} is set. With
   * {@code LOADTEST_RIG_CPUS} (drop.sh runs the driver JVM, and so the anvil it starts, on those
   * CPUs) it keeps the load generator and the chain node off the CPUs the service may use alone; a
   * child inherits its parent's affinity, so Tollgate is given its own explicitly.
   */
  static List<String> serviceCpus() {
    String cpus = System.getenv("LOADTEST_SERVICE_CPUS");
    return cpus == null || cpus.isBlank() ? List.of() : List.of("taskset", "-c", cpus.trim());
  }

  static List<String> jvmFlags() {
    String flags = System.getenv().getOrDefault("LOADTEST_JVM_FLAGS", "-Xms1g -Xmx1g -XX:+UseG1GC");
    return List.of(flags.trim().split("\\s+"));
  }

  /** Starts {@code java FLAGS -jar target/tollgate.jar serve} and waits until /health/live answers. */
  Process startTollgate(Map<String, String> env, List<String> extraFlags, String logName) {
    requireFree(Integer.parseInt(env.get("TOLLGATE_HTTP_PORT")));
    List<String> cmd = new ArrayList<>(serviceCpus());
    cmd.add(javaBin());
    cmd.addAll(jvmFlags());
    cmd.addAll(extraFlags);
    cmd.addAll(List.of("-jar", projectDir.resolve("target/tollgate.jar").toString(), "serve"));
    Process p = start(cmd, env, logName);
    awaitHttp("http://127.0.0.1:" + env.get("TOLLGATE_HTTP_PORT") + "/health/live", p, logName);
    return p;
  }

  Process startCeiling(int port) {
    requireFree(port);
    List<String> cmd = new ArrayList<>(List.of(javaBin()));
    cmd.addAll(jvmFlags());
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), CeilingServer.class.getName(), Integer.toString(port)));
    Process p = start(cmd, Map.of(), "ceiling.log");
    awaitHttp("http://127.0.0.1:" + port + "/", p, "ceiling.log");
    return p;
  }

  /**
   * Refuses to start on a port something already listens on: the health check would otherwise
   * pass against that other process (another engineer's load test, say) and every figure of the run
   * would be about it.
   */
  static void requireFree(int port) {
    try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
      probe.bind(new java.net.InetSocketAddress("127.0.0.1", port));
    } catch (java.io.IOException e) {
      throw new IllegalStateException("port " + port + " is already in use (another load test running?); pass -Dport=...", e);
    }
  }

  /** Runs the merchant CLI of the fat jar against the database; returns the printed API key. */
  String createMerchant(Map<String, String> env) {
    List<String> cmd = List.of(javaBin(), "-jar", projectDir.resolve("target/tollgate.jar").toString(), "merchant", "create",
        "--name", "Load", "--method", CHAIN_ID + ":USDC:" + RECIPIENT, "--method", CHAIN_ID + ":ETH:" + RECIPIENT);
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
      pb.environment().putAll(env);
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes());
      p.waitFor();
      for (String line : out.split("\n")) {
        if (line.startsWith("api key")) return line.split("\\s+")[2];
      }
      throw new IllegalStateException("merchant create printed no key:\n" + out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  Process start(List<String> cmd, Map<String, String> env, String logName) {
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(outDir.resolve(logName).toFile()).directory(projectDir.toFile());
      pb.environment().putAll(env);
      Process p = pb.start();
      resources.add(() -> stop(p));
      Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void stop(Process p) {
    p.destroy();
    try {
      if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) p.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
    }
  }

  private void awaitHttp(String url, Process p, String logName) {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) throw new IllegalStateException("process exited; see " + outDir.resolve(logName));
      if (get(url) == 200) return;
      sleep(200);
    }
    throw new IllegalStateException(url + " did not answer; see " + outDir.resolve(logName));
  }

  static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  static String uptime() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "?";
    }
  }

  /**
   * Lowers the calling thread's CPU priority by {@code niceness} (Linux: {@code renice} on the
   * thread's own id, which only that thread takes; raising niceness needs no privilege). Returns
   * the thread id, or null where the platform has no {@code /proc/thread-self} or renice failed.
   */
  static String niceCurrentThread(int niceness) {
    try {
      Path self = Files.readSymbolicLink(Path.of("/proc/thread-self"));
      String tid = self.getFileName().toString();
      Process renice = new ProcessBuilder("renice", "-n", Integer.toString(niceness), "-p", tid)
          .redirectErrorStream(true).start();
      String out = new String(renice.getInputStream().readAllBytes());
      if (renice.waitFor() != 0) {
        System.err.println("renice of thread " + tid + " failed: " + out.trim());
        return null;
      }
      return tid;
    } catch (IOException | UnsupportedOperationException e) {
      System.err.println("cannot lower this thread's priority here: " + e);
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static String hex(BigInteger v) {
    return "0x" + v.toString(16);
  }

  @Override
  public void close() {
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception ignored) {
        // best effort
      }
    }
  }
}
