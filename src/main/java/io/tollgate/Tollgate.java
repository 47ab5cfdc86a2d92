package io.tollgate;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tollgate.watch.ChainWatcher;
import io.tollgate.chain.EthRpc;
import io.tollgate.checkout.CheckoutStatus;
import io.tollgate.checkout.StatusCache;
import io.tollgate.config.Settings;
import io.tollgate.db.DatabaseSettings;
import io.tollgate.db.LeadershipChanged;
import io.tollgate.db.Migrations;
import io.tollgate.eventbus.Codecs;
import io.tollgate.http.HttpSettings;
import io.tollgate.payment.PaymentSubmission;
import io.tollgate.payment.PaymentSubmitted;
import io.tollgate.payment.VerdictBatch;
import io.tollgate.ratelimit.RateLimitBatch;
import io.tollgate.relay.Relayer;
import io.tollgate.ratelimit.RateLimitBatchReply;
import io.tollgate.ratelimit.RateLimitDecision;
import io.tollgate.ratelimit.RateLimitRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds every subsystem's module from {@link Settings} and deploys their
 * verticles. Nothing else in the code base constructs services or reads configuration.
 *
 * <p>Start order: schema migration, the inbound variants' merchants checked, then the status feed
 * (so no notification is missed), the payment-state and rate-limit verticles, the chain watchers,
 * the webhook dispatcher, and last the HTTP intake. Stopping undeploys in reverse (Vert.x undeploys
 * in reverse deployment order on close).
 */
public final class Tollgate {
  private static final Logger LOG = LoggerFactory.getLogger(Tollgate.class);

  private final Vertx vertx;
  private final Pool pool;
  private final List<ChainWatcher> watchers;
  private final StatusCache statusCache;
  private final int httpPort;
  private final Map<Long, EthRpc> rpcClients;
  private final Relayer relayer;

  private Tollgate(Vertx vertx, Pool pool, List<ChainWatcher> watchers, StatusCache statusCache, int httpPort,
      Map<Long, EthRpc> rpcClients, Relayer relayer) {
    this.relayer = relayer;
    this.vertx = vertx;
    this.pool = pool;
    this.watchers = watchers;
    this.statusCache = statusCache;
    this.httpPort = httpPort;
    this.rpcClients = rpcClients;
  }

  /**
   * Migrates the database (blocking JDBC: call from a main or test thread, never an event loop),
   * then wires and deploys everything on {@code vertx}.
   */
  public static Future<Tollgate> start(Vertx vertx, Settings settings) {
    DatabaseSettings db = DatabaseSettings.fromUrl(required(settings, "database.url"));
    Migrations.migrate(db);
    Codecs.register(vertx, List.of(PaymentSubmission.class, CheckoutStatus.class, VerdictBatch.class,
        PaymentSubmitted.class, LeadershipChanged.class, io.tollgate.relay.RelayChanged.class,
        RateLimitRequest.class, RateLimitDecision.class, RateLimitBatch.class, RateLimitBatchReply.class));
    Codecs.register(vertx, io.tollgate.x402.KeySignatureWorker.messageTypes());
    Foundation f = Foundation.create(vertx, settings, db);

    ChainModule chain = ChainModule.create(f);
    CheckoutModule checkout = CheckoutModule.create(f);
    PaymentModule payment = PaymentModule.create(f, chain.rpc(), chain.providers);
    RateLimitModule rateLimit = RateLimitModule.create(f);
    WatchModule watch = WatchModule.create(f, chain.clients);
    WebhookModule webhooks = WebhookModule.create(f);
    MerchantModule merchants = MerchantModule.create(f);
    RelayModule relay = RelayModule.create(f, chain.rpc());
    GaslessModule gasless = GaslessModule.create(f, chain.rpc(), relay.relayer);
    HttpSettings http = HttpSettings.fromSettings(settings);

    List<Module> modules = new ArrayList<>(List.of(checkout.module(), payment.module(), rateLimit.module(),
        chain.module(), watch.module(), webhooks.module(), merchants.module(), relay.module(), gasless.module()));
    Map<String, Supplier<Future<?>>> readiness = new LinkedHashMap<>();
    readiness.put("database", () -> f.pool().query("SELECT 1").execute());
    modules.forEach(module -> readiness.putAll(module.readiness()));
    X402Module x402 = X402Module.create(f, chain.rpc(), relay.relayer);
    modules.add(x402.module());
    modules.add(HttpModule.module(f, http, checkout, payment, rateLimit, webhooks, merchants, gasless, relay.relayer,
        x402.facilitator, readiness));

    Future<String> started = webhooks.checkVariants().map("");
    for (Module module : modules) {
      for (Supplier<Future<String>> next : module.deployments()) {
        started = started.compose(ignored -> next.get());
      }
    }
    return started.map(ignored -> {
      registerMetrics(f.meters(), checkout.statusCache, watch, rateLimit, relay);
      ChainModule.registerMetrics(f.meters(), chain.clients);
      checkout.startHousekeeping();
      webhooks.startBacklogGauges();
      LOG.info("Tollgate listening on {}:{} ({} HTTP instances, chains {})", http.host(), http.port(),
          http.instances(), f.chainIds());
      return new Tollgate(vertx, f.pool(), watch.watchers, checkout.statusCache, http.port(), chain.rpc(), relay.relayer);
    });
  }

  /** Tollgate's own gauges next to Vert.x's, when metrics are enabled (they are in Main). */
  private static void registerMetrics(MeterRegistry registry, StatusCache statusCache, WatchModule watch,
      RateLimitModule rateLimit, RelayModule relay) {
    Gauge.builder("tollgate.status.cache.entries", statusCache, StatusCache::size)
        .description("checkout statuses held in this instance's poll cache").register(registry);
    watch.registerMetrics(registry);
    rateLimit.registerMetrics(registry);
    relay.registerMetrics(registry);
  }

  static String required(Settings settings, String key) {
    String value = settings.optional(key);
    if (value == null) throw new IllegalArgumentException("setting " + key + " is required");
    return value;
  }

  public Vertx vertx() { return vertx; }

  public Pool pool() { return pool; }

  public int httpPort() { return httpPort; }

  public StatusCache statusCache() { return statusCache; }

  /** The JSON-RPC client of each configured chain, by chain id (the ones the watchers use). */
  public Map<Long, EthRpc> rpcClients() { return rpcClients; }

  /** JSON-RPC calls made by all chain watchers (every call inside a batch counted). */
  public long rpcCalls() {
    return watchers.stream().mapToLong(ChainWatcher::rpcCalls).sum();
  }

  /** The gasless relayer (chains with a relayer key). */
  public Relayer relayer() { return relayer; }

  public Future<Void> close() {
    return vertx.close();
  }
}
