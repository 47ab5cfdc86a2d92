package io.tollgate.faults;

import io.tollgate.db.DatabaseSettings;
import io.tollgate.dev.AnvilProcess;
import io.tollgate.dev.ContractArtifact;
import io.tollgate.merchant.MerchantAdmin;
import io.tollgate.merchant.PaymentMethod;
import io.tollgate.testing.TestChain;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.web3j.abi.datatypes.Utf8String;

/**
 * {@code scripts/faults [scenario ...]}: one deployment on loopback, then each scenario in turn:
 * buyers start paying, the fault begins while their payments are in flight, ends, and the suite
 * waits for every checkout to settle before it counts. Prints one row per scenario (see
 * {@link Tally#header()}); exits 1 when a scenario fell short of "done" (issue 22).
 */
public final class FaultSuite {
  /** A fault: what breaks when it begins, what is mended when it ends. */
  private interface Action {
    void run() throws Exception;
  }

  private record Scenario(String name, int buyers, int expirySeconds, long faultAfterMillis, long faultForMillis,
      Action begin, Action end, boolean readinessCounts, boolean greedyPoller) {}

  private final Deployment d;
  private final ShopClient shop;
  private final WebhookSink sink;
  private ChaosRpcProxy rpc;
  private Buyers buyers;
  private String shopA;
  private java.util.UUID shopAId;
  private String shopB;
  private TestChain chain;

  private FaultSuite(Deployment d, WebhookSink sink) {
    this.d = d;
    this.sink = sink;
    this.shop = new ShopClient("http://127.0.0.1:" + d.httpPort);
  }

  public static void main(String[] args) throws Exception {
    Path work = Path.of("target", "faults-run");
    Set<String> only = Set.of(args);
    List<Tally> results = new ArrayList<>();
    try (Deployment d = new Deployment(work); WebhookSink sink = new WebhookSink();
        AnvilProcess anvil = AnvilProcess.start(AnvilProcess.defaultProjectDir(), Buyers.CHAIN_ID)) {
      // Ctrl-C or a kill stops what the suite started too, not only a normal end
      Thread cleanup = new Thread(() -> {
        d.close();
        anvil.close();
      }, "faults-cleanup");
      Runtime.getRuntime().addShutdownHook(cleanup);
      FaultSuite suite = new FaultSuite(d, sink);
      suite.setUp(anvil);
      for (Scenario s : suite.scenarios()) {
        if (!only.isEmpty() && !only.contains(s.name())) continue;
        Tally t = suite.run(s);
        results.add(t);
        System.out.println(Tally.header());
        System.out.println(t.row());
      }
      suite.rpc.close();
    }
    StringBuilder report = new StringBuilder("fault suite, " + Instant.now() + ", " + Runtime.getRuntime().availableProcessors()
        + " cores\n" + Tally.header() + "  held\n");
    boolean allHeld = true;
    for (Tally t : results) {
      report.append(t.row()).append("  ").append(t.held() ? "yes" : "NO").append('\n');
      allHeld &= t.held();
    }
    System.out.println();
    System.out.print(report);
    Files.writeString(work.resolve("results.txt"), report);
    System.exit(allHeld ? 0 : 1);
  }

