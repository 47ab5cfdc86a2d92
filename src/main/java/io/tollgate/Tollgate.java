package io.tollgate;

import io.tollgate.chain.ChainConfig;
import io.tollgate.chain.ChainRegistry;
import io.tollgate.watch.ChainWatcher;
import io.tollgate.watch.ChainWatcherVerticle;
import io.tollgate.chain.EthRpc;
import io.tollgate.chain.JsonRpcClient;
import io.tollgate.checkout.ChainHeads;
import io.tollgate.checkout.CheckoutPlanner;
import io.tollgate.checkout.CheckoutService;
import io.tollgate.checkout.CheckoutSettings;
import io.tollgate.checkout.CheckoutStatus;
import io.tollgate.checkout.ClientSecrets;
import io.tollgate.checkout.HeadNotifier;
import io.tollgate.checkout.StatusCache;
import io.tollgate.checkout.StatusFeedVerticle;
import io.tollgate.checkout.StatusView;
import io.tollgate.checkout.TransitionLog;
import io.tollgate.config.Settings;
import io.tollgate.db.DatabaseSettings;
import io.tollgate.db.LeaderOnlyVerticle;
import io.tollgate.db.Migrations;
import io.tollgate.eventbus.Codecs;
import io.tollgate.http.hotpath.BuyerLimits;
import io.tollgate.http.HttpDependencies;
import io.tollgate.http.HttpSettings;
import io.tollgate.http.HttpVerticle;
import io.tollgate.merchant.MerchantAuthenticator;
import io.tollgate.payer.BindingSettlementCheck;
import io.tollgate.payer.PayerBindingService;
import io.tollgate.payer.PayerSettings;
import io.tollgate.payment.EventBusVerdictSink;
import io.tollgate.payment.PaymentLedger;
import io.tollgate.payment.PaymentStateVerticle;
import io.tollgate.payment.PaymentSubmission;
import io.tollgate.payment.PaymentVerifier;
import io.tollgate.payment.PgActivePayments;
import io.tollgate.payment.VerdictBatch;
import io.tollgate.payment.VerdictWriteSettings;
import io.tollgate.pricing.FixedPriceOracle;
import io.tollgate.ratelimit.ClientAddressResolver;
import io.tollgate.ratelimit.EventBusRateLimiter;
import io.tollgate.ratelimit.InMemoryRateLimiter;
import io.tollgate.ratelimit.RateLimitBatch;
import io.tollgate.ratelimit.RateLimitBatchReply;
import io.tollgate.ratelimit.RateLimitDecision;
import io.tollgate.ratelimit.RateLimitRequest;
import io.tollgate.ratelimit.RateLimitVerticle;
import io.tollgate.ratelimit.RateLimiter;
import io.tollgate.ratelimit.RedisRateLimiter;
import io.tollgate.signature.SignatureVerifier;
import io.tollgate.signature.VerifierSettings;
import io.tollgate.inbound.ProcessorPayments;
import io.tollgate.http.AdminAuth;
import io.tollgate.webhook.EndpointUrlPolicy;
import io.tollgate.inbound.InboundWebhooks;
import io.tollgate.webhook.WebhookDispatcherVerticle;
import io.tollgate.webhook.WebhookEndpoints;
import io.tollgate.inbound.WebhookHandlerRegistry;
import io.tollgate.webhook.WebhookOutbox;
import io.tollgate.inbound.WebhookSettings;
import java.security.SecureRandom;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.pgclient.PgBuilder;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds every component from {@link Settings} and deploys the verticles.
 * Nothing else in the code base constructs services or reads configuration.
 *
 * <p>Start order: schema migration, then the status feed (so no notification is missed), the
 * payment-state and rate-limit verticles, the chain watchers, the webhook dispatcher, and last the
 * HTTP intake. Stopping
 * undeploys in reverse (Vert.x undeploys in reverse deployment order on close).
 */
public final class Tollgate {
  private static final Logger LOG = LoggerFactory.getLogger(Tollgate.class);

  private final Vertx vertx;
  private final Pool pool;
  private final List<ChainWatcher> watchers;
  private final StatusCache statusCache;
  private final int httpPort;
  private final Map<Long, EthRpc> rpcClients;

