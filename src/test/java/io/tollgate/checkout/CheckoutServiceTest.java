package io.tollgate.checkout;

import static io.tollgate.testing.Async.await;
import static io.tollgate.testing.Async.awaitFailure;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.tollgate.chain.ChainConfig;
import io.tollgate.chain.ChainRegistry;
import io.tollgate.chain.TokenConfig;
import io.tollgate.merchant.KeyMode;
import io.tollgate.merchant.Merchant;
import io.tollgate.merchant.PaymentMethod;
import io.tollgate.chain.AssetKind;
import io.tollgate.pricing.PriceOracle;
import io.tollgate.testing.TestRows;
import io.tollgate.testing.TestVertx;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checkout creation on a real PostgreSQL, through the service the merchant API calls (no HTTP):
 * quotes, validation, and Stripe-style idempotency keys. The HTTP contract is in
 * MerchantApiEndToEndTest.
 */
class CheckoutServiceTest {
  private static final long CHAIN = 31337;
  /** Chain 31337 (anvil) is a test network: the merchant's key is a test key. */
  private static final KeyMode MODE = KeyMode.TEST;
  private static final String USDC_ADDRESS = "0x" + "a".repeat(40);
  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00.750Z");
  private static final ChainRegistry CHAINS = new ChainRegistry(List.of(new ChainConfig(CHAIN, "dev", List.of(), 1,
      Duration.ofSeconds(2), Map.of(
          "USDC", new TokenConfig("USDC", AssetKind.ERC20, USDC_ADDRESS, 6, true),
          "ETH", new TokenConfig("ETH", AssetKind.NATIVE, null, 18, false)))));

  private static TestVertx env;
  private static ClientSecrets secrets;
  /** The oracle's prices by symbol; a symbol without one is unavailable. */
  private final Map<String, BigDecimal> prices = new ConcurrentHashMap<>();
  private CheckoutService service;
  private Merchant merchant;

  @BeforeAll
  static void start() {
    env = TestVertx.withDatabase();
    secrets = new ClientSecrets(new byte[32]);
  }

  @AfterAll
  static void stop() {
    env.close();
  }

  @BeforeEach
  void newMerchant() {
    prices.put("ETH-USD", new BigDecimal("3000"));
    PriceOracle oracle = (base, quote) -> prices.containsKey(base + "-" + quote)
        ? Future.succeededFuture(new io.tollgate.pricing.Price(base, quote, prices.get(base + "-" + quote), List.of("test"), NOW))
        : Future.failedFuture(new ApiException(ErrorCode.PRICE_UNAVAILABLE, "no price for " + base + "-" + quote));
    CheckoutPlanner planner = new CheckoutPlanner(CHAINS, oracle, Clock.fixed(NOW, ZoneOffset.UTC),
        new CheckoutSettings(Duration.ofMinutes(10), Duration.ofMinutes(1), Duration.ofDays(1), Duration.ofHours(48), java.util.List.of("USD", "EUR")));
    service = new CheckoutService(env.pool(), planner, secrets, new TransitionLog(List.of()));
    merchant = merchantAccepting(TestRows.merchant(env.pool()), "USDC", "ETH");
  }

  private static Merchant merchantAccepting(UUID id, String... tokens) {
    Map<String, PaymentMethod> methods = new java.util.HashMap<>();
    for (String token : tokens) methods.put(Merchant.methodKey(CHAIN, token), new PaymentMethod(CHAIN, token, TestRows.RECIPIENT));
    return new Merchant(id, "shop", methods, MODE);
  }

  private static JsonObject request(String amount) {
    return new JsonObject().put("orderReference", "order-42").put("amount", amount);
  }

  private long checkoutsOf(Merchant m) {
    return env.count("SELECT count(*) FROM checkouts WHERE merchant_id = $1", m.id());
  }