  private void setUp(AnvilProcess anvil) throws Exception {
    d.initPostgres();
    d.startRedis();
    chain = new TestChain(anvil.rpcUrl(), Buyers.CHAIN_ID);
    String usdc = chain.deploy(TestChain.DEPLOYER, ContractArtifact.load("DemoStablecoin"),
        List.of(new Utf8String("USD Coin"), new Utf8String("2"), new Utf8String("USDC")));
    Thread blocks = new Thread(() -> { // a chain keeps producing blocks, payments or not
      while (true) {
        try {
          // stamped with the wall clock: anvil's own block timestamps fell seconds behind it under
          // load (run of 19:45 UTC), and a block stamped before a checkout's creation second is
          // refused outside_validity_window however late the transfer was really sent
          chain.rpc("evm_mine", System.currentTimeMillis() / 1000);
        } catch (RuntimeException e) {
          try {
            chain.mine(1); // the previous block already has this second
          } catch (RuntimeException stopping) {
            // anvil is stopping
          }
        }
        Deployment.sleep(1000);
      }
    }, "block-producer");
    blocks.setDaemon(true);
    blocks.start();
    rpc = new ChaosRpcProxy(anvil.rpcUrl());
    byte[] clientKey = new byte[32];
    byte[] webhookKey = new byte[32];
    new SecureRandom().nextBytes(clientKey);
    new SecureRandom().nextBytes(webhookKey);
    Map<String, String> settings = new HashMap<>();
    settings.putAll(Map.of("database.url", d.databaseUrl(), "redis.url", d.redisUrl(),
        "secrets.client-secret-key", Base64.getEncoder().encodeToString(clientKey),
        "secrets.webhook-keys", "1:" + Base64.getEncoder().encodeToString(webhookKey), "secrets.webhook-active-key", "1",
        "http.host", "127.0.0.1", "http.port", Integer.toString(d.httpPort), "http.instances", "2", "chains", "31337"));
    settings.putAll(Map.of("chain.31337.rpc-urls", rpc.url(), "chain.31337.tokens", "USDC",
        "chain.31337.token.USDC.address", usdc, "chain.31337.poll-interval-ms", "500",
        "checkout.min-expiry-seconds", "10", "checkout.expiry-sweep-interval-ms", "500",
        "webhooks.allow-http", "true", "webhooks.allow-private-targets", "true", "webhooks.dispatch-interval-ms", "500"));
    // every buyer here is 127.0.0.1: the per-address limit would be everyone's; the per-checkout one stays
    settings.putAll(Map.of("ratelimit.buyer.per-address", "1000000", "ratelimit.redis-retry-ms", "1000"));
    d.startTollgate(settings);
    awaitReady(Duration.ofSeconds(90));
    MerchantAdmin admin = new MerchantAdmin(new DatabaseSettings("127.0.0.1", d.pgPort, "postgres", "postgres", ""));
    List<PaymentMethod> methods = List.of(new PaymentMethod(Buyers.CHAIN_ID, "USDC", Buyers.RECIPIENT));
    MerchantAdmin.CreatedMerchant a = admin.create("Shop A", methods);
    shopA = a.apiKey();
    shopAId = a.merchantId();
    shopB = admin.create("Shop B", methods).apiKey();
    shop.tally = new Tally("setup");
    registerEndpoint(shopA, sink.url("/a"));
    registerEndpoint(shopB, sink.url("/b"));
    buyers = new Buyers(chain, usdc, shop);
  }

  private List<Scenario> scenarios() {
    List<Scenario> all = new ArrayList<>();
    all.add(new Scenario("baseline", 10, 600, 0, 0, () -> { }, () -> { }, true, false));
    all.add(new Scenario("kill-9-restart", 12, 600, 3000, 0, () -> {
      d.killTollgate();
      d.restartTollgate();
      awaitReady(Duration.ofSeconds(90));
    }, () -> { }, false, false));
    all.add(rpcFault("rpc-outage", ChaosRpcProxy.Mode.DOWN));
    all.add(rpcFault("rpc-hang", ChaosRpcProxy.Mode.HANG));
    all.add(rpcFault("rpc-errors-in-200", ChaosRpcProxy.Mode.RPC_ERROR));
    all.add(new Scenario("rpc-429-500-garbage", 10, 600, 3000, 21_000, () -> {
      rpc.mode(ChaosRpcProxy.Mode.HTTP_429);
      Deployment.sleep(7000);
      rpc.mode(ChaosRpcProxy.Mode.HTTP_500);
      Deployment.sleep(7000);
      rpc.mode(ChaosRpcProxy.Mode.GARBAGE);
    }, () -> rpc.mode(ChaosRpcProxy.Mode.PASS), true, false));
    all.add(new Scenario("pg-restart", 10, 600, 3000, 0, () -> {
      d.stopPostgres("immediate");
      d.startPostgres();
    }, () -> { }, false, false));
    all.add(new Scenario("pg-outage", 10, 600, 3000, 15_000, () -> d.stopPostgres("fast"), d::startPostgres, false, false));
    all.add(new Scenario("redis-outage", 10, 600, 3000, 15_000, d::killRedis, d::startRedis, true, true));
    all.add(new Scenario("redis-hang", 10, 600, 3000, 15_000, () -> d.freezeRedis(true), () -> d.freezeRedis(false), true, true));
    all.add(new Scenario("stale-head-75s", 10, 30, 0, 75_000, () -> rpc.mode(ChaosRpcProxy.Mode.STALE),
        () -> rpc.mode(ChaosRpcProxy.Mode.PASS), true, false));
    all.add(new Scenario("tarpit-webhook", 8, 600, 0, 0, () -> registerEndpoint(shopB, sink.tarpitUrl()), () -> { },
        true, false));
    return all;
  }

