package io.tollgate.e2e;

import io.tollgate.Tollgate;
import io.tollgate.checkout.ClientSecrets;
import io.tollgate.config.Settings;
import io.tollgate.dev.AnvilProcess;
import io.tollgate.dev.ContractArtifact;
import io.tollgate.merchant.MerchantAdmin;
import io.tollgate.merchant.PaymentMethod;
import io.tollgate.testing.TestChain;
import io.tollgate.testing.TestPostgres;
import io.tollgate.testing.TestRedis;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.web3j.abi.datatypes.Utf8String;

/**
 * The whole service as a user deploys it, in-process: real PostgreSQL (a fresh database), real
 * Redis (a unique key prefix), a real anvil chain with the demo stablecoin, a merchant, and
 * Tollgate started through its composition root. Tests drive it over HTTP like a shop and a browser.
 */
public final class TollgateFixture implements AutoCloseable {
  public static final long CHAIN_ID = 31337;
  public static final String RECIPIENT = "0xa0ee7a142d267c1f36714e4a8f75612f20a79720";
  /**
   * Paying verdicts per transaction (production default 64): small, so that a block of a few
   * payments is written in several chunks, as a drop's blocks are.
   */
  public static final int VERDICT_CHUNK_SIZE = 4;

  public final AnvilProcess anvil;
  public final TestChain chain;
  public final TestPostgres.TestDatabase database;
  public final String usdc;
  public final String apiKey;
  public final java.util.UUID merchantId;
  public final ClientSecrets clientSecrets;
  public final Tollgate tollgate;
  private final Vertx vertx;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Map<String, String> settings;
  private String base;
  private final List<Vertx> others = new java.util.ArrayList<>();

  private TollgateFixture(java.util.function.Function<AnvilProcess, Map<String, String>> extraSettings, String... anvilArgs) {
    this(Vertx::vertx, extraSettings, anvilArgs);
  }

  private TollgateFixture(java.util.function.Supplier<Vertx> newVertx,
      java.util.function.Function<AnvilProcess, Map<String, String>> extraSettings, String... anvilArgs) {
    anvil = AnvilProcess.start(AnvilProcess.defaultProjectDir(), CHAIN_ID, anvilArgs);
    Map<String, String> extra = extraSettings.apply(anvil);
    chain = new TestChain(anvil.rpcUrl(), CHAIN_ID);
    usdc = chain.deploy(TestChain.DEPLOYER, ContractArtifact.load("DemoStablecoin"),
        List.of(new Utf8String("USD Coin"), new Utf8String("2"), new Utf8String("USDC")));
    database = TestPostgres.newDatabase();
    MerchantAdmin.CreatedMerchant merchant = new MerchantAdmin(database.settings()).create("Test shop", List.of(
        new PaymentMethod(CHAIN_ID, "USDC", RECIPIENT), new PaymentMethod(CHAIN_ID, "ETH", RECIPIENT)));
    apiKey = merchant.apiKey();
    merchantId = merchant.merchantId();
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    clientSecrets = new ClientSecrets(key);
    int port = freePort();
    Map<String, String> settings = new HashMap<>(Map.of(
        "database.url", "postgresql://" + database.settings().user() + "@" + database.settings().host() + ":"
            + database.settings().port() + "/" + database.settings().database(),
        "redis.url", TestRedis.url(),
        "redis.key-prefix", TestRedis.uniquePrefix(),
        "secrets.client-secret-key", Base64.getEncoder().encodeToString(key),
        "http.host", "127.0.0.1", "http.port", Integer.toString(port), "http.instances", "2",
        "chains", Long.toString(CHAIN_ID)));
    settings.putAll(Map.of(
        "chain.31337.rpc-urls", anvil.rpcUrl(), "chain.31337.poll-interval-ms", "100",
        "chain.31337.tokens", "USDC,ETH", "chain.31337.token.USDC.address", usdc,
        "chain.31337.token.ETH.native", "true", "pricing.fixed.ETH", "2500",
        "checkout.min-expiry-seconds", "1", "checkout.expiry-sweep-interval-ms", "200",
        // every test client is 127.0.0.1: functional tests must not trip the limits (RateLimitEndToEndTest does)
        "ratelimit.buyer.per-address", "1000000", "ratelimit.buyer.per-checkout", "1000000"));
    byte[] webhookKey = new byte[32];
    new SecureRandom().nextBytes(webhookKey);
    settings.putAll(Map.of(
        "secrets.webhook-keys", "1:" + Base64.getEncoder().encodeToString(webhookKey), "secrets.webhook-active-key", "1",
        // test receivers listen on http://127.0.0.1 (WebhookDeliveryEndToEndTest overrides this to test the refusal)
        "webhooks.allow-http", "true", "webhooks.allow-private-targets", "true", "webhooks.dispatch-interval-ms", "200"));
    settings.put("payment.verdict-chunk-size", Integer.toString(VERDICT_CHUNK_SIZE));
    settings.putAll(extra);
    this.settings = Map.copyOf(settings);
    vertx = newVertx.get();
    try {
      tollgate = Tollgate.start(vertx, Settings.of(settings)).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      close();
      throw new IllegalStateException("Tollgate did not start", e);
    }
    base = "http://127.0.0.1:" + port;
  }

