package io.tollgate.loadtest;

import io.tollgate.dev.AnvilProcess;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Issue 2's first scenario: wrk polling the status of many open checkouts, next to the ceiling (a
 * bare Vert.x endpoint returning a constant) measured in the same run, with Redis rate limiting on
 * and off. Starts everything itself on loopback, runs a bounded set of wrk runs and stops.
 *
 * <p>Settings (system properties): {@code checkouts} (2000), {@code seconds} per measured wrk run
 * (20), {@code warmup} seconds (8), {@code connections} (64), {@code wrkThreads} (1), {@code wrkCpu}
 * (the core wrk is pinned to with taskset, 1), {@code port} (Tollgate's, 18080), {@code ceilingPort} (18089) and
 * {@code database} ({@code tollgate_load_poll}, dropped and created afresh): set the last three when
 * another run may be going on on the same machine, or the two runs drop each other's database.
 */
public final class PollBench {
  private PollBench() {}

  public static void main(String[] args) throws Exception {
    int checkouts = Integer.getInteger("checkouts", 2000);
    int seconds = Integer.getInteger("seconds", 20);
    int warmup = Integer.getInteger("warmup", 8);
    int connections = Integer.getInteger("connections", 64);
    int wrkThreads = Integer.getInteger("wrkThreads", 1);
    String wrkCpu = System.getProperty("wrkCpu", "1");
    List<String> tollgateFlags = Boolean.getBoolean("jfr") ? List.of("-XX:StartFlightRecording=settings=profile,filename=PATH") : List.of();
    int tgPort = Integer.getInteger("port", 18080);
    int ceilingPort = Integer.getInteger("ceilingPort", 18089);
    String database = System.getProperty("database", "tollgate_load_poll");

    try (Rig rig = new Rig("poll")) {
      String db = Rig.freshDatabase(database);
      AnvilProcess anvil = rig.anvil();
      String token = rig.deployToken(anvil.rpcUrl());
      rig.startCeiling(ceilingPort);

      Map<String, String> env = Rig.tollgateEnv(db, anvil.rpcUrl(), null, token, tgPort, "loadtest:poll:" + System.currentTimeMillis() + ":");
      // rate limiting on, limits high enough that every request is allowed: each still costs one
      // Redis GCRA decision over both buckets (address and checkout), which is what is measured
      Map<String, String> rlOn = new LinkedHashMap<>(env);
      rlOn.put("TOLLGATE_RATELIMIT_BUYER_PER_ADDRESS", "1000000");
      rlOn.put("TOLLGATE_RATELIMIT_BUYER_PER_CHECKOUT", "1000000");
      Process tollgate = rig.startTollgate(rlOn, jfr(tollgateFlags, rig, "rl-on"), "tollgate-rl-on.log");
      String apiKey = rig.createMerchant(env);
      Path file = rig.outDir.resolve("checkouts.txt");
      createCheckouts("http://127.0.0.1:" + tgPort, apiKey, checkouts, file);
      System.out.println("created " + checkouts + " checkouts -> " + file);

      List<String> rows = new ArrayList<>();
      Wrk wrk = new Wrk(rig.projectDir.resolve("scripts/loadtest/poll-status.lua"), file, wrkCpu, wrkThreads, connections);
      rows.add(wrk.measure("ceiling (before)", ceilingPort, warmup, seconds));
      rows.add(wrk.measure("status, rate limiting on (Redis)", tgPort, warmup, seconds));
      rows.add(wrk.measure("ceiling (after)", ceilingPort, 0, seconds));
      Rig.stop(tollgate);

      Map<String, String> rlOff = new LinkedHashMap<>(env);
      rlOff.put("TOLLGATE_RATELIMIT_ENABLED", "false");
      tollgate = rig.startTollgate(rlOff, jfr(tollgateFlags, rig, "rl-off"), "tollgate-rl-off.log");
      rows.add(wrk.measure("status, rate limiting off", tgPort, warmup, seconds));
      rows.add(wrk.measure("ceiling (last)", ceilingPort, 0, seconds));
      Rig.stop(tollgate);

      // the default limits (60/min per address, 120 per 5 min per checkout): most polls past the
      // buckets' bursts are refused, to show the 429 split; a fresh Redis prefix starts full buckets
      Map<String, String> rlDefault = new LinkedHashMap<>(env);
      rlDefault.put("TOLLGATE_REDIS_KEY_PREFIX", "loadtest:poll-default:" + System.currentTimeMillis() + ":");
      tollgate = rig.startTollgate(rlDefault, List.of(), "tollgate-rl-default.log");
      rows.add(wrk.measure("status, default limits (Redis)", tgPort, warmup, seconds));
      Rig.stop(tollgate);

      StringBuilder report = new StringBuilder();
      report.append("| run | req/s | p50 ms | p99 ms | p99.9 ms | answers by status | socket errors | load avg before |\n")
          .append("| --- | ---: | ---: | ---: | ---: | --- | --- | --- |\n");
      rows.forEach(r -> report.append(r).append('\n'));
      report.append("\nwrk: ").append(wrk.command(tgPort, seconds)).append('\n');
      Files.writeString(rig.outDir.resolve("report.md"), report);
      System.out.println(report);
    }
    System.exit(0);
  }

  private static List<String> jfr(List<String> flags, Rig rig, String name) {
    return flags.stream().map(f -> f.replace("PATH", rig.outDir.resolve(name + ".jfr").toString())).toList();
  }

  /** Creates checkouts through the merchant API (32 in flight) and writes "id secret" lines. */
  static void createCheckouts(String base, String apiKey, int n, Path file) throws Exception {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(5_000).setIdleTimeout(30),
        new PoolOptions().setHttp1MaxSize(32));
    String[] lines = new String[n];
    Semaphore inFlight = new Semaphore(32);
    AtomicInteger failures = new AtomicInteger();
    CompletableFuture<Void> all = new CompletableFuture<>();
    AtomicInteger done = new AtomicInteger();
    for (int i = 0; i < n; i++) {
      if (!inFlight.tryAcquire(5, TimeUnit.MINUTES)) throw new IllegalStateException("creations stalled");
      int idx = i;
      JsonObject body = new JsonObject().put("orderReference", "POLL-" + i).put("amount", "12.50").put("currency", "USD")
          .put("expiresInSeconds", 7200).put("paymentOptions", new JsonArray().add(new JsonObject().put("chainId", 31337).put("token", "USDC")));
      client.request(new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(base + "/v1/checkouts")
              .putHeader("Authorization", "Bearer " + apiKey).putHeader("Idempotency-Key", "poll-" + i)
              .putHeader("Content-Type", "application/json"))
          .compose(req -> req.send(body.toBuffer()))
          .compose(resp -> resp.body().map(b -> {
            if (resp.statusCode() != 201) throw new IllegalStateException(resp.statusCode() + " " + b);
            return b.toJsonObject();
          }))
          .onComplete(ar -> {
            if (ar.succeeded()) {
              lines[idx] = ar.result().getString("id") + " " + ar.result().getString("clientSecret");
            } else {
              failures.incrementAndGet();
              System.err.println("create failed: " + ar.cause());
            }
            inFlight.release();
            if (done.incrementAndGet() == n) all.complete(null);
          });
    }
    all.get(5, TimeUnit.MINUTES);
    vertx.close();
    if (failures.get() > 0) throw new IllegalStateException(failures.get() + " creations failed");
    Files.write(file, List.of(lines));
  }

  /** Runs wrk pinned to one core; parses the RESULT line of poll-status.lua. */
  record Wrk(Path script, Path checkouts, String cpu, int threads, int connections) {
    List<String> args(int port, int seconds) {
      return List.of("taskset", "-c", cpu, "wrk", "-t" + threads, "-c" + connections, "-d" + seconds + "s", "--latency",
          "-s", script.toString(), "http://127.0.0.1:" + port, "--", checkouts.toString());
    }

    String command(int port, int seconds) {
      return String.join(" ", args(port, seconds));
    }

    String measure(String name, int port, int warmup, int seconds) throws IOException, InterruptedException {
      if (warmup > 0) run(port, warmup);
      String load = Rig.uptime();
      JsonObject r = run(port, seconds);
      System.out.println(name + ": " + r.encode() + " load " + load);
      return String.format("| %s | %,.0f | %.2f | %.2f | %.2f | %s | %s | %s |", name, r.getDouble("rps"), r.getDouble("p50ms"),
          r.getDouble("p99ms"), r.getDouble("p999ms"), r.getJsonObject("byStatus").encode(), r.getJsonObject("socketErrors").encode(), load);
    }

    JsonObject run(int port, int seconds) throws IOException, InterruptedException {
      Process p = new ProcessBuilder(args(port, seconds)).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(seconds + 60L, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("wrk did not stop");
      }
      for (String line : out.split("\n")) {
        if (line.startsWith("RESULT ")) return new JsonObject(line.substring(7));
      }
      throw new UncheckedIOException(new IOException("wrk printed no RESULT:\n" + out));
    }
  }
}