  private Scenario rpcFault(String name, ChaosRpcProxy.Mode mode) {
    return new Scenario(name, 10, 600, 3000, 20_000, () -> rpc.mode(mode), () -> rpc.mode(ChaosRpcProxy.Mode.PASS), true, false);
  }

  private Tally run(Scenario s) throws Exception {
    System.out.println("== " + s.name() + ": " + s.buyers() + " buyers, fault after " + s.faultAfterMillis() + " ms for "
        + s.faultForMillis() + " ms");
    Tally t = new Tally(s.name());
    shop.tally = t;
    long logBefore = d.tollgateLogLines();
    long duplicatesBefore = sink.duplicates(0);
    boolean twoInstances = s.name().equals("pg-outage");
    List<JsonObject> waiting = new ArrayList<>();
    if (twoInstances) {
      // Browsers of checkouts created before the second instance started, not paying yet: their
      // polls during the outage reach an instance that never held them (the Redis copy answers).
      for (int i = 0; i < 6; i++) {
        ShopClient.Answer created = shop.send("POST", "/v1/checkouts", shopA, null, "waiting-" + System.nanoTime(),
            new JsonObject().put("orderReference", "WAITING-" + i).put("amount", "1.00").put("paymentOptions",
                new io.vertx.core.json.JsonArray().add(new JsonObject().put("chainId", Buyers.CHAIN_ID).put("token", "USDC"))).encode());
        if (created.status() == 201) waiting.add(created.json());
      }
      // Two instances behind the load balancer, the buyers' requests taking turns between them. The
      // second hears the status notifications of every checkout created after it started; the
      // waiting browsers' checkouts are older.
      d.startSecondTollgate();
      awaitReady("http://127.0.0.1:" + d.secondHttpPort, Duration.ofSeconds(90));
      shop.balanceOver(List.of("http://127.0.0.1:" + d.httpPort, "http://127.0.0.1:" + d.secondHttpPort));
    }
    long startedAt = System.currentTimeMillis();
    Duration patience = Duration.ofSeconds(s.expirySeconds() < 60 ? 180 : 120);
    // buyers start one after another until the fault has ended: payments are at every step while it lasts
    long stagger = Math.max(200, (s.faultAfterMillis() + s.faultForMillis() + 2000) / s.buyers());
    List<Future<Buyers.Outcome>> a = buyers.start(s.buyers(), shopA, s.expirySeconds(), patience, stagger);
    List<Future<Buyers.Outcome>> b = s.name().equals("tarpit-webhook")
        ? buyers.start(s.buyers(), shopB, s.expirySeconds(), patience, stagger) : List.of();
    volatileStop = false;
    Thread prober = s.readinessCounts() ? startReadinessProber(t) : null;
    Deployment.sleep(s.faultAfterMillis());
    shop.faultActive = () -> true;
    s.begin().run();
    if (s.greedyPoller()) greedyPoller(t);
    if (waiting.isEmpty()) {
      Deployment.sleep(s.faultForMillis());
    } else {
      long until = System.nanoTime() + s.faultForMillis() * 1_000_000L;
      while (System.nanoTime() < until) {
        for (JsonObject c : waiting) { // each twice: the load balancer takes turns, so both instances get it
          for (int twice = 0; twice < 2; twice++) {
            shop.send("GET", "/v1/checkouts/" + c.getString("id") + "/status", null, c.getString("clientSecret"), null, null);
          }
        }
        Deployment.sleep(1000);
      }
    }
    s.end().run();
    shop.faultActive = () -> false;
    List<Buyers.Outcome> outcomes = new ArrayList<>();
    for (Future<Buyers.Outcome> f : a) outcomes.add(f.get());
    for (Future<Buyers.Outcome> f : b) outcomes.add(f.get());
    if (twoInstances) {
      shop.balanceOver(List.of("http://127.0.0.1:" + d.httpPort));
      d.stopSecondTollgate();
    }
    Deployment.sleep(5000); // webhooks of the last settlements
    volatileStop = true;
    if (prober != null) prober.join();
    count(t, outcomes, startedAt, duplicatesBefore);
    if (s.name().equals("pg-outage")) {
      t.pollsMustAnswer = true;
      t.note += String.format("second instance: %d/%d polls 200 during the outage; ",
          t.polls200SecondDuringFault.get(), t.pollsSecondDuringFault.get());
    }
    t.logLines = d.tollgateLogLines() - logBefore;
    return t;
  }