  private Tollgate(Vertx vertx, Pool pool, List<ChainWatcher> watchers, StatusCache statusCache, int httpPort,
      Map<Long, EthRpc> rpcClients) {
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
    Clock clock = Clock.systemUTC();

    int poolSize = settings.integer("database.pool-size", 16);
    Pool pool = PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(poolSize).setShared(false))
        .connectingTo(db.connectOptions())
        .using(vertx)
        .build();

    Codecs.register(vertx, List.of(PaymentSubmission.class, CheckoutStatus.class, VerdictBatch.class,
        RateLimitRequest.class, RateLimitDecision.class, RateLimitBatch.class, RateLimitBatchReply.class));

    ChainRegistry chains = ChainRegistry.fromSettings(settings);
    ChainHeads heads = new ChainHeads();
    StatusCache statusCache = new StatusCache(pool);
    WebhookSettings webhooks = WebhookSettings.fromSettings(settings, clock);
    // Every transition writes its webhook event and deliveries in its own transaction (the outbox).
    TransitionLog transitions = new TransitionLog(List.of(new WebhookOutbox(clock)));
    ClientSecrets secrets = new ClientSecrets(clientSecretKey(settings));
    // A round's paying verdicts go in chunks, several transactions at once (VerdictWriteSettings).
    VerdictWriteSettings verdictWrites = VerdictWriteSettings.fromSettings(settings);
    if (verdictWrites.chunksInFlight() > poolSize / 2) {
      // Each chunk in flight holds a connection: a block's verdicts would queue HTTP requests behind them.
      LOG.warn("payment.verdict-chunks-in-flight={} is more than half of database.pool-size={}: a block of payments "
          + "can leave HTTP requests waiting for a connection", verdictWrites.chunksInFlight(), poolSize);
    }
    PaymentLedger ledger = new PaymentLedger(pool, transitions, verdictWrites);
    CheckoutService checkouts = new CheckoutService(pool,
        new CheckoutPlanner(chains, FixedPriceOracle.fromSettings(settings, List.of("ETH", "POL")), clock,
            CheckoutSettings.fromSettings(settings)),
        secrets, transitions);

    Map<String, Supplier<Future<?>>> readiness = new LinkedHashMap<>();
    readiness.put("database", () -> pool.query("SELECT 1").execute());

