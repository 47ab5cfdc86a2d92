package io.tollgate.loadtest;

import io.tollgate.dev.AnvilProcess;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * Issue 5's ticket drop, on this machine, against Tollgate as a user deploys it. One run: a fresh
 * database, an anvil producing a block every {@code blockTime} seconds, a JSON-RPC counting proxy
 * between Tollgate and anvil; N checkouts created through the merchant API (each with its own
 * Idempotency-Key, some retried), N buyers from distinct accounts (ERC-20 and native ETH mixed)
 * paying over {@code payWindow} seconds once all checkouts exist and submitting their hashes, every buyer's browser polling
 * the status every {@code pollMs} from its checkout's creation until paid. It stops by itself when
 * every checkout is paid or at the deadline, checks PostgreSQL, and writes a report.
 *
 * <p>Settings (system properties): n (1000), pollMs (2000), blockTime (2), payWindow (120),
 * ethShare (0.5), retryShare (0.05), createConcurrency (32), headPollMs (100: Tollgate's
 * chain.31337.poll-interval-ms), wsHeads (true: Tollgate subscribes to new heads through the
 * proxy's WebSocket, chain.31337.ws-url; false: it learns of heads by polling only),
 * wsFallbackMs (5000: chain.31337.ws-fallback-poll-interval-ms, the head poll while the
 * subscription is live), grace (90 s after the pay window), hardLimit (1200 s for the run),
 * warmup (0: checkouts created and paid at the drop's rate before it, by other buyers, so that the
 * drop meets a service whose hot paths are compiled; none of it is counted), genLoops (2),
 * genConnections (1000), genNice (0: niceness added to the generator's event loops), probePerSecond (20),
 * checkpoint (true: PostgreSQL checkpoints right before the drop, so that no timed checkpoint, and
 * the full-page writes after it, fall into the measured minutes; false leaves it to chance),
 * port (18180: Tollgate's), database (tollgate_load: dropped and created afresh).
 */
public final class Drop {
  private static final long CHAIN = Rig.CHAIN_ID;

  // settings
  final int n;
  final int pollMs = Integer.getInteger("pollMs", 2000);
  final int blockTime = Integer.getInteger("blockTime", 2);
  final int payWindow;
  /** The checkouts' order references start with it; the PostgreSQL checks count only these. */
  final String orderPrefix;
  /** Buyer numbers (accounts, client addresses) start here, so a warm-up's buyers are others. */
  final int firstBuyer;
  /** Checkouts paid in a warm-up before the drop (0: the drop meets a cold service). */
  final int warmup = Integer.getInteger("warmup", 0);
  final double ethShare = Double.parseDouble(System.getProperty("ethShare", "0.5"));
  /** Share of buyers who hold no ETH and pay USDC by EIP-3009 signature through the relayer (issue 16). */
  final double gaslessShare = Double.parseDouble(System.getProperty("gaslessShare", "0"));
  final double retryShare = Double.parseDouble(System.getProperty("retryShare", "0.05"));
  /** Share of buyers whose browser follows the checkout by server-sent events instead of polling (issue 20). */
  final double sseShare = Double.parseDouble(System.getProperty("sseShare", "0"));
  final int createConcurrency = Integer.getInteger("createConcurrency", 32);
  final int headPollMs = Integer.getInteger("headPollMs", 100);
  final boolean wsHeads = Boolean.parseBoolean(System.getProperty("wsHeads", "true"));
  final int wsFallbackMs = Integer.getInteger("wsFallbackMs", 5000);
  final int grace = Integer.getInteger("grace", 90);
  final int hardLimit = Integer.getInteger("hardLimit", 1200);
  final int probePerSecond = Integer.getInteger("probePerSecond", 20);
  final int genLoops = Integer.getInteger("genLoops", 2);
  final int genConnections = Integer.getInteger("genConnections", 1000);
  /** Niceness added to the generator's event loops (the buyers' side), 0 for none. */
  final int genNice = Integer.getInteger("genNice", 0);
  /** Whether PostgreSQL checkpoints right before the drop (see the class comment). */
  final boolean checkpointFirst = Boolean.parseBoolean(System.getProperty("checkpoint", "true"));

  // measurements
  final Latencies create = new Latencies("POST /v1/checkouts");
  final Latencies createRetry = new Latencies("POST /v1/checkouts (retry, same key)");
  final Latencies options = new Latencies("GET /v1/checkouts/{id}/payment-options");
  final Latencies submit = new Latencies("POST /v1/checkouts/{id}/payments");
  final Latencies authorize = new Latencies("POST /v1/checkouts/{id}/authorizations");
  final Latencies poll = new Latencies("GET /v1/checkouts/{id}/status");
  final Latencies probe = new Latencies("GET /v1/checkouts/{id}/status (probe: own thread and connection)");
  final AtomicLong pollsWithTxUnpaid = new AtomicLong();
  /** Polls answered per second of the run, to find the peak. */
  final java.util.concurrent.atomic.AtomicLongArray pollsPerSecond = new java.util.concurrent.atomic.AtomicLongArray(4000);
  final AtomicInteger retryMismatch = new AtomicInteger();
  final AtomicInteger sendFailures = new AtomicInteger();
  /** Live status streams: opened (200), refused or failed to open, reopened after an end without paid. */
  final AtomicInteger streamsOpened = new AtomicInteger();
  final AtomicInteger streamsRefused = new AtomicInteger();
  final AtomicInteger streamReconnects = new AtomicInteger();
  final AtomicLong streamEvents = new AtomicLong();
  final Map<Long, Long> blockSeenNanos = new ConcurrentHashMap<>();
  final Map<String, Long> paidNotifiedNanos = new ConcurrentHashMap<>();
  final Map<Long, Long> blockSeenWallMillis = new ConcurrentHashMap<>();
  final Map<String, Long> paidNotifiedWallMillis = new ConcurrentHashMap<>();

  final Buyer[] buyers;
  final Random random = new Random(42);
  final AtomicBoolean stopping = new AtomicBoolean();
  final CountDownLatch allPaid;
  long t0;
  /** What ran before the drop, for the report. */
  String warmedUp = "none: the drop meets a service started just before it";
  /** PostgreSQL checkpoints begun between the drop's start and its end. */
  long checkpointsInDrop;
  /** When the pay window opened (nanoTime). */
  long payStart;
  /** The wall clock when the pay window opened (for the database's times). */
  long payStartMillis;

  Drop(int n, int payWindow, String orderPrefix, int firstBuyer) {
    this.n = n;
    this.payWindow = payWindow;
    this.orderPrefix = orderPrefix;
    this.firstBuyer = firstBuyer;
    buyers = new Buyer[n];
    allPaid = new CountDownLatch(n);
    for (int i = 0; i < n; i++) {
      // no extra draw without gasless buyers: the same seed gives earlier runs' mix of buyers
      boolean gasless = gaslessShare > 0 && random.nextDouble() < gaslessShare;
      buyers[i] = new Buyer(firstBuyer + i, i, !gasless && random.nextDouble() < ethShare, gasless);
    }
    // drawn from a generator of its own, so that runs without streams keep earlier runs' mix of buyers
    Random sseDraw = new Random(7);
    for (Buyer b : buyers) b.sse = sseShare > 0 && sseDraw.nextDouble() < sseShare;
  }

  static final class Buyer {
    /** The buyer's number: its account and client address derive from it. */
    final int index;
    /** Its place in its drop (when it pays, which generator it is on). */
    final int position;
    final String address;
    final String clientIp;
    final boolean eth;
    /** Pays by signature (no ETH): its key signs the typed data. */
    final boolean gasless;
    final org.web3j.crypto.ECKeyPair key;
    volatile String checkoutId;
    volatile String secret;
    volatile String amount;
    volatile String recipient;
    volatile String tokenAddress;
    volatile String etag;
    volatile String txHash;
    volatile boolean paidSeen;
    volatile long paidSeenNanos;
    volatile String terminal;
    /** Follows its checkout by server-sent events instead of polling. */
    volatile boolean sse;
    volatile String lastEventId;

    Buyer(int index, int position, boolean eth, boolean gasless) {
      this.index = index;
      this.position = position;
      this.gasless = gasless;
      this.key = gasless ? GaslessBuyers.key(index) : null;
      this.address = gasless ? GaslessBuyers.address(key)
          : "0x" + Numeric.toHexStringNoPrefix(Hash.sha3(BigInteger.valueOf(1_000_000L + index).toByteArray())).substring(24);
      this.clientIp = String.format("198.18.%d.%d", (index / 250) % 250, index % 250 + 1);
      this.eth = eth;
    }
  }

  public static void main(String[] args) throws Exception {
    new Drop(Integer.getInteger("n", 1000), Integer.getInteger("payWindow", 120), "DROP-", 0).run();
    System.exit(0);
  }

  void run() throws Exception {
    String runName = "drop-n" + n + "-poll" + pollMs;
    try (Rig rig = new Rig(runName)) {
      // its own name when another drop may run at the same time (the database is dropped first)
      String db = Rig.freshDatabase(System.getProperty("database", "tollgate_load"));
      AnvilProcess anvil = rig.anvil("--block-time", Integer.toString(blockTime), "--auto-impersonate",
          "--gas-limit", "300000000", "--no-request-size-limit");
      String token = rig.deployToken(anvil.rpcUrl());
      prefund(rig, anvil.rpcUrl(), token);
      // The warm-up's buyers are others (numbered after the drop's), paying at the drop's rate.
      Drop warm = warmup <= 0 ? null
          : new Drop(warmup, Math.max(1, (int) Math.round((double) payWindow * warmup / n)), "WARMUP-", n);
      if (warm != null) warm.prefund(rig, anvil.rpcUrl(), token);

      Vertx proxyVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
      CountingRpcProxy proxy = CountingRpcProxy.start(proxyVertx, anvil.rpcUrl());
      int port = Integer.getInteger("port", 18180);
      // Tollgate's chain traffic, HTTP and WebSocket alike, goes through the counting proxy.
      Map<String, String> env = Rig.tollgateEnv(db, proxy.url(), wsHeads ? proxy.wsUrl() : null, token, port,
          "loadtest:drop:" + System.currentTimeMillis() + ":");
      env.put("TOLLGATE_CHAIN_31337_POLL_INTERVAL_MS", Integer.toString(headPollMs));
      env.put("TOLLGATE_CHAIN_31337_WS_FALLBACK_POLL_INTERVAL_MS", Integer.toString(wsFallbackMs));
      // each round's timing (active read, first batch, first write) in tollgate.log
      env.put("TOLLGATE_CHAIN_LOG_LEVEL", "DEBUG");
      if (gaslessShare > 0) env.putAll(GaslessBuyers.tollgateEnv());
      List<String> flags = Boolean.getBoolean("jfr")
          ? List.of("-XX:StartFlightRecording=settings=profile,filename=" + rig.outDir.resolve("tollgate.jfr")) : List.of();
      Process tollgate = rig.startTollgate(env, flags, "tollgate.log");
      String apiKey = rig.createMerchant(env);

      Thread listener = startListener(db);
      Thread blocks = startBlockObserver(rig, anvil.rpcUrl());

      // The generator: genLoops single-event-loop Vert.x instances, buyer i on instance i % genLoops,
      // each with its own pool of genConnections connections to Tollgate.
      Generator[] gens = new Generator[genLoops];
      int streamsPerLoop = sseShare > 0 ? (int) Math.ceil(n * sseShare / genLoops) + 100 : 1;
      for (int g = 0; g < genLoops; g++) gens[g] = Generator.start(port, genConnections, genNice, streamsPerLoop);
      java.net.URI anvilUri = java.net.URI.create(anvil.rpcUrl());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(hardLimit);

      if (warm != null) {
        // A deployed service has run earlier sales: its hot paths are compiled. The warm-up pays
        // its checkouts the same way; nothing of it is in the drop's figures or checks.
        warm.t0 = System.nanoTime();
        Phases warmed = warm.phases(gens, apiKey, anvilUri, token, deadline);
        warm.stopping.set(true);
        warmedUp = String.format("%,d checkouts created in %.1f s and paid over %d s (%s) before the drop; %,d of them seen paid",
            warmup, warmed.creationSeconds(), warm.payWindow, warmed.everyonePaid() ? "all paid" : "NOT all paid",
            Arrays.stream(warm.buyers).filter(b -> b.paidSeen).count());
        System.out.println("warm-up: " + warmedUp);
        Rig.sleep(2L * blockTime * 1000); // its last confirmations and webhooks settle
      }
      long rpcAtStart = proxy.calls();
      long wsAtStart = proxy.webSocketCalls();
      Map<String, Long> rpcByMethodAtStart = proxy.byMethod();

      if (checkpointFirst) Rig.checkpoint();
      long checkpointsAtStart = Rig.checkpointsBegun();
      String loadBefore = Rig.uptime();
      t0 = System.nanoTime();
      for (Latencies l : List.of(create, options, submit, authorize, poll, probe)) l.timeline(t0);
      StatusProbe statusProbe = probePerSecond <= 0 ? null
          : new StatusProbe("127.0.0.1", port, probePerSecond, probeTargets(), probe).start();
      Phases drop = phases(gens, apiKey, anvilUri, token, deadline);
      double creationSeconds = drop.creationSeconds();
      boolean everyonePaid = drop.everyonePaid();
      double seconds = (System.nanoTime() - t0) / 1e9;
      long rpcCalls = proxy.calls() - rpcAtStart;
      Map<String, Long> rpcByMethod = minus(proxy.byMethod(), rpcByMethodAtStart);
      long rpcHttp = proxy.httpRequests();
      long rpcWebSocket = proxy.webSocketCalls() - wsAtStart;
      long webSockets = proxy.webSockets();
      String loadAfter = Rig.uptime();
      checkpointsInDrop = Rig.checkpointsBegun() - checkpointsAtStart;
      stopping.set(true);
      if (statusProbe != null) statusProbe.close();
      Rig.sleep(pollMs + 500L); // let in-flight polls finish
      blocks.interrupt();
      listener.interrupt();

      Verification v = verify(db);
      Rig.stop(tollgate);
      for (Generator gen : gens) gen.vertx().close();
      proxyVertx.close();

      Map<Long, Long> nodeByBlock = nodeTimes(proxy.nodeTimes());
      String report = report(runName, everyonePaid, creationSeconds, seconds,
          new RpcCount(rpcCalls, rpcByMethod, rpcHttp, rpcWebSocket, webSockets), v, loadBefore, loadAfter)
          + (gaslessShare > 0 ? GaslessBuyers.relaySummary(db, rig.outDir.resolve("tollgate.log"), payStartMillis, payWindow, v) : "")
          + bigBatches(proxy.bigBatchTimes()) + nodeShare(v, nodeByBlock) + confirmationSplit(v, proxy.exchanges());
      Files.writeString(rig.outDir.resolve("report.md"), report);
      Files.writeString(rig.outDir.resolve("timeline.csv"), timeline(seconds));
      Files.writeString(rig.outDir.resolve("blocks.csv"), perBlock(v, nodeByBlock));
      System.out.println(report);
    }
  }

  /**
   * Runs this drop against the service from {@link #t0}: creations (bounded concurrency), each
   * created checkout starting its browser, then the payments spread evenly over the pay window,
   * which opens when every checkout exists: all N browsers are polling then (the peak, N / interval
   * polls per second), and the polling drains as buyers pay.
   */
  Phases phases(Generator[] gens, String apiKey, java.net.URI anvilUri, String token, long deadline) throws InterruptedException {
    Semaphore inFlight = new Semaphore(createConcurrency);
    CountDownLatch created = new CountDownLatch(n);
    for (Buyer b : buyers) {
      if (!inFlight.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) break;
      Generator gen = gens[b.position % genLoops];
      createCheckout(gen.vertx(), gen.api(), apiKey, b).onComplete(ar -> {
        inFlight.release();
        created.countDown();
        if (ar.succeeded() && b.sse) {
          startStream(gen.vertx(), gen.events(), b);
        } else if (ar.succeeded()) {
          startPolling(gen.vertx(), gen.api(), b);
        }
      });
    }
    created.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    double creationSeconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf("created %d checkouts (%s) in %.1f s%n", n, orderPrefix, creationSeconds);

    // ---- phase 2: payments spread evenly over the pay window, which opens when every checkout
    // exists: all N browsers are polling then (the peak, N / interval polls per second), and the
    // polling drains as buyers pay
    payStart = System.nanoTime();
    payStartMillis = System.currentTimeMillis();
    for (Buyer b : buyers) {
      long at = payStart + (long) (TimeUnit.SECONDS.toNanos(payWindow) * (b.position + random.nextDouble()) / n);
      Generator gen = gens[b.position % genLoops];
      gen.vertx().setTimer(Math.max(1, (at - System.nanoTime()) / 1_000_000),
          t -> pay(gen.vertx(), gen.api(), gen.chain(), anvilUri, token, b));
    }
    long payDeadline = payStart + TimeUnit.SECONDS.toNanos(payWindow + grace);
    long waitNanos = Math.min(payDeadline, deadline) - System.nanoTime();
    return new Phases(creationSeconds, allPaid.await(Math.max(0, waitNanos), TimeUnit.NANOSECONDS));
  }

  /** How a drop's two phases went: the creation phase's length, and whether every buyer saw paid. */
  record Phases(double creationSeconds, boolean everyonePaid) {}

  // ---------------------------------------------------------------- set-up

  /** Gives every buyer gas money (anvil_setBalance) and ERC-20 buyers 1,000 USDC (balance slot 4). */
  void prefund(Rig rig, String anvilUrl, String token) {
    List<JsonObject> calls = new ArrayList<>();
    for (Buyer b : buyers) {
      if (!b.gasless) calls.add(Rig.call("anvil_setBalance", b.address, "0x56bc75e2d63100000")); // 100 ETH
      if (!b.eth) {
        byte[] slotKey = new byte[64];
        byte[] addr = Numeric.hexStringToByteArray(b.address);
        System.arraycopy(addr, 0, slotKey, 32 - addr.length, addr.length);
        slotKey[63] = 4;
        String slot = Numeric.toHexString(Hash.sha3(slotKey));
        calls.add(Rig.call("anvil_setStorageAt", token, slot, String.format("0x%064x", 1_000_000_000L)));
      }
      if (calls.size() >= 1000) {
        rig.rpcBatch(anvilUrl, calls);
        calls.clear();
      }
    }
    if (!calls.isEmpty()) rig.rpcBatch(anvilUrl, calls);
    for (Buyer b : buyers) {
      if (b.eth) continue;
      String data = FunctionEncoder.encode(new Function("balanceOf", List.of(new Address(b.address)), List.of()));
      String balance = (String) rig.rpc(anvilUrl, "eth_call", new JsonObject().put("to", token).put("data", data), "latest");
      if (Numeric.toBigInt(balance).longValue() != 1_000_000_000L) throw new IllegalStateException("USDC prefund failed: " + balance);
      break;
    }
  }

  /** Records when each block number is first seen (anvil polled every 5 ms, directly). */
  Thread startBlockObserver(Rig rig, String anvilUrl) {
    Thread t = new Thread(() -> {
      long last = -1;
      while (!Thread.currentThread().isInterrupted()) {
        try {
          long head = Numeric.toBigInt((String) rig.rpc(anvilUrl, "eth_blockNumber")).longValue();
          long now = System.nanoTime();
          long wall = System.currentTimeMillis();
          for (long b = last + 1; b <= head; b++) {
            blockSeenNanos.putIfAbsent(b, now);
            blockSeenWallMillis.putIfAbsent(b, wall);
          }
          last = Math.max(last, head);
          Thread.sleep(5);
        } catch (InterruptedException e) {
          return;
        } catch (RuntimeException e) {
          if (Thread.currentThread().isInterrupted()) return;
        }
      }
    }, "block-observer");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** LISTENs on Tollgate's status channel: the moment each checkout's paid snapshot is published. */
  Thread startListener(String databaseUrl) throws Exception {
    Connection c = DriverManager.getConnection("jdbc:" + databaseUrl.replace("postgresql://postgres@", "postgresql://") + "?user=postgres");
    try (Statement st = c.createStatement()) {
      st.execute("LISTEN checkout_status");
    }
    PGConnection pg = c.unwrap(PGConnection.class);
    Thread t = new Thread(() -> {
      try (c) {
        while (!Thread.currentThread().isInterrupted()) {
          PGNotification[] ns = pg.getNotifications(50);
          long now = System.nanoTime();
          if (ns == null) continue;
          for (PGNotification note : ns) {
            JsonObject doc = new JsonObject(note.getParameter());
            if ("paid".equals(doc.getString("status"))) {
              paidNotifiedNanos.putIfAbsent(doc.getString("id"), now);
              paidNotifiedWallMillis.putIfAbsent(doc.getString("id"), System.currentTimeMillis());
            }
          }
        }
      } catch (Exception e) {
        if (!Thread.currentThread().isInterrupted()) e.printStackTrace();
      }
    }, "pg-listener");
    t.setDaemon(true);
    t.start();
    return t;
  }

  // ---------------------------------------------------------------- the shop, the buyers, the browsers

  Future<Void> createCheckout(Vertx vertx, HttpClient api, String apiKey, Buyer b) {
    String token = b.eth ? "ETH" : "USDC";
    String amount = String.format("%d.%02d", 20 + b.index % 180, b.index % 100);
    JsonObject body = new JsonObject().put("orderReference", orderPrefix + b.index).put("amount", amount).put("currency", "USD")
        .put("expiresInSeconds", 1800).put("metadata", new JsonObject().put("seat", "A-" + b.index))
        // the merchant presets the buyer's wallet as the payer: a direct transfer counts only for a
        // checkout whose payer is bound, and a preset payer is bound without a SIWE round of its own
        .put("payer", b.address)
        .put("paymentOptions", new JsonArray().add(new JsonObject().put("chainId", CHAIN).put("token", token)));
    if (b.gasless) body.remove("payer"); // a gasless buyer's signature binds it: no preset
    String key = "drop-" + t0 + "-" + b.index;
    return postCheckout(api, apiKey, key, body, create).compose(first -> {
      JsonObject option = first.getJsonArray("paymentOptions").getJsonObject(0);
      b.checkoutId = first.getString("id");
      b.secret = first.getString("clientSecret");
      b.amount = option.getString("amount");
      b.recipient = option.getString("recipient");
      b.tokenAddress = option.getString("tokenAddress");
      if (random.nextDouble() >= retryShare) return Future.succeededFuture();
      // the shop's retry (e.g. after a timeout): same key, same body -> the same checkout
      return postCheckout(api, apiKey, key, body, createRetry).map(again -> {
        if (!first.getString("id").equals(again.getString("id"))) retryMismatch.incrementAndGet();
        return null;
      });
    });
  }

  private Future<JsonObject> postCheckout(HttpClient api, String apiKey, String key, JsonObject body, Latencies lat) {
    long start = System.nanoTime();
    return api.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/v1/checkouts")
            .putHeader("Authorization", "Bearer " + apiKey).putHeader("Idempotency-Key", key)
            .putHeader("Content-Type", "application/json"))
        .compose(req -> req.send(body.toBuffer()))
        .compose(resp -> resp.body().map(buf -> {
          lat.record(start, Integer.toString(resp.statusCode()));
          if (resp.statusCode() != 201) throw new IllegalStateException("create: " + resp.statusCode() + " " + buf);
          return buf.toJsonObject();
        }), err -> {
          lat.record(start, "io:" + err.getClass().getSimpleName());
          return Future.failedFuture(err);
        });
  }

  /**
   * The probe's checkouts: every created one in turn, each from an address of its own range, so the
   * probe's few polls a second never meet a rate limit the buyers' polls are charged to.
   */
  private java.util.function.Supplier<StatusProbe.Target> probeTargets() {
    AtomicInteger next = new AtomicInteger();
    return () -> {
      for (int tries = 0; tries < n; tries++) {
        int i = Math.floorMod(next.getAndIncrement(), n);
        Buyer b = buyers[i];
        if (b.checkoutId != null && b.secret != null) {
          return new StatusProbe.Target(b.checkoutId, b.secret, String.format("198.19.%d.%d", (i / 250) % 250, i % 250 + 1));
        }
      }
      return null;
    };
  }

  /**
   * Per confirming block: when it was first seen (seconds into the run), how many checkouts it paid,
   * and the slowest of them from block seen to the verdict's transaction, from that transaction to
   * published, and in all (ms). The p99 of 10,000 payments is decided by a block or two, so this
   * says which ones and why.
   */
  String perBlock(Verification v, Map<Long, Long> nodeMicros) {
    Map<Long, List<String>> paidIn = new java.util.TreeMap<>();
    v.blockOfPaidCheckout().forEach((id, block) -> paidIn.computeIfAbsent(block, k -> new ArrayList<>()).add(id));
    StringBuilder csv = new StringBuilder("block,seen_s,paid,seen_to_began_max_ms,began_to_published_max_ms,seen_to_published_p50_ms,seen_to_published_max_ms,node_max_ms\n");
    paidIn.forEach((block, ids) -> {
      Long seen = blockSeenNanos.get(block);
      Long seenWall = blockSeenWallMillis.get(block);
      long toBegan = -1;
      long toPublished = -1;
      List<Long> total = new ArrayList<>();
      for (String id : ids) {
        Long began = v.paidAuditMillis().get(id);
        Long published = paidNotifiedWallMillis.get(id);
        Long notified = paidNotifiedNanos.get(id);
        if (seenWall != null && began != null) toBegan = Math.max(toBegan, began - seenWall);
        if (began != null && published != null) toPublished = Math.max(toPublished, published - began);
        if (seen != null && notified != null) total.add((notified - seen) / 1_000_000);
      }
      total.sort(null);
      csv.append(block).append(',').append(seen == null ? "" : String.format("%.1f", (seen - t0) / 1e9)).append(',')
          .append(ids.size()).append(',').append(toBegan).append(',').append(toPublished).append(',')
          .append(total.isEmpty() ? "" : total.get(total.size() / 2)).append(',')
          .append(total.isEmpty() ? "" : total.get(total.size() - 1)).append(',')
          .append(nodeMicros.containsKey(block) ? Long.toString(nodeMicros.get(block) / 1_000) : "").append('\n');
    });
    return csv.toString();
  }

  /** Per second of the run: blocks first seen, then answers / slowest ms / answers over 50 ms per endpoint. */
  String timeline(double seconds) {
    StringBuilder csv = new StringBuilder("second,blocks_seen");
    List<Latencies> all = List.of(create, options, submit, poll, probe);
    for (String name : List.of("create", "options", "submit", "poll", "probe")) {
      csv.append(',').append(name).append("_n,").append(name).append("_max_ms,").append(name).append("_over50ms");
    }
    csv.append('\n');
    for (int s = 0; s <= (int) seconds && s < 4000; s++) {
      int second = s;
      long blocks = blockSeenNanos.values().stream().filter(t -> t >= t0 && (t - t0) / 1_000_000_000L == second).count();
      csv.append(s).append(',').append(blocks);
      for (Latencies l : all) {
        long[] v = l.second(s);
        csv.append(',').append(v[0]).append(',').append(v[1]).append(',').append(v[2]);
      }
      csv.append('\n');
    }
    return csv.toString();
  }

  void startPolling(Vertx vertx, HttpClient api, Buyer b) {
    vertx.setTimer(1 + random.nextInt(pollMs), t -> pollOnce(vertx, api, b));
  }

  private void pollOnce(Vertx vertx, HttpClient api, Buyer b) {
    if (stopping.get() || b.paidSeen || b.terminal != null) return;
    long start = System.nanoTime();
    boolean withTx = b.txHash != null;
    RequestOptions ro = new RequestOptions().setMethod(HttpMethod.GET).setURI("/v1/checkouts/" + b.checkoutId + "/status")
        .putHeader("X-Client-Secret", b.secret).putHeader("X-Forwarded-For", b.clientIp);
    if (b.etag != null) ro.putHeader("If-None-Match", b.etag);
    api.request(ro).compose(req -> req.send()).compose(resp -> resp.body().map(buf -> {
      int code = resp.statusCode();
      poll.record(start, Integer.toString(code));
      pollsPerSecond.incrementAndGet((int) Math.min(3999, (System.nanoTime() - t0) / 1_000_000_000L));
      if (code == 200) {
        b.etag = resp.getHeader("ETag");
        String status = buf.toJsonObject().getString("status");
        if ("paid".equals(status)) {
          b.paidSeen = true;
          b.paidSeenNanos = System.nanoTime();
          allPaid.countDown();
        } else if ("failed".equals(status) || "expired".equals(status)) {
          b.terminal = status + ":" + buf.toJsonObject().getString("statusReason");
        }
      }
      if (withTx && !b.paidSeen) pollsWithTxUnpaid.incrementAndGet();
      return null;
    }), err -> {
      poll.record(start, "io:" + err.getClass().getSimpleName());
      return Future.succeededFuture();
    }).onComplete(done -> {
      if (!b.paidSeen && b.terminal == null && !stopping.get()) vertx.setTimer(pollMs, t -> pollOnce(vertx, api, b));
    });
  }

  /**
   * A browser's EventSource: one connection held per buyer, the status pushed. An end without paid
   * (a dropped stream, a refusal) is followed by a reconnect after the stream's retry delay with
   * Last-Event-ID, as EventSource does.
   */
  void startStream(Vertx vertx, HttpClient events, Buyer b) {
    if (stopping.get() || b.paidSeen || b.terminal != null) return;
    RequestOptions ro = new RequestOptions().setMethod(HttpMethod.GET).setURI("/v1/checkouts/" + b.checkoutId + "/events")
        .putHeader("X-Client-Secret", b.secret).putHeader("X-Forwarded-For", b.clientIp);
    if (b.lastEventId != null) ro.putHeader("Last-Event-ID", b.lastEventId);
    events.request(ro).compose(req -> req.send()).onComplete(ar -> {
      if (ar.failed() || ar.result().statusCode() != 200) {
        streamsRefused.incrementAndGet();
        if (ar.succeeded()) ar.result().body();
        reopen(vertx, events, b);
        return;
      }
      streamsOpened.incrementAndGet();
      StringBuilder pending = new StringBuilder();
      ar.result().handler(chunk -> {
        pending.append(chunk.toString());
        for (int end = pending.indexOf("\n\n"); end >= 0; end = pending.indexOf("\n\n")) {
          String block = pending.substring(0, end);
          pending.delete(0, end + 2);
          int data = block.indexOf("data: ");
          if (data < 0) continue;
          streamEvents.incrementAndGet();
          int id = block.indexOf("id: ");
          if (id >= 0) b.lastEventId = block.substring(id + 4, block.indexOf('\n', id));
          if (block.contains("\"status\":\"paid\"") && !b.paidSeen) {
            b.paidSeen = true;
            b.paidSeenNanos = System.nanoTime();
            allPaid.countDown();
          }
        }
      });
      ar.result().endHandler(v -> reopen(vertx, events, b));
      ar.result().exceptionHandler(e -> { });
    });
  }

  private void reopen(Vertx vertx, HttpClient events, Buyer b) {
    if (stopping.get() || b.paidSeen) return;
    streamReconnects.incrementAndGet();
    vertx.setTimer(2_000, t -> startStream(vertx, events, b));
  }

  void pay(Vertx vertx, HttpClient api, HttpClient chain, java.net.URI anvil, String token, Buyer b) {
    if (stopping.get() || b.checkoutId == null) return;
    if (b.gasless) {
      GaslessBuyers.pay(api, b.checkoutId, b.secret, b.clientIp, b.key, options, authorize).onFailure(err -> {
        sendFailures.incrementAndGet();
        System.err.println("gasless buyer " + b.index + ": " + err.getMessage());
      });
      return;
    }
    long optionsStart = System.nanoTime();
    api.request(new RequestOptions().setMethod(HttpMethod.GET).setURI("/v1/checkouts/" + b.checkoutId + "/payment-options")
            .putHeader("X-Client-Secret", b.secret).putHeader("X-Forwarded-For", b.clientIp))
        .compose(req -> req.send()).compose(resp -> resp.body().map(buf -> {
          options.record(optionsStart, Integer.toString(resp.statusCode()));
          return null;
        }))
        .compose(ignored -> {
          JsonObject tx = new JsonObject().put("from", b.address);
          if (b.eth) {
            tx.put("to", b.recipient).put("value", Rig.hex(new BigInteger(b.amount))).put("gas", "0x5208");
          } else {
            tx.put("to", b.tokenAddress).put("gas", "0x186a0").put("data", FunctionEncoder.encode(new Function("transfer",
                List.of(new Address(b.recipient), new Uint256(new BigInteger(b.amount))), List.of())));
          }
          JsonObject call = new JsonObject().put("jsonrpc", "2.0").put("id", 1).put("method", "eth_sendTransaction")
              .put("params", new JsonArray().add(tx));
          return chain.request(new RequestOptions().setMethod(HttpMethod.POST).setHost(anvil.getHost()).setPort(anvil.getPort())
                  .setURI("/").putHeader("Content-Type", "application/json"))
              .compose(req -> req.send(call.toBuffer()))
              .compose(resp -> resp.body())
              .map(buf -> {
                JsonObject answer = buf.toJsonObject();
                if (answer.containsKey("error")) throw new IllegalStateException("send: " + answer.getValue("error"));
                return answer.getString("result");
              });
        })
        .compose(hash -> {
          b.txHash = hash;
          long start = System.nanoTime();
          JsonObject body = new JsonObject().put("chainId", CHAIN).put("token", b.eth ? "ETH" : "USDC").put("txHash", hash);
          return api.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/v1/checkouts/" + b.checkoutId + "/payments")
                  .putHeader("X-Client-Secret", b.secret).putHeader("X-Forwarded-For", b.clientIp)
                  .putHeader("Content-Type", "application/json"))
              .compose(req -> req.send(body.toBuffer()))
              .compose(resp -> resp.body().map(buf -> {
                submit.record(start, Integer.toString(resp.statusCode()));
                if (resp.statusCode() != 202) System.err.println("submit " + resp.statusCode() + " " + buf);
                return null;
              }));
        })
        .onFailure(err -> {
          sendFailures.incrementAndGet();
          System.err.println("buyer " + b.index + ": " + err.getMessage());
        });
  }

  // ---------------------------------------------------------------- verification and report

  private static String cpusOr(String variable) {
    String cpus = System.getenv(variable);
    return cpus == null || cpus.isBlank() ? "unpinned" : "on CPUs " + cpus.trim() + " (" + variable + ")";
  }

  record Verification(Map<String, Long> checkoutsByStatus, Map<String, Long> paymentsByStatus, long doubleCredits,
      long paidWithoutOneConfirmed, long paidTransitionsTwice, Map<String, Long> blockOfPaidCheckout,
      Map<String, Long> paidAuditMillis) {}

  Verification verify(String databaseUrl) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:" + databaseUrl.replace("postgresql://postgres@", "postgresql://") + "?user=postgres");
        Statement st = c.createStatement()) {
      // This drop's checkouts only (not a warm-up's); the prefix is this class's own constant.
      String mine = "c.order_reference LIKE '" + orderPrefix + "%'";
      Map<String, Long> byStatus = new LinkedHashMap<>();
      try (ResultSet rs = st.executeQuery("SELECT status, count(*) FROM checkouts c WHERE " + mine + " GROUP BY 1 ORDER BY 1")) {
        while (rs.next()) byStatus.put(rs.getString(1), rs.getLong(2));
      }
      Map<String, Long> payments = new LinkedHashMap<>();
      try (ResultSet rs = st.executeQuery("SELECT p.status || coalesce(':' || p.reason, ''), count(*) FROM payments p JOIN checkouts c ON c.id = p.checkout_id WHERE "
          + mine + " GROUP BY 1 ORDER BY 1")) {
        while (rs.next()) payments.put(rs.getString(1), rs.getLong(2));
      }
      long doubles;
      try (ResultSet rs = st.executeQuery(
          "SELECT count(*) FROM (SELECT checkout_id FROM payments p JOIN checkouts c ON c.id = p.checkout_id WHERE p.status = 'confirmed' AND "
          + mine + " GROUP BY 1 HAVING count(*) > 1) d")) {
        rs.next();
        doubles = rs.getLong(1);
      }
      long paidWithoutOne;
      try (ResultSet rs = st.executeQuery("SELECT count(*) FROM checkouts c WHERE " + mine + " AND c.status = 'paid' AND ("
          + "(SELECT count(*) FROM payments p WHERE p.checkout_id = c.id AND p.status = 'confirmed') <> 1 "
          + "OR NOT EXISTS (SELECT 1 FROM payments p WHERE p.id = c.paid_payment_id AND p.status = 'confirmed'))")) {
        rs.next();
        paidWithoutOne = rs.getLong(1);
      }
      long twice;
      try (ResultSet rs = st.executeQuery(
          "SELECT count(*) FROM (SELECT checkout_id FROM checkout_events e JOIN checkouts c ON c.id = e.checkout_id WHERE e.to_status = 'paid' AND "
          + mine + " GROUP BY 1 HAVING count(*) > 1) d")) {
        rs.next();
        twice = rs.getLong(1);
      }
      Map<String, Long> blocks = new ConcurrentHashMap<>();
      try (ResultSet rs = st.executeQuery(
          "SELECT c.id::text, p.block_number FROM checkouts c JOIN payments p ON p.id = c.paid_payment_id WHERE c.status = 'paid' AND " + mine)) {
        while (rs.next()) blocks.put(rs.getString(1), rs.getLong(2));
      }
      // when the transaction that wrote 'paid' began (the audit row's default now())
      Map<String, Long> audit = new ConcurrentHashMap<>();
      try (ResultSet rs = st.executeQuery(
          "SELECT e.checkout_id::text, (extract(epoch FROM e.at) * 1000)::bigint FROM checkout_events e JOIN checkouts c ON c.id = e.checkout_id "
          + "WHERE e.to_status = 'paid' AND " + mine)) {
        while (rs.next()) audit.put(rs.getString(1), rs.getLong(2));
      }
      return new Verification(byStatus, payments, doubles, paidWithoutOne, twice, blocks, audit);
    }
  }

  /**
   * Tollgate's JSON-RPC traffic during the drop, as the counting proxy saw it.
   *
   * @param calls every call (each call of a batch) and every subscription notification
   * @param byMethod the same by method; notifications under {@code eth_subscription}
   * @param httpRequests HTTP requests since the proxy started (a batch is one)
   * @param webSocketCalls calls and notifications that went over the WebSocket (part of {@code calls})
   * @param webSockets WebSocket connections since the proxy started (1 + reconnects)
   */
  /** One of the generator's event loops, with its clients to Tollgate and to anvil. */
  record Generator(Vertx vertx, HttpClient api, HttpClient chain, HttpClient events) {
    static Generator start(int port, int connections, int niceness, int streams) {
      Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
      if (niceness > 0) {
        // The buyers stand for browsers and wallets on other machines: on this one they take the
        // CPU the service, PostgreSQL, Redis and anvil leave. The probe, the block observer, the
        // LISTEN thread and the RPC proxy keep their priority: they measure, or stand for the network.
        // On the event loop itself (the one thread of this instance), once, before any load.
        java.util.concurrent.CompletableFuture<String> reniced = new java.util.concurrent.CompletableFuture<>();
        vertx.getOrCreateContext().runOnContext(v -> reniced.complete(Rig.niceCurrentThread(niceness)));
        String tid = reniced.join();
        if (tid == null) throw new IllegalStateException("genNice=" + niceness + " asked for, but the generator's priority could not be lowered");
      }
      // every request is bounded: a connection idle for 30 s fails its request
      HttpClient api = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setDefaultHost("127.0.0.1")
              .setDefaultPort(port).setConnectTimeout(5_000).setIdleTimeout(30),
          new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
      HttpClient chain = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(5_000).setIdleTimeout(30),
          new PoolOptions().setHttp1MaxSize(16).setMaxWaitQueueSize(-1));
      // one connection per live status stream, as browsers hold them
      HttpClient events = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false).setDefaultHost("127.0.0.1")
              .setDefaultPort(port).setConnectTimeout(5_000),
          new PoolOptions().setHttp1MaxSize(streams).setMaxWaitQueueSize(-1));
      return new Generator(vertx, api, chain, events);
    }
  }

  record RpcCount(long calls, Map<String, Long> byMethod, long httpRequests, long webSocketCalls, long webSockets) {
    /** Costs of time and blocks, not of payments: the head poll and the new-heads subscription. */
    long headTracking() {
      return byMethod.getOrDefault("eth_blockNumber", 0L) + byMethod.getOrDefault("eth_subscribe", 0L)
          + byMethod.getOrDefault("eth_subscription", 0L);
    }
  }

  String report(String runName, boolean everyonePaid, double creationSeconds, double seconds, RpcCount rpc,
      Verification v, String loadBefore, String loadAfter) {
    long paid = v.checkoutsByStatus().getOrDefault("paid", 0L);
    long paidSeen = Arrays.stream(buyers).filter(b -> b.paidSeen).count();
    // confirmation latency: block first seen (anvil polled every 5 ms) -> paid snapshot published
    // (PostgreSQL NOTIFY, which every instance's status cache applies on arrival)
    List<Long> notifyDelay = new ArrayList<>();
    List<Long> seenDelay = new ArrayList<>();
    Map<String, Buyer> byId = new ConcurrentHashMap<>();
    for (Buyer b : buyers) if (b.checkoutId != null) byId.put(b.checkoutId, b);
    v.blockOfPaidCheckout().forEach((id, block) -> {
      Long blockSeen = blockSeenNanos.get(block);
      Long notified = paidNotifiedNanos.get(id);
      if (blockSeen != null && notified != null) notifyDelay.add((notified - blockSeen) / 1_000);
      Buyer b = byId.get(id);
      if (blockSeen != null && b != null && b.paidSeen) seenDelay.add((b.paidSeenNanos - blockSeen) / 1_000);
    });
    // the same delay split at the start of the verdict's transaction (wall clocks of one machine, ms)
    List<Long> toTransaction = new ArrayList<>();
    List<Long> transactionToNotify = new ArrayList<>();
    v.blockOfPaidCheckout().forEach((id, block) -> {
      Long seen = blockSeenWallMillis.get(block);
      Long began = v.paidAuditMillis().get(id);
      Long published = paidNotifiedWallMillis.get(id);
      if (seen != null && began != null) toTransaction.add((began - seen) * 1_000);
      if (began != null && published != null) transactionToNotify.add((published - began) * 1_000);
    });
    Map<String, Long> terminal = new LinkedHashMap<>();
    for (Buyer b : buyers) if (b.terminal != null) terminal.merge(b.terminal, 1L, Long::sum);
    long ethBuyers = Arrays.stream(buyers).filter(b -> b.eth).count();
    long pollErrors429 = poll.count("429");
    long pollsNon2xx = poll.outcomes().entrySet().stream()
        .filter(e -> !e.getKey().equals("200") && !e.getKey().equals("304") && !e.getKey().equals("429"))
        .mapToLong(Map.Entry::getValue).sum();
    double perPaid = paid == 0 ? Double.NaN : (double) rpc.calls() / paid;

    StringBuilder r = new StringBuilder();
    r.append("### Drop ").append(runName).append(" (").append(Instant.now()).append(")\n\n");
    String heads = wsHeads
        ? String.format("new heads by WebSocket subscription (head poll %d ms while it is down, %d ms while live)",
            headPollMs, Math.max(headPollMs, wsFallbackMs))
        : String.format("head poll %d ms, no subscription", headPollMs);
    r.append(String.format("N = %,d checkouts (%,d native ETH, %,d USDC), poll interval %d ms, anvil --block-time %d, "
        + "Tollgate %s, pay window %d s; load average before %s, after %s.%n%n",
        n, ethBuyers, n - ethBuyers, pollMs, blockTime, heads, payWindow, loadBefore, loadAfter));
    r.append(String.format("Warm-up: %s.%n%n", warmedUp));
    // After a checkpoint the next change to every page writes the whole page to the WAL: in one run
    // (2026-11-23) the blocks after a timed checkpoint published in a median 117 ms, 81 ms before it.
    r.append(String.format("PostgreSQL: %s; checkpoints begun during the drop: %d.%n%n",
        checkpointFirst ? "CHECKPOINT right before the drop" : "no checkpoint asked for before the drop", checkpointsInDrop));
    r.append(String.format("Generator: %d event loop(s), %d connections to Tollgate each, niceness +%d; probe %d polls/s.%n%n",
        genLoops, genConnections, genNice, probePerSecond));
    r.append(String.format("CPUs: the rig (generator, probe, proxy, anvil) %s; Tollgate %s; PostgreSQL and Redis unpinned.%n%n",
        cpusOr("LOADTEST_RIG_CPUS"), cpusOr("LOADTEST_SERVICE_CPUS")));
    r.append(String.format("* everyone paid before the deadline: %s; run took %.1f s (creation phase %.1f s)%n", everyonePaid, seconds, creationSeconds));
    r.append(String.format("* creations/s: %,.0f (%,d creations, %d in flight at most; %,d retried with the same key, %d answered with another id)%n",
        n / creationSeconds, create.count(), createConcurrency, createRetry.count(), retryMismatch.get()));
    r.append(String.format("* polls/s: %,.0f on average over the run (%,d polls); expected at the plateau N/interval = %,.0f%n",
        poll.count() / seconds, poll.count(), n * 1000.0 / pollMs));
    long best = 0;
    int bestStart = 0;
    for (int i = 0; i + 10 <= pollsPerSecond.length(); i++) {
      long sum = 0;
      for (int j = i; j < i + 10; j++) sum += pollsPerSecond.get(j);
      if (sum > best) {
        best = sum;
        bestStart = i;
      }
    }
    r.append(String.format("* polls/s at the peak (busiest 10 s, from second %d of the run): %,.0f%n", bestStart, best / 10.0));
    // The plateau: the seconds in which the browsers polled at (nearly) N / interval, i.e. the
    // "5,000 polls/s" of the target at N = 10,000, without the creation phase's ramp. The rate is
    // taken over a poll interval's worth of seconds: browsers that poll again an interval after their
    // last answer fall into step (a stall releases many answers at once), so single seconds alternate.
    double plateauRate = 0.9 * n * 1000.0 / pollMs;
    int window = Math.max(1, pollMs / 1000);
    java.util.BitSet plateau = new java.util.BitSet();
    for (int sec = 0; sec + window <= (int) Math.ceil(seconds); sec++) {
      long polls = 0;
      for (int w = sec; w < sec + window; w++) polls += poll.second(w)[0];
      if (polls >= plateauRate * window) plateau.set(sec, sec + window);
    }
    long[] plateauPolls = poll.during(plateau::get);
    r.append(String.format("* polls at the plateau (the %d seconds in %d-s windows averaging at least %,.0f polls/s, 90 %% of "
        + "N/interval; %,.0f polls/s on average in them; first %d, last %d): generator %s; probe %s%n",
        plateau.cardinality(), window, plateauRate, plateauPolls.length / (double) Math.max(1, plateau.cardinality()),
        plateau.nextSetBit(0), plateau.length() - 1, millis(plateauPolls), millis(probe.during(plateau::get))));
    r.append(String.format("* errors: polls 429 = %,d, polls other non-2xx/304 = %,d, buyer send/submit failures = %d%n",
        pollErrors429, pollsNon2xx, sendFailures.get()));
    r.append(String.format("* PostgreSQL: checkouts %s; payments %s%n", v.checkoutsByStatus(), v.paymentsByStatus()));
    r.append(String.format("* paid %,d of %,d (seen paid by the polling browsers: %,d); lost (not paid) %,d; double credits "
        + "(checkouts with more than one confirmed payment) %d; paid checkouts without exactly one confirmed payment %d; "
        + "checkouts with two 'paid' audit rows %d; browsers that saw failed/expired: %s%n",
        paid, n, paidSeen, n - paid, v.doubleCredits(), v.paidWithoutOneConfirmed(), v.paidTransitionsTwice(), terminal));
    r.append(String.format("* JSON-RPC calls by Tollgate during the drop: %,d (%,d of them over the WebSocket, on %d "
        + "connection(s) in all; %,d HTTP requests in all); per paid checkout %.2f (without the head tracking, "
        + "eth_blockNumber + eth_subscribe + eth_subscription notifications: %.2f); by method %s%n",
        rpc.calls(), rpc.webSocketCalls(), rpc.webSockets(), rpc.httpRequests(), perPaid,
        paid == 0 ? Double.NaN : (double) (rpc.calls() - rpc.headTracking()) / paid, rpc.byMethod()));
    long gaslessBuyers = Arrays.stream(buyers).filter(b -> b.gasless).count();
    if (gaslessBuyers > 0) {
      long gaslessPaid = Arrays.stream(buyers).filter(b -> b.gasless && b.checkoutId != null
          && v.blockOfPaidCheckout().containsKey(b.checkoutId)).count();
      r.append(GaslessBuyers.report(rpc.byMethod(), rpc.headTracking(), paid, gaslessBuyers, gaslessPaid, authorize));
    }
    r.append(String.format("* verify-on-every-poll contrast: %,d polls came while the buyer's tx was submitted and not yet paid; "
        + "at 3 calls per verify (receipt, block number, block) that design would make %,d calls, %.1f per paid checkout "
        + "(and it grows with the poll rate)%n",
        pollsWithTxUnpaid.get(), 3 * pollsWithTxUnpaid.get(), paid == 0 ? Double.NaN : 3.0 * pollsWithTxUnpaid.get() / paid));
    r.append(String.format("* confirming block first seen -> paid snapshot published (NOTIFY): %s%n", summary(notifyDelay)));
    r.append(String.format("*   of which block first seen -> the verdict's transaction began (audit row time): %s%n", summary(toTransaction)));
    r.append(String.format("*   and the verdict's transaction began -> paid published: %s%n", summary(transactionToNotify)));
    r.append(String.format("* confirming block first seen -> a polling browser saw paid (includes up to one poll interval): %s%n",
        summary(seenDelay)));
    if (sseShare > 0) {
      // paid published (NOTIFY) -> the buyer's browser has it: pushed on a stream, or found by the next poll
      List<Long> bySse = new ArrayList<>();
      List<Long> byPoll = new ArrayList<>();
      for (Buyer b : buyers) {
        Long published = b.checkoutId == null ? null : paidNotifiedNanos.get(b.checkoutId);
        if (published == null || !b.paidSeen) continue;
        (b.sse ? bySse : byPoll).add((b.paidSeenNanos - published) / 1_000);
      }
      long sseBuyers = Arrays.stream(buyers).filter(b -> b.sse).count();
      r.append(String.format("* live status streams (sseShare %.2f, %,d buyers): opened %,d, refused or failed to open %,d, "
          + "reopened after an end without paid %,d, events received %,d%n",
          sseShare, sseBuyers, streamsOpened.get(), streamsRefused.get(), streamReconnects.get(), streamEvents.get()));
      r.append(String.format("* paid published (NOTIFY) -> the buyer's browser has it: by server-sent event %s; by polling every %d ms %s%n",
          summary(bySse), pollMs, summary(byPoll)));
    }
    // A block confirms ~N/(payWindow/blockTime) payments at once, so the p99 over payments is its
    // slowest block or two; and the first blocks of the pay window run code the JIT has not compiled yet.
    Map<Long, Long> slowestOfBlock = new java.util.TreeMap<>();
    List<Long> afterFirst10s = new ArrayList<>();
    v.blockOfPaidCheckout().forEach((id, block) -> {
      Long blockSeen = blockSeenNanos.get(block);
      Long notified = paidNotifiedNanos.get(id);
      if (blockSeen == null || notified == null) return;
      slowestOfBlock.merge(block, (notified - blockSeen) / 1_000, Math::max);
      if (blockSeen - payStart >= TimeUnit.SECONDS.toNanos(10)) afterFirst10s.add((notified - blockSeen) / 1_000);
    });
    r.append(String.format("* confirming blocks: %d; with their slowest payment published within 100 ms: %d; "
        + "payments of the blocks seen 10 s or more into the pay window: %s%n%n",
        slowestOfBlock.size(), slowestOfBlock.values().stream().filter(us -> us <= 100_000).count(), summary(afterFirst10s)));
    r.append(Latencies.header()).append('\n');
    for (Latencies l : List.of(create, createRetry, options, submit, authorize, poll, probe)) r.append(l.row(seconds)).append('\n');
    return r.toString();
  }

  /**
   * Per block, how long the chain node took over the block's round: the longest of Tollgate's
   * JSON-RPC requests of at least {@link #ROUND_CALLS} calls sent within a second of the block being
   * seen, from sent to anvil to its answer read (µs). Nothing of that block can be decided before
   * its answer, so this is a floor under the block's confirmation delay that the service does not set.
   */
  Map<Long, Long> nodeTimes(List<long[]> requests) {
    Map<Long, Long> byBlock = new java.util.TreeMap<>();
    blockSeenNanos.forEach((block, seen) -> {
      for (long[] r : requests) {
        if (r[0] >= ROUND_CALLS && r[1] >= seen && r[1] - seen < TimeUnit.SECONDS.toNanos(1)) {
          byBlock.merge(block, (r[2] - r[1]) / 1_000, Math::max);
        }
      }
    });
    return byBlock;
  }

  static final int ROUND_CALLS = 10;

  /** The chain node's share of the confirmation delay, per confirming block (see {@link #nodeTimes}). */
  String nodeShare(Verification v, Map<Long, Long> nodeMicros) {
    Map<Long, Long> paidIn = new java.util.TreeMap<>();
    v.blockOfPaidCheckout().values().forEach(block -> paidIn.merge(block, 1L, Long::sum));
    List<Long> perBlock = new ArrayList<>();
    long slowBlocks = 0;
    long paymentsInSlow = 0;
    for (Map.Entry<Long, Long> e : paidIn.entrySet()) {
      Long micros = nodeMicros.get(e.getKey());
      if (micros == null) continue;
      perBlock.add(micros);
      if (micros > 100_000) {
        slowBlocks++;
        paymentsInSlow += e.getValue();
      }
    }
    return String.format("%n* the chain node's share, per confirming block: its round's slowest JSON-RPC request (at least %d calls, "
        + "sent within 1 s of the block) from sent to anvil to answer read: %s; blocks where that alone took more than 100 ms: "
        + "%d of %d, paying %,d checkouts (%.1f %% of them)%n",
        ROUND_CALLS, summary(perBlock), slowBlocks, perBlock.size(), paymentsInSlow,
        v.blockOfPaidCheckout().isEmpty() ? 0.0 : 100.0 * paymentsInSlow / v.blockOfPaidCheckout().size());
  }

  /** Tollgate's own part of the confirmation delay must stay within this at p99, whatever the node does (µs). */
  static final long TOLLGATE_PART_TARGET_MICROS = 100_000;

  /**
   * The confirmation delay of each paid checkout split at the JSON-RPC batch that decided it
   * ({@link ConfirmationSplit}): block first seen → batch sent, the batch at the node, batch
   * answered → paid published. The last is Tollgate's own part, which a co-located node cannot spoil.
   */
  String confirmationSplit(Verification v, List<ConfirmationSplit.Exchange> exchanges) {
    Map<String, Buyer> byId = new java.util.HashMap<>();
    for (Buyer b : buyers) if (b.checkoutId != null) byId.put(b.checkoutId, b);
    List<ConfirmationSplit.Paid> paid = new ArrayList<>();
    int unobserved = 0;
    for (Map.Entry<String, Long> e : v.blockOfPaidCheckout().entrySet()) {
      Buyer b = byId.get(e.getKey());
      Long seen = blockSeenNanos.get(e.getValue());
      Long published = paidNotifiedNanos.get(e.getKey());
      if (b == null || b.txHash == null || seen == null || published == null) {
        unobserved++;
        continue;
      }
      paid.add(new ConfirmationSplit.Paid(b.txHash, e.getValue(), seen, published));
    }
    // what a browser adds after publication: the wait for its next poll (up to pollMs), in neither part
    long[] toBrowser = v.blockOfPaidCheckout().keySet().stream()
        .filter(id -> byId.containsKey(id) && byId.get(id).paidSeen && paidNotifiedNanos.containsKey(id))
        .mapToLong(id -> (byId.get(id).paidSeenNanos - paidNotifiedNanos.get(id)) / 1_000).toArray();
    ConfirmationSplit.Result split = ConfirmationSplit.split(paid, exchanges);
    long[] tollgate = split.tollgate();
    long p99 = ConfirmationSplit.percentile(tollgate, 99);
    return String.format("%n* confirmation delay split at the JSON-RPC batch that decided each payment (%,d paid checkouts; "
        + "%,d without a batch that asked about them, %,d without a block or publish time):%n"
        + "*   block first seen -> that batch sent to the node (head announcement, active read, an earlier batch of the round): %s%n"
        + "*   the chain node's part, batch sent -> its answer read (at the proxy): %s%n"
        + "*   Tollgate's own part, batch answered -> paid published (the NOTIFY every status cache applies): %s; "
        + "target <= 100 ms at p99: %s%n"
        + "*   after it, paid published -> a polling browser saw it (the wait for its next poll, up to %d ms; in neither part): %s%n",
        split.parts().size(), split.unattributed(), unobserved, ConfirmationSplit.p50p99(split.beforeBatch()),
        ConfirmationSplit.p50p99(split.atNode()), ConfirmationSplit.p50p99(tollgate),
        tollgate.length == 0 ? "not measured" : p99 <= TOLLGATE_PART_TARGET_MICROS ? "met" : "missed",
        pollMs, ConfirmationSplit.p50p99(toBrowser));
  }

  /** Where Tollgate's big JSON-RPC batches (a block's receipts) spent their time: at anvil, or in the proxy. */
  static String bigBatches(List<long[]> times) {
    if (times.isEmpty()) return "";
    List<Long> atAnvil = new ArrayList<>();
    List<Long> inProxy = new ArrayList<>();
    long fewest = Long.MAX_VALUE;
    long most = 0;
    for (long[] t : times) {
      fewest = Math.min(fewest, t[0]);
      most = Math.max(most, t[0]);
      atAnvil.add(t[1]);
      inProxy.add(t[2] - t[1]);
    }
    return String.format("%n* JSON-RPC requests of at least %d calls through the counting proxy: %d, of %d to %d calls;%n"
        + "  at anvil (request sent to answer read): %s;%n  in the proxy besides (arrival to answer sent, minus anvil): %s%n",
        CountingRpcProxy.BIG_BATCH, times.size(), fewest, most, summary(atAnvil), summary(inProxy));
  }

  /** p50 / p99 / p99.9 / max of latencies in microseconds, to 0.1 ms. */
  static String millis(long[] micros) {
    if (micros.length == 0) return "no samples";
    long[] s = micros.clone();
    Arrays.sort(s);
    java.util.function.DoubleFunction<Double> p = q -> s[(int) Math.min(s.length - 1, Math.max(0, Math.ceil(q / 100 * s.length) - 1))] / 1000.0;
    return String.format("n = %,d, p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, max %.1f ms", s.length, p.apply(50), p.apply(99),
        p.apply(99.9), s[s.length - 1] / 1000.0);
  }

  static String summary(List<Long> micros) {
    if (micros.isEmpty()) return "no samples";
    long[] s = micros.stream().mapToLong(Long::longValue).sorted().toArray();
    java.util.function.DoubleFunction<Double> p = q -> s[(int) Math.min(s.length - 1, Math.max(0, Math.ceil(q / 100 * s.length) - 1))] / 1000.0;
    return String.format("n = %,d, p50 %.0f ms, p99 %.0f ms, p99.9 %.0f ms, max %.0f ms", s.length, p.apply(50), p.apply(99),
        p.apply(99.9), s[s.length - 1] / 1000.0);
  }

  static Map<String, Long> minus(Map<String, Long> after, Map<String, Long> before) {
    Map<String, Long> out = new LinkedHashMap<>();
    after.forEach((k, v) -> {
      long d = v - before.getOrDefault(k, 0L);
      if (d != 0) out.put(k, d);
    });
    return out;
  }
}