  @Test
  void shouldCreateAnOpenCheckoutQuotedInEveryAcceptedTokenWithItsAuditRow() {
    StoredResponse created = await(service.create(merchant, "key-1", request("10")));

    assertThat(created.status()).isEqualTo(201);
    JsonObject body = created.body();
    UUID id = UUID.fromString(body.getString("id"));
    assertThat(body.getString("status")).isEqualTo("open");
    assertThat(body.getString("amount")).isEqualTo("10.00");
    assertThat(body.getString("createdAt")).as("block timestamps have whole seconds").isEqualTo("2026-03-01T10:00:00.000Z");
    assertThat(body.getString("expiresAt")).as("the default expiry").isEqualTo("2026-03-01T10:10:00.000Z");
    assertThat(body.getString("clientSecret")).isEqualTo(secrets.secretFor(id));
    JsonArray options = body.getJsonArray("paymentOptions");
    assertThat(options.stream().map(o -> ((JsonObject) o).getString("token"))).containsExactly("ETH", "USDC");
    // 10 USD / 3000 USD per ETH, rounded up in the merchant's favour; USDC is pegged and exact.
    assertThat(options.getJsonObject(0).getString("amount")).isEqualTo("3333333333333334");
    assertThat(options.getJsonObject(1).getString("amount")).isEqualTo("10000000");
    assertThat(options.getJsonObject(1).getString("tokenAddress")).isEqualTo(USDC_ADDRESS);

    assertThat(env.one("SELECT status, amount FROM checkouts WHERE id = $1", id).getString("status")).isEqualTo("open");
    assertThat(env.count("SELECT count(*) FROM payment_options WHERE checkout_id = $1", id)).isEqualTo(2);
    assertThat(env.one("SELECT to_status, actor FROM checkout_events WHERE checkout_id = $1", id).getString("actor"))
        .isEqualTo("merchant:" + merchant.id());
    assertThat(env.one("SELECT response_status FROM idempotency_keys WHERE merchant_id = $1 AND idempotency_key = 'key-1'",
        merchant.id()).getInteger("response_status")).isEqualTo(201);
  }

  @Test
  void aEuroCheckoutIsQuotedAtTheRatesOfTheDayAndRecordsThemWithTheirSources() {
    prices.put("ETH-EUR", new BigDecimal("2760"));
    prices.put("EUR-USD", new BigDecimal("1.08"));
    StoredResponse created = await(service.create(merchant, "key-eur", request("10").put("currency", "EUR")));

    assertThat(created.status()).as(created.body().encode()).isEqualTo(201);
    assertThat(created.body().getString("currency")).isEqualTo("EUR");
    JsonArray options = created.body().getJsonArray("paymentOptions");
    // 10 EUR / 2760 EUR per ETH, rounded up; 10 EUR × 1.08 USD per EUR in a USD stablecoin.
    assertThat(options.getJsonObject(0).getString("amount")).isEqualTo("3623188405797102");
    assertThat(options.getJsonObject(0).getJsonObject("rate").getString("pair")).isEqualTo("ETH-EUR");
    assertThat(options.getJsonObject(0).getJsonObject("rate").getString("value")).isEqualTo("2760");
    assertThat(options.getJsonObject(1).getString("amount")).isEqualTo("10800000");
    JsonObject usdcRate = options.getJsonObject(1).getJsonObject("rate");
    assertThat(usdcRate.getString("pair")).isEqualTo("EUR-USD");
    assertThat(usdcRate.getJsonArray("sources")).containsExactly("test");

    UUID id = UUID.fromString(created.body().getString("id"));
    assertThat(env.one("SELECT rate_pair, rate::text AS rate, rate_sources[1] AS source FROM payment_options"
        + " WHERE checkout_id = $1 AND token = 'USDC'", id).toJson())
        .isEqualTo(new JsonObject().put("rate_pair", "EUR-USD").put("rate", "1.08").put("source", "test"));
    // The rate is frozen in the checkout: a later rate changes nothing that was quoted.
    prices.put("EUR-USD", new BigDecimal("1.20"));
    JsonObject read = await(service.get(merchant, id));
    assertThat(read.getJsonArray("paymentOptions").getJsonObject(1).getString("amount")).isEqualTo("10800000");
    assertThat(read.getJsonArray("paymentOptions").getJsonObject(1).getJsonObject("rate").getString("value")).isEqualTo("1.08");
  }