  private volatile boolean volatileStop;
  /** Shop A's slowest webhook in the baseline: the latency the tarpit scenario is compared with. */
  private long baselineWebhookDelayMillis = -1;

  private Thread startReadinessProber(Tally t) {
    Thread prober = new Thread(() -> {
      while (!volatileStop) {
        t.readinessProbes.incrementAndGet();
        if (!shop.ready()) t.readinessNotReady.incrementAndGet();
        Deployment.sleep(500);
      }
    }, "readiness-prober");
    prober.start();
    return prober;
  }

  /** During a Redis fault: one client polling one checkout far past its per-checkout limit must meet 429s. */
  private void greedyPoller(Tally t) {
    ShopClient.Answer created = shop.send("POST", "/v1/checkouts", shopA, null, "greedy-" + System.nanoTime(),
        new JsonObject().put("orderReference", "GREEDY").put("amount", "1.00").put("paymentOptions",
            new io.vertx.core.json.JsonArray().add(new JsonObject().put("chainId", Buyers.CHAIN_ID).put("token", "USDC"))).encode());
    if (created.status() != 201) {
      t.note += "greedy checkout not created (" + created.status() + ") ";
      return;
    }
    long before = t.status429.get();
    int answered = 0;
    for (int i = 0; i < 140; i++) {
      ShopClient.Answer poll = shop.send("GET", "/v1/checkouts/" + created.json().getString("id") + "/status", null,
          created.json().getString("clientSecret"), null, null);
      if (poll.status() == 200 || poll.status() == 429) answered++;
    }
    t.note += "greedy poller: " + (t.status429.get() - before) + "x429 of 140 (limit 120), " + answered + " answered; ";
  }