  public static TollgateFixture start() {
    return new TollgateFixture(anvil -> Map.of());
  }

  /**
   * On the Vert.x that {@code serve} runs on ({@link io.tollgate.VertxRuntime}: Micrometer metrics at
   * {@code /metrics}). One at a time per JVM: the metrics registry is process-wide.
   */
  public static TollgateFixture startWithMetrics(Map<String, String> settings) {
    return new TollgateFixture(io.tollgate.VertxRuntime::create, anvil -> settings);
  }

  /** As {@link #startWithMetrics(Map)}, with settings that need the fixture's anvil. */
  public static TollgateFixture startWithMetrics(java.util.function.Function<AnvilProcess, Map<String, String>> settings) {
    return new TollgateFixture(io.tollgate.VertxRuntime::create, settings);
  }

  public static TollgateFixture start(Map<String, String> settings, String... anvilArgs) {
    return new TollgateFixture(anvil -> settings, anvilArgs);
  }

  /** With settings that need the fixture's anvil (its WebSocket URL, say). */
  public static TollgateFixture start(java.util.function.Function<AnvilProcess, Map<String, String>> settings,
      String... anvilArgs) {
    return new TollgateFixture(settings, anvilArgs);
  }

  /** Another Tollgate instance on the same database, Redis and chain (as behind a load balancer). */
  public record Instance(Vertx vertx, Tollgate tollgate, String base) implements AutoCloseable {
    @Override
    public void close() {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // best effort
      }
    }
  }

  public Instance startInstance() {
    return startAnother(Map.of());
  }

  /** The first instance, as an {@link Instance}. */
  public Instance firstInstance() {
    return new Instance(vertx, tollgate, "http://127.0.0.1:" + tollgate.httpPort());
  }

  /** Sends the following requests to {@code instance}. */
  public void target(Instance instance) {
    base = instance.base();
  }

  /** A fresh buyer holding ETH and {@code usdc} whole units of the demo stablecoin. */
  public org.web3j.crypto.Credentials buyer(long usdcUnits) {
    org.web3j.crypto.Credentials buyer = chain.newFundedAccount();
    chain.mintToken(usdc, buyer.getAddress(), BigInteger.valueOf(usdcUnits).multiply(BigInteger.TEN.pow(6)));
    return buyer;
  }

  public Response createCheckout(String idempotencyKey, JsonObject body) {
    return createCheckout(apiKey, idempotencyKey, body);
  }

  /** As the merchant whose API key is {@code merchantKey}. */
  public Response createCheckout(String merchantKey, String idempotencyKey, JsonObject body) {
    return send(HttpRequest.newBuilder(URI.create(base + "/v1/checkouts"))
        .header("Authorization", "Bearer " + merchantKey).header("Idempotency-Key", idempotencyKey)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.encode())));
  }

  public JsonObject newCheckout(String amount, String token) {
    Response r = createCheckout("key-" + java.util.UUID.randomUUID(), new JsonObject().put("orderReference", "ORDER-1")
        .put("amount", amount).put("paymentOptions", new io.vertx.core.json.JsonArray()
            .add(new JsonObject().put("chainId", CHAIN_ID).put("token", token))));
    if (r.status() != 201) throw new IllegalStateException("create failed: " + r);
    return r.json();
  }

  /** A checkout whose payer the shop presets: only {@code payer}'s transfers pay it (binding by the merchant). */
  public JsonObject newCheckout(String amount, String token, org.web3j.crypto.Credentials payer) {
    Response r = createCheckout("key-" + java.util.UUID.randomUUID(), new JsonObject().put("orderReference", "ORDER-1")
        .put("amount", amount).put("payer", payer.getAddress()).put("paymentOptions", new io.vertx.core.json.JsonArray()
            .add(new JsonObject().put("chainId", CHAIN_ID).put("token", token))));
    if (r.status() != 201) throw new IllegalStateException("create failed: " + r);
    return r.json();
  }

  public Response submit(JsonObject checkout, String token, String txHash) {
    return submit(checkout.getString("id"), checkout.getString("clientSecret"), token, txHash);
  }

  public Response submit(String checkoutId, String secret, String token, String txHash) {
    return post("/v1/checkouts/" + checkoutId + "/payments", secret,
        new JsonObject().put("chainId", CHAIN_ID).put("token", token).put("txHash", txHash).encode());
  }

  /**
   * Binds {@code payer} as the checkout's payer the way a buyer's wallet does: asks for the Sign-In
   * with Ethereum challenge, signs it with personal_sign and sends it back. Fails unless bound.
   */
  public JsonObject bindPayer(JsonObject checkout, org.web3j.crypto.Credentials payer) {
    Response challenge = post("/v1/checkouts/" + checkout.getString("id") + "/challenge", checkout.getString("clientSecret"),
        new JsonObject().put("address", payer.getAddress()).put("chainId", CHAIN_ID).encode());
    if (challenge.status() != 201) throw new IllegalStateException("challenge refused: " + challenge);
    String message = challenge.json().getString("message");
    String signature = io.tollgate.signature.TestSigner.signHex(io.tollgate.signature.TestSigner.personalSignHash(message),
        payer.getEcKeyPair());
    Response bound = post("/v1/checkouts/" + checkout.getString("id") + "/payer", checkout.getString("clientSecret"),
        new JsonObject().put("message", message).put("signature", signature).encode());
    if (bound.status() != 200) throw new IllegalStateException("binding refused: " + bound);
    return bound.json();
  }

  public Response post(String path, String secret, String rawBody) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(rawBody));
    if (secret != null) b.header("X-Client-Secret", secret);
    return send(b);
  }

  public Response status(JsonObject checkout) {
    return get("/v1/checkouts/" + checkout.getString("id") + "/status", checkout.getString("clientSecret"), Map.of());
  }

  public Response get(String path, String secret, Map<String, String> headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).GET();
    if (secret != null) b.header("X-Client-Secret", secret);
    headers.forEach(b::header);
    return send(b);
  }

  public Response merchantGet(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + apiKey).GET());
  }

  /** Polls status until it leaves open/pending (or 20 s pass) and returns the last status body. */
  public JsonObject awaitSettled(JsonObject checkout) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    JsonObject last = null;
    while (System.nanoTime() < deadline) {
      Response r = status(checkout);
      last = r.json();
      String s = last.getString("status");
      if (!"open".equals(s) && !"pending".equals(s)) return last;
      sleep(100);
    }
    return last;
  }

  public Response send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.body(), r.headers().map());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Waits until the wall clock (which anvil's block timestamps follow) is past {@code instant}. */
  public static void awaitWallClockPast(java.time.Instant instant) {
    while (!java.time.Instant.now().isAfter(instant)) sleep(50);
  }

  public static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A setting the instances were started with (e.g. a secret, to check it is never logged). */
  public String setting(String key) {
    return settings.get(key);
  }

  /** The first instance's base URL ({@code http://127.0.0.1:port}). */
  public String base() {
    return base;
  }

  /**
   * Another Tollgate instance on the same database, Redis and chain (its own Vert.x and port), with
   * {@code overrides} on top of this fixture's settings: several instances, or a restart.
   */
  public Instance startAnother(Map<String, String> overrides) {
    int port = freePort();
    Map<String, String> own = new HashMap<>(settings);
    own.put("http.port", Integer.toString(port));
    own.putAll(overrides);
    Vertx other = Vertx.vertx();
    others.add(other);
    try {
      Tollgate started = Tollgate.start(other, Settings.of(own)).toCompletionStage().toCompletableFuture()
          .get(60, TimeUnit.SECONDS);
      return new Instance(other, started, "http://127.0.0.1:" + port);
    } catch (Exception e) {
      throw new IllegalStateException("another Tollgate did not start", e);
    }
  }

  /** Stops the first instance (the fixture's HTTP helpers stop working; use another instance's base). */
  public void stopFirst() {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    for (Vertx other : others) {
      try {
        other.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // best effort
      }
    }
    try {
      if (vertx != null) vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // best effort
    }
    if (database != null) database.close();
    anvil.close();
  }

  /** An HTTP answer. */
  public record Response(int status, String body, Map<String, List<String>> headers) {
    public JsonObject json() {
      return new JsonObject(body);
    }

    public String errorCode() {
      return json().getJsonObject("error").getString("code");
    }

    public String header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
          .findFirst().map(e -> e.getValue().get(0)).orElse(null);
    }
  }
}
