package io.tollgate.loadtest;

import io.tollgate.dev.AnvilProcess;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issue 20's first SSE figure: what open live status streams cost one instance. Tollgate runs as a
 * user deploys it (its own JVM, {@code serve}); {@code checkouts} open checkouts are created, then
 * {@code streams} streams are opened to them (round robin, each from its own client address through
 * the trusted-proxy header), and held. Before and after, with the same idle time each: the heap
 * after a full GC ({@code jcmd GC.run}, then {@code jvm_memory_used_bytes{area="heap"}} from
 * /metrics), the process's resident set (VmRSS) and its CPU time (/proc/PID/stat) over
 * {@code idleSeconds}. The difference per stream is the figure; the run without streams is its peer.
 *
 * <p>Settings: streams (10000), checkouts (1000), idleSeconds (60), heartbeatMs (15000: Tollgate's
 * http.events.heartbeat-ms), clientLoops (2), openConcurrency (200), port (18190), database
 * (tollgate_load_sse, dropped and created afresh).
 */
public final class SseStreams {
  private SseStreams() {}

  public static void main(String[] args) throws Exception {
    int streams = Integer.getInteger("streams", 10_000);
    int checkouts = Integer.getInteger("checkouts", 1_000);
    int idleSeconds = Integer.getInteger("idleSeconds", 60);
    int heartbeatMs = Integer.getInteger("heartbeatMs", 15_000);
    int clientLoops = Integer.getInteger("clientLoops", 2);
    int openConcurrency = Integer.getInteger("openConcurrency", 200);
    int port = Integer.getInteger("port", 18190);
    String database = System.getProperty("database", "tollgate_load_sse");
    String runName = "sse-streams-" + streams;

    try (Rig rig = new Rig(runName)) {
      String db = Rig.freshDatabase(database);
      AnvilProcess anvil = rig.anvil();
      String token = rig.deployToken(anvil.rpcUrl());
      Map<String, String> env = Rig.tollgateEnv(db, anvil.rpcUrl(), null, token, port, "loadtest:sse:" + System.currentTimeMillis() + ":");
      env.put("TOLLGATE_RATELIMIT_BUYER_PER_ADDRESS", "1000000");
      env.put("TOLLGATE_RATELIMIT_BUYER_PER_CHECKOUT", "1000000");
      env.put("TOLLGATE_HTTP_EVENTS_MAX_STREAMS", Integer.toString(streams + 1_000));
      env.put("TOLLGATE_HTTP_EVENTS_HEARTBEAT_MS", Integer.toString(heartbeatMs));
      Process tollgate = rig.startTollgate(env, List.of(), "tollgate.log");
      long pid = tollgate.pid();
      String apiKey = rig.createMerchant(env);
      Path file = rig.outDir.resolve("checkouts.txt");
      PollBench.createCheckouts("http://127.0.0.1:" + port, apiKey, checkouts, file);
      List<String[]> targets = Files.readAllLines(file).stream().map(l -> l.split(" ")).toList();
      System.out.println("created " + checkouts + " checkouts");

      Rig.sleep(5_000);
      Snapshot before = snapshot(pid, port, idleSeconds);
      System.out.println("without streams: " + before);

      Vertx[] loops = new Vertx[clientLoops];
      HttpClient[] clients = new HttpClient[clientLoops];
      for (int i = 0; i < clientLoops; i++) {
        loops[i] = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
        clients[i] = loops[i].createHttpClient(new HttpClientOptions().setKeepAlive(false).setConnectTimeout(10_000)
                .setDefaultHost("127.0.0.1").setDefaultPort(port),
            new PoolOptions().setHttp1MaxSize(streams / clientLoops + 10).setMaxWaitQueueSize(-1));
      }
      AtomicInteger opened = new AtomicInteger();
      AtomicInteger firstEvents = new AtomicInteger();
      AtomicInteger failed = new AtomicInteger();
      AtomicLong heartbeats = new AtomicLong();
      AtomicInteger ended = new AtomicInteger();
      Semaphore inFlight = new Semaphore(openConcurrency);
      long openStart = System.nanoTime();
      for (int i = 0; i < streams; i++) {
        inFlight.acquire();
        String[] t = targets.get(i % targets.size());
        String clientIp = String.format("198.51.%d.%d", (i / 250) % 250, i % 250 + 1);
        HttpClient client = clients[i % clientLoops];
        client.request(new RequestOptions().setMethod(HttpMethod.GET).setURI("/v1/checkouts/" + t[0] + "/events")
                .putHeader("X-Client-Secret", t[1]).putHeader("X-Forwarded-For", clientIp))
            .compose(req -> req.send())
            .onComplete(ar -> {
              if (ar.failed() || ar.result().statusCode() != 200) {
                failed.incrementAndGet();
                inFlight.release();
                return;
              }
              opened.incrementAndGet();
              boolean[] first = {true};
              ar.result().handler(chunk -> {
                String s = chunk.toString();
                if (first[0] && s.contains("event: status")) {
                  first[0] = false;
                  firstEvents.incrementAndGet();
                  inFlight.release();
                }
                if (s.contains(": keep-alive")) heartbeats.incrementAndGet();
              });
              ar.result().endHandler(v -> ended.incrementAndGet());
              ar.result().exceptionHandler(e -> ended.incrementAndGet());
            });
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (firstEvents.get() + failed.get() < streams && System.nanoTime() < deadline) Rig.sleep(100);
      double openSeconds = (System.nanoTime() - openStart) / 1e9;
      System.out.printf("opened %d streams (%d with their first event, %d refused or failed) in %.1f s%n",
          opened.get(), firstEvents.get(), failed.get(), openSeconds);
      Rig.sleep(5_000);
      String openGauge = metric(port, "tollgate_sse_streams_open");
      long heartbeatsBefore = heartbeats.get();
      Snapshot after = snapshot(pid, port, idleSeconds);
      System.out.println("with streams: " + after);
      long heartbeatsSeen = heartbeats.get() - heartbeatsBefore;
      int endedEarly = ended.get();

      for (Vertx v : loops) v.close();
      Rig.stop(tollgate);

      int held = firstEvents.get();
      String report = String.format("""
          ### SSE: %,d open streams on one instance (%s)

          Tollgate `serve` in its own JVM (%s), 127.0.0.1; %,d open checkouts, %,d streams opened to them round robin \
          (%d client event loops, each stream its own connection, %d opening at a time), heartbeat every %d ms. \
          Load average %s (before the streams) and %s (after).

          * streams held: %,d (first event received); refused or failed: %d; ended by the server while idle: %d; \
          Tollgate's tollgate_sse_streams_open: %s; opened in %.1f s
          * heap after a full GC: %.1f MiB without streams, %.1f MiB with them: %.2f KiB per stream
          * resident set (VmRSS): %.1f MiB without, %.1f MiB with: %.2f KiB per stream
          * CPU while idle (%d s each, user + system): %.2f %% of one core without streams, %.2f %% with them \
          (heartbeats the clients received during that interval and the GC after it: %,d)
          """,
          streams, Instant.now(), String.join(" ", Rig.jvmFlags()), checkouts, streams, clientLoops, openConcurrency, heartbeatMs,
          before.load(), after.load(), held, failed.get(), endedEarly, openGauge, openSeconds,
          before.heapMiB(), after.heapMiB(), held == 0 ? Double.NaN : (after.heapMiB() - before.heapMiB()) * 1024 / held,
          before.rssMiB(), after.rssMiB(), held == 0 ? Double.NaN : (after.rssMiB() - before.rssMiB()) * 1024 / held,
          idleSeconds, before.cpuPercent(), after.cpuPercent(), heartbeatsSeen);
      Files.writeString(rig.outDir.resolve("report.md"), report);
      System.out.println(report);
    }
    System.exit(0);
  }

  /** The process's heap after a full GC, its resident set, and its CPU over {@code idleSeconds}. */
  record Snapshot(double heapMiB, double rssMiB, double cpuPercent, String load) {}

  static Snapshot snapshot(long pid, int port, int idleSeconds) throws Exception {
    String load = Rig.uptime();
    long cpu0 = cpuTicks(pid);
    long t0 = System.nanoTime();
    Rig.sleep(idleSeconds * 1000L);
    long cpu1 = cpuTicks(pid);
    double seconds = (System.nanoTime() - t0) / 1e9;
    double cpuPercent = (cpu1 - cpu0) / 100.0 / seconds * 100; // USER_HZ is 100 on Linux
    Process gc = new ProcessBuilder(Path.of(Rig.javaBin()).resolveSibling("jcmd").toString(), Long.toString(pid), "GC.run")
        .redirectErrorStream(true).start();
    gc.getInputStream().readAllBytes();
    gc.waitFor(60, TimeUnit.SECONDS);
    Rig.sleep(1_000);
    double heap = 0;
    for (String line : scrape(port).split("\n")) {
      if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
        heap += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    double rss = 0;
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) rss = Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
    }
    return new Snapshot(heap / 1024 / 1024, rss, cpuPercent, load);
  }

  private static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14 and 15)
  }

  static String metric(int port, String name) throws Exception {
    for (String line : scrape(port).split("\n")) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) return line.substring(line.lastIndexOf(' ') + 1);
    }
    return "absent";
  }

  private static String scrape(int port) throws Exception {
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }
}