    String redisUrl = settings.optional("redis.url");
    RateLimiter backend;
    Redis redis = null;
    if (redisUrl != null) {
      redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(redisUrl)
          .setMaxPoolSize(settings.integer("redis.pool-size", 16)).setMaxPoolWaiting(10_000));
      backend = new RedisRateLimiter(redis, settings.string("redis.key-prefix", "tollgate:rl:"),
          settings.integer("ratelimit.deny-cache-size", RedisRateLimiter.DEFAULT_DENY_CACHE_SIZE));
      Redis client = redis;
      readiness.put("redis", () -> client.send(Request.cmd(io.vertx.redis.client.Command.PING)));
    } else {
      LOG.warn("redis.url is not set: rate limits are kept in this process only (fine for one instance)");
      backend = new InMemoryRateLimiter();
    }

    List<ChainWatcher> watchers = new ArrayList<>();
    List<Supplier<Future<String>>> deployments = new ArrayList<>();
    HttpSettings http = HttpSettings.fromSettings(settings);
    // One JSON-RPC client per chain (filled below), shared by its watcher and by signature checks.
    Map<Long, EthRpc> rpcClients = new LinkedHashMap<>();
    // No result cache: each binding signs a fresh nonce (nothing to reuse), and at settlement a
    // cached "valid" from binding time would hide a wallet whose owner changed since.
    SignatureVerifier payerVerifier = SignatureVerifier.create(vertx, VerifierSettings.defaults().withCacheSize(0));
    PayerBindingService payers = new PayerBindingService(pool, payerVerifier, rpcClients, transitions,
        PayerSettings.fromSettings(settings), clock);

    Map<Long, ChainWatcher> watcherByChain = new java.util.concurrent.ConcurrentHashMap<>();
    // The verticle of the current leadership term, when this instance leads the chain: it also asks
    // for a prompt catch-up poll while heads come by subscription and its timer runs slowly.
    Map<Long, ChainWatcherVerticle> watchingByChain = new java.util.concurrent.ConcurrentHashMap<>();
    deployments.add(() -> vertx.deployVerticle(new StatusFeedVerticle(db, statusCache, heads, status -> {
      CheckoutStatus.Payment payment = status.payment();
      if (payment == null || !"submitted".equals(payment.status())) return;
      ChainWatcherVerticle watching = watchingByChain.get(payment.chainId());
      ChainWatcher watcher = watcherByChain.get(payment.chainId());
      if (watching != null) {
        watching.paymentSubmitted();
      } else if (watcher != null) {
        watcher.paymentSubmitted();
      }
    })));
    deployments.add(() -> vertx.deployVerticle(new PaymentStateVerticle(ledger,
        Duration.ofMillis(settings.longValue("checkout.expiry-sweep-interval-ms", 1000)),
        new BindingSettlementCheck(pool, payerVerifier, rpcClients))));
    // Rate-limit decisions of one event-loop turn travel as one message and go to Redis as one script call.
    int rateLimitBatch = settings.integer("ratelimit.max-batch", RateLimitVerticle.DEFAULT_MAX_BATCH);
    deployments.add(() -> vertx.deployVerticle(new RateLimitVerticle(backend, Duration.ofSeconds(2), rateLimitBatch)));
    for (ChainConfig chain : chains.all()) {
      if (chain.rpcUrls().isEmpty()) throw new IllegalArgumentException("chain " + chain.chainId() + " has no rpc-urls");
      JsonRpcClient rpc = new JsonRpcClient(vertx, chain.chainId(), chain.rpcUrls(), JsonRpcClient.Options.of(chain));
      rpcClients.put(chain.chainId(), rpc);
      ChainWatcher watcher = new ChainWatcher(rpc,
          new PgActivePayments(pool, id -> chains.chain(id).map(ChainConfig::confirmations).orElse(1)),
          new EventBusVerdictSink(vertx.eventBus()), new HeadNotifier(pool, heads), new PaymentVerifier());
      watchers.add(watcher);
      watcherByChain.put(chain.chainId(), watcher);
      // HTTP only: a chain whose new-heads WebSocket is down is still watched (by polling), so it
      // is not a reason to take this instance out of the load balancer.
      readiness.put("chain-" + chain.chainId(), () -> rpc.call("eth_blockNumber", new JsonArray()));
      // One watcher per chain across all instances: the others stand by and take over if it dies.
      deployments.add(() -> vertx.deployVerticle(new LeaderOnlyVerticle(db, (int) chain.chainId(),
          "chain " + chain.chainId() + " watcher", () -> {
            ChainWatcherVerticle watching = new ChainWatcherVerticle(watcher, ChainWatcherVerticle.HeadSource.of(chain));
            watchingByChain.put(chain.chainId(), watching);
            return watching;
          },
          Duration.ofMillis(settings.longValue("chain.leader-retry-ms", 5000)))));
    }
    if (webhooks.dispatcherEnabled()) {
      deployments.add(() -> vertx.deployVerticle(new WebhookDispatcherVerticle(pool, db, webhooks.secretBox(),
          webhooks.urlOptions(), clock, webhooks.dispatch())));
    } else {
      LOG.warn("webhooks.dispatcher.enabled=false: this instance writes webhook events but sends none");
    }
    Map<String, java.util.UUID> merchantByVariant = new LinkedHashMap<>();
    webhooks.variants().forEach((name, variant) -> merchantByVariant.put(name, variant.merchantId()));
    InboundWebhooks inbound = new InboundWebhooks(pool, webhooks.variants(), WebhookHandlerRegistry.builder()
        .registerProcessorEvents(new ProcessorPayments(merchantByVariant, transitions)).build(), clock);
    WebhookEndpoints webhookEndpoints = new WebhookEndpoints(pool, webhooks.secretBox(),
        new EndpointUrlPolicy(EndpointUrlPolicy.HostResolver.system(vertx), webhooks.urlOptions()), new SecureRandom(),
        clock, webhooks.secretOverlap());
    ClientAddressResolver addresses = new ClientAddressResolver(settings.list("http.trusted-proxies"),
        ClientAddressResolver.ProxyHeader.X_FORWARDED_FOR);
    HttpDependencies deps = new HttpDependencies(http,
        new MerchantAuthenticator(pool, clock, Duration.ofSeconds(settings.longValue("merchant.key-cache-seconds", 60))),
        checkouts, secrets, statusCache, new StatusView(chains, heads), new EventBusRateLimiter(vertx.eventBus(), Duration.ofSeconds(3), rateLimitBatch),
        BuyerLimits.fromSettings(settings),
        request -> addresses.resolve(request.remoteAddress().hostAddress(), name -> request.headers().getAll(name)),
        readiness, clock, payers, webhookEndpoints, inbound, new AdminAuth(settings.optional("admin.token-sha256")));
    deployments.add(() -> vertx.deployVerticle(() -> new HttpVerticle(deps), new DeploymentOptions().setInstances(http.instances())));

    Future<String> chain = Future.succeededFuture();
    for (Supplier<Future<String>> next : deployments) {
      chain = chain.compose(ignored -> next.get());
    }
    return chain.map(ignored -> {
      registerMetrics(statusCache, watchers, watchingByChain);
      long keepMillis = Duration.ofHours(1).toMillis();
      vertx.setPeriodic(60_000, tick -> statusCache.evictFinished(clock.millis(), keepMillis));
      Duration retention = CheckoutSettings.fromSettings(settings).idempotencyRetention();
      vertx.setPeriodic(3_600_000, tick -> checkouts.purgeIdempotencyKeys(retention)
          .onFailure(e -> LOG.warn("idempotency key purge failed: {}", e.toString())));
      LOG.info("Tollgate listening on {}:{} ({} HTTP instances, chains {})", http.host(), http.port(),
          http.instances(), chains.all().stream().map(ChainConfig::chainId).toList());
      return new Tollgate(vertx, pool, List.copyOf(watchers), statusCache, http.port(), Map.copyOf(rpcClients));
    });
  }

  /** Tollgate's own gauges next to Vert.x's, when metrics are enabled (they are in Main). */
  private static void registerMetrics(StatusCache statusCache, List<ChainWatcher> watchers,
      Map<Long, ChainWatcherVerticle> watchingByChain) {
    io.micrometer.core.instrument.MeterRegistry registry = io.vertx.micrometer.backends.BackendRegistries.getDefaultNow();
    if (registry == null) return;
    io.micrometer.core.instrument.Gauge.builder("tollgate.status.cache.entries", statusCache, StatusCache::size)
        .description("checkout statuses held in this instance's poll cache").register(registry);
    for (ChainWatcher watcher : watchers) {
      io.micrometer.core.instrument.FunctionCounter.builder("tollgate.chain.rpc.calls", watcher, ChainWatcher::rpcCalls)
          .description("JSON-RPC calls made by the chain watcher, every call in a batch counted")
          .tag("chain", Long.toString(watcher.chainId())).register(registry);
      io.micrometer.core.instrument.FunctionCounter.builder("tollgate.chain.rounds", watcher, ChainWatcher::rounds)
          .description("chain heads processed").tag("chain", Long.toString(watcher.chainId())).register(registry);
      long chainId = watcher.chainId();
      io.micrometer.core.instrument.Gauge.builder("tollgate.chain.newheads.live", watchingByChain,
              byChain -> byChain.containsKey(chainId) && byChain.get(chainId).subscriptionLive() ? 1 : 0)
          .description("1 while this instance watches the chain and its new-heads subscription is live")
          .tag("chain", Long.toString(chainId)).register(registry);
    }
  }

  private static byte[] clientSecretKey(Settings settings) {
    return Base64.getDecoder().decode(required(settings, "secrets.client-secret-key"));
  }

  private static String required(Settings settings, String key) {
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

  public Future<Void> close() {
    return vertx.close();
  }
}