  @Test
  void aEuroCheckoutWithoutAnExchangeRateOffersNothingItCannotPrice() {
    prices.put("ETH-EUR", new BigDecimal("2760"));
    StoredResponse created = await(service.create(merchant, "key-eur2", request("10").put("currency", "EUR")));
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.body().getJsonArray("paymentOptions").stream().map(o -> ((JsonObject) o).getString("token")))
        .as("no EUR-USD rate: the stablecoin is left out, ETH is still offered").containsExactly("ETH");
  }

  @Test
  void shouldReplayTheStoredResponseForTheSameKeyAndBodyWithoutQuotingOrCreatingAgain() {
    StoredResponse first = await(service.create(merchant, "key-1", request("10")));
    prices.put("ETH-USD", new BigDecimal("1500")); // a fresh quote would differ

    StoredResponse replay = await(service.create(merchant, "key-1", request("10")));

    assertThat(replay.status()).isEqualTo(201);
    assertThat(replay.body()).isEqualTo(first.body());
    assertThat(replay.body().getString("clientSecret")).as("derived again, never stored").isNotNull();
    assertThat(env.count("SELECT count(*) FROM idempotency_keys WHERE response_body ? 'clientSecret'")).isZero();
    assertThat(checkoutsOf(merchant)).isEqualTo(1);
  }

  @Test
  void shouldRefuseTheSameKeyWithAnotherBodyAsReused() {
    await(service.create(merchant, "key-1", request("10")));

    Throwable refused = awaitFailure(service.create(merchant, "key-1", request("11")));

    assertThat(refused).isInstanceOf(ApiException.class);
    assertThat(((ApiException) refused).error()).isEqualTo(ErrorCode.IDEMPOTENCY_KEY_REUSED);
    assertThat(checkoutsOf(merchant)).isEqualTo(1);
  }

  @Test
  void shouldKeepIdempotencyKeysPerMerchant() {
    Merchant other = merchantAccepting(TestRows.merchant(env.pool()), "USDC");

    StoredResponse mine = await(service.create(merchant, "shared-key", request("10")));
    StoredResponse theirs = await(service.create(other, "shared-key", request("10")));

    assertThat(theirs.status()).isEqualTo(201);
    assertThat(theirs.body().getString("id")).isNotEqualTo(mine.body().getString("id"));
    assertThat(checkoutsOf(other)).isEqualTo(1);
  }

  @Test
  void shouldStoreAValidationErrorUnderItsKeyAndReplayItEvenOnceTheRequestWouldSucceed() {
    Merchant ethOnly = merchantAccepting(merchant.id(), "ETH");
    prices.remove("ETH-USD");

    StoredResponse refused = await(service.create(ethOnly, "key-1", request("10")));
    prices.put("ETH-USD", new BigDecimal("3000"));
    StoredResponse replayed = await(service.create(ethOnly, "key-1", request("10")));
    StoredResponse fresh = await(service.create(ethOnly, "key-2", request("10")));

    assertThat(refused.status()).isEqualTo(422);
    assertThat(refused.body().getJsonObject("error").getString("code")).isEqualTo("price_unavailable");
    assertThat(replayed).isEqualTo(refused);
    assertThat(fresh.status()).as("another key is another request").isEqualTo(201);
  }

  @Test
  void shouldLeaveOutATokenWithoutAPriceAndStillOfferTheOthers() {
    prices.remove("ETH-USD");

    StoredResponse created = await(service.create(merchant, "key-1", request("10")));

    assertThat(created.status()).isEqualTo(201);
    assertThat(created.body().getJsonArray("paymentOptions").stream().map(o -> ((JsonObject) o).getString("token")))
        .containsExactly("USDC");
  }

  @Test
  void shouldOfferOnlyTheRequestedOptionsAndKeepTheRequestedExpiryAndPayer() {
    JsonObject request = request("12.5").put("expiresInSeconds", 120).put("payer", "0x" + "AB".repeat(20))
        .put("paymentOptions", new JsonArray().add(new JsonObject().put("chainId", CHAIN).put("token", "USDC")));

    JsonObject body = await(service.create(merchant, "key-1", request)).body();

    assertThat(body.getString("amount")).isEqualTo("12.50");
    assertThat(body.getString("expiresAt")).isEqualTo("2026-03-01T10:02:00.000Z");
    assertThat(body.getString("payer")).as("stored lowercase").isEqualTo("0x" + "ab".repeat(20));
    assertThat(body.getJsonArray("paymentOptions")).hasSize(1);
    assertThat(body.getJsonArray("paymentOptions").getJsonObject(0).getString("amount")).isEqualTo("12500000");
  }

  static Stream<Arguments> invalidRequests() {
    return Stream.of(
        Arguments.of(request("0"), ErrorCode.INVALID_AMOUNT),
        Arguments.of(request("1.1234567"), ErrorCode.INVALID_AMOUNT),
        Arguments.of(request("-1"), ErrorCode.INVALID_AMOUNT),
        Arguments.of(request("1e3"), ErrorCode.INVALID_AMOUNT),
        Arguments.of(request("10").put("currency", "GBP"), ErrorCode.UNSUPPORTED_CURRENCY),
        Arguments.of(request("10").put("currency", "eur"), ErrorCode.UNSUPPORTED_CURRENCY),
        Arguments.of(request("10").put("expiresInSeconds", 59), ErrorCode.INVALID_REQUEST),
        Arguments.of(request("10").put("expiresInSeconds", 86_401), ErrorCode.INVALID_REQUEST),
        Arguments.of(request("10").put("payer", "0x1234"), ErrorCode.INVALID_ADDRESS),
        Arguments.of(request("10").put("paymentOptions",
            new JsonArray().add(new JsonObject().put("chainId", 1).put("token", "USDC"))), ErrorCode.PAYMENT_METHOD_NOT_AVAILABLE),
        Arguments.of(request("10").put("paymentOptions",
            new JsonArray().add(new JsonObject().put("chainId", CHAIN).put("token", "DAI"))), ErrorCode.PAYMENT_METHOD_NOT_AVAILABLE));
  }

  @ParameterizedTest
  @MethodSource("invalidRequests")
  void shouldAnswerAnInvalidRequestWithItsErrorCodeAndCreateNothing(JsonObject request, ErrorCode expected) {
    StoredResponse refused = await(service.create(merchant, "key-" + UUID.randomUUID(), request));

    assertThat(refused.status()).isEqualTo(expected.httpStatus());
    assertThat(refused.body().getJsonObject("error").getString("code")).isEqualTo(expected.code());
    assertThat(refused.body().containsKey("clientSecret")).isFalse();
    assertThat(checkoutsOf(merchant)).isZero();
  }

  @Test
  void shouldRefuseACheckoutToAMerchantThatAcceptsNothingWatched() {
    Merchant polygonOnly = new Merchant(merchant.id(), "shop",
        Map.of(Merchant.methodKey(137, "USDC"), new PaymentMethod(137, "USDC", TestRows.RECIPIENT)), MODE);

    StoredResponse refused = await(service.create(polygonOnly, "key-1", request("10")));

    assertThat(refused.body().getJsonObject("error").getString("code")).isEqualTo("payment_method_not_available");
  }

  @Test
  void shouldRefuseALiveKeyOnATestNetworkAndCarryTheModeOfATestOne() {
    Merchant live = new Merchant(merchant.id(), "shop", merchant.methods(), KeyMode.LIVE);
    StoredResponse refused = await(service.create(live, "key-live", request("10")));
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.body().getJsonObject("error").getString("code")).isEqualTo("mode_mismatch");
    assertThat(refused.body().getJsonObject("error").getString("detail")).contains("live key").contains("tg_test_");

    StoredResponse created = await(service.create(merchant, "key-test", request("10")));
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.body().getString("mode")).isEqualTo("test");
    UUID id = UUID.fromString(created.body().getString("id"));
    assertThat(env.one("SELECT mode FROM checkouts WHERE id = $1", id).getString("mode")).isEqualTo("test");
    // the live key of the same merchant does not see the test checkout
    assertThat(((ApiException) io.tollgate.testing.Async.awaitFailure(service.get(live, id))).error()).isEqualTo(ErrorCode.MODE_MISMATCH);
    assertThat(await(service.get(merchant, id)).getString("mode")).isEqualTo("test");
  }

  @Test
  void shouldRefuseATestKeyOnALiveNetwork() {
    // the same chain, configured as a live network (chain.31337.testnet=false)
    CheckoutPlanner livePlanner = new CheckoutPlanner(new ChainRegistry(CHAINS.all(), java.util.Set.of()),
        (base, quote) -> Future.succeededFuture(new io.tollgate.pricing.Price(base, quote, new BigDecimal("3000"), List.of("test"), NOW)),
        Clock.fixed(NOW, ZoneOffset.UTC),
        new CheckoutSettings(Duration.ofMinutes(10), Duration.ofMinutes(1), Duration.ofDays(1), Duration.ofHours(48), java.util.List.of("USD", "EUR")));
    CheckoutService onLive = new CheckoutService(env.pool(), livePlanner, secrets, new TransitionLog(List.of()));

    StoredResponse all = await(onLive.create(merchant, "key-1", request("10")));
    assertThat(all.status()).isEqualTo(403);
    assertThat(all.body().getJsonObject("error").getString("code")).isEqualTo("mode_mismatch");
    StoredResponse named = await(onLive.create(merchant, "key-2", request("10").put("paymentOptions",
        new io.vertx.core.json.JsonArray().add(new JsonObject().put("chainId", CHAIN).put("token", "USDC")))));
    assertThat(named.body().getJsonObject("error").getString("code")).isEqualTo("mode_mismatch");
    assertThat(named.body().getJsonObject("error").getString("detail")).startsWith("chain 31337 is a live network");

    StoredResponse live = await(onLive.create(new Merchant(merchant.id(), "shop", merchant.methods(), KeyMode.LIVE),
        "key-3", request("10")));
    assertThat(live.status()).isEqualTo(201);
    assertThat(live.body().getString("mode")).isEqualTo("live");
  }

  @Test
  void shouldNotReplayACheckoutOfTheOtherModeForTheSameIdempotencyKey() {
    await(service.create(merchant, "shared-key", request("10")));
    CheckoutPlanner livePlanner = new CheckoutPlanner(new ChainRegistry(CHAINS.all(), java.util.Set.of()),
        (base, quote) -> Future.succeededFuture(new io.tollgate.pricing.Price(base, quote, new BigDecimal("3000"), List.of("test"), NOW)),
        Clock.fixed(NOW, ZoneOffset.UTC),
        new CheckoutSettings(Duration.ofMinutes(10), Duration.ofMinutes(1), Duration.ofDays(1), Duration.ofHours(48), java.util.List.of("USD", "EUR")));
    Throwable replay = io.tollgate.testing.Async.awaitFailure(new CheckoutService(env.pool(), livePlanner, secrets,
        new TransitionLog(List.of())).create(new Merchant(merchant.id(), "shop", merchant.methods(), KeyMode.LIVE),
        "shared-key", request("10")));
    assertThat(((ApiException) replay).error()).isEqualTo(ErrorCode.IDEMPOTENCY_KEY_REUSED);
  }

  @Test
  void shouldShowACheckoutOnlyToItsMerchant() {
    UUID id = UUID.fromString(await(service.create(merchant, "key-1", request("10"))).body().getString("id"));
    Merchant other = merchantAccepting(TestRows.merchant(env.pool()), "USDC");

    JsonObject mine = await(service.get(merchant, id));
    Throwable theirs = awaitFailure(service.get(other, id));

    assertThat(mine.getJsonArray("paymentOptions")).hasSize(2);
    assertThat(mine.getString("clientSecret")).isEqualTo(secrets.secretFor(id));
    assertThat(((ApiException) theirs).error()).isEqualTo(ErrorCode.CHECKOUT_NOT_FOUND);
  }
}