  private void count(Tally t, List<Buyers.Outcome> outcomes, long startedAt, long duplicatesBefore) throws Exception {
    Map<String, Long> notPaid = new LinkedHashMap<>();
    List<String> ids = new ArrayList<>();
    for (Buyers.Outcome o : outcomes) {
      if (o.checkoutId() == null) {
        notPaid.merge(o.status(), 1L, Long::sum);
        continue;
      }
      t.checkouts++;
      ids.add(o.checkoutId());
      boolean paid = "paid".equals(o.status());
      if (paid) t.paid++;
      boolean expiredValid = o.minedInTime() && ("expired".equals(o.status()) || "not_mined_before_expiry".equals(o.reason()));
      if (expiredValid) t.validExpired++;
      else if (o.minedInTime() && !paid) t.lost++;
      if (!paid) notPaid.merge(o.status() + (o.reason() == null ? "" : "/" + o.reason()), 1L, Long::sum);
    }
    if (!notPaid.isEmpty()) t.note += "not paid: " + notPaid + "; ";
    try (Connection c = DriverManager.getConnection(d.jdbcUrl())) {
      t.doubleCredits = one(c, "SELECT count(*) FROM (SELECT tx_hash FROM payments WHERE status = 'confirmed'"
          + " GROUP BY tx_hash HAVING count(*) > 1) x", null)
          + one(c, "SELECT count(*) FROM (SELECT checkout_id FROM payments WHERE status = 'confirmed'"
          + " AND checkout_id::text = ANY (?) GROUP BY checkout_id HAVING count(*) > 1) y", ids);
      Set<String> delivered = sink.deliveries.stream().map(WebhookSink.Delivery::webhookId).collect(Collectors.toSet());
      List<String> paidIds = outcomes.stream().filter(o -> "paid".equals(o.status())).map(Buyers.Outcome::checkoutId).toList();
      try (PreparedStatement ps = c.prepareStatement("SELECT checkout_id::text, id FROM webhook_events"
          + " WHERE type = 'checkout.paid' AND checkout_id::text = ANY (?)")) {
        ps.setArray(1, c.createArrayOf("text", paidIds.toArray()));
        Set<String> withDelivery = new java.util.HashSet<>();
        try (ResultSet r = ps.executeQuery()) {
          while (r.next()) if (delivered.contains(r.getString(2))) withDelivery.add(r.getString(1));
        }
        t.paidWebhooksMissing = paidIds.size() - withDelivery.size();
      }
      t.maxOtherMerchantWebhookDelayMillis = maxDelay(c, startedAt);
    }
    t.duplicateWebhooks = sink.duplicates(0) - duplicatesBefore;
    if (t.duplicateWebhooks > 0) t.note += "repeated: " + sink.duplicated(startedAt).stream().limit(3).toList() + " (ms into the scenario); ";
    if (t.scenario.equals("baseline")) baselineWebhookDelayMillis = t.maxOtherMerchantWebhookDelayMillis;
    if (t.scenario.equals("baseline") || t.scenario.equals("tarpit-webhook")) {
      t.note += "shop A's slowest webhook: " + t.maxOtherMerchantWebhookDelayMillis + " ms after its event; ";
    }
    if (t.scenario.equals("tarpit-webhook") && baselineWebhookDelayMillis >= 0
        && t.maxOtherMerchantWebhookDelayMillis > baselineWebhookDelayMillis + 1000) {
      t.note += "delayed > 1 s beyond the baseline's " + baselineWebhookDelayMillis + " ms; ";
      t.webhooksDelayed = true;
    }
  }

  /**
   * The longest wait, event written to first delivered, of shop A's webhooks while shop B's endpoint
   * is a tarpit; an event not delivered by now counts with its wait so far.
   */
  private long maxDelay(Connection c, long sinceMillis) throws Exception {
    Map<String, Long> firstDelivered = new HashMap<>();
    for (WebhookSink.Delivery delivery : sink.deliveries) {
      if (delivery.path().equals("/a")) firstDelivered.merge(delivery.webhookId(), delivery.receivedAtMillis(), Math::min);
    }
    long max = 0;
    long now = System.currentTimeMillis();
    try (PreparedStatement ps = c.prepareStatement("SELECT id, (extract(epoch FROM created_at) * 1000)::bigint FROM webhook_events"
        + " WHERE merchant_id = ? AND created_at >= to_timestamp(? / 1000.0)")) {
      ps.setObject(1, shopAId);
      ps.setLong(2, sinceMillis);
      try (ResultSet r = ps.executeQuery()) {
        while (r.next()) max = Math.max(max, firstDelivered.getOrDefault(r.getString(1), now) - r.getLong(2));
      }
    }
    return max;
  }

  private static long one(Connection c, String sql, List<String> ids) throws Exception {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      if (ids != null) ps.setArray(1, c.createArrayOf("text", ids.toArray()));
      try (ResultSet r = ps.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    }
  }

  private void registerEndpoint(String apiKey, String url) {
    ShopClient.Answer r = shop.send("POST", "/v1/webhook-endpoints", apiKey, null, null,
        new JsonObject().put("url", url).encode());
    if (r.status() != 201) throw new IllegalStateException("endpoint " + url + " refused: " + r);
  }

  /** Waits for an instance other than the first. */
  private void awaitReady(String base, Duration timeout) {
    ShopClient probe = new ShopClient(base);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (probe.ready()) return;
      Deployment.sleep(250);
    }
    throw new IllegalStateException(base + " not ready after " + timeout);
  }

  private void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (shop.ready()) return;
      if (!d.tollgateAlive()) throw new IllegalStateException("Tollgate exited; see " + d.tollgateLog);
      Deployment.sleep(250);
    }
    throw new IllegalStateException("Tollgate not ready after " + timeout + "; see " + d.tollgateLog);
  }
}
