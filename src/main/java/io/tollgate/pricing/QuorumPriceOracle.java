package io.tollgate.pricing;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.tollgate.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live prices of native tokens (and exchange rates between currencies) from several exchanges, asked in parallel ({@value #TIMEOUT_MS}
 * ms each by default, {@code pricing.timeout-ms}): the {@link Quorum} of their answers is the price. No quorum → {@code price_unavailable},
 * so the token is not offered (stablecoins still are). Successes are cached for 30 s; failures are
 * never cached, so the next checkout asks again. A checkout's quote is frozen at creation, so the
 * price holds for its whole window.
 *
 * <p>Settings: {@code pricing.sources=coinbase,kraken,bitstamp,binance} (at least two) and, to
 * point a source elsewhere, {@code pricing.source.<name>.url}. The URLs are the operator's, never a
 * request's.
 */
public final class QuorumPriceOracle implements PriceOracle {
  private static final Logger LOG = LoggerFactory.getLogger(QuorumPriceOracle.class);
  static final long TIMEOUT_MS = 2_000;
  static final Duration CACHE_FOR = Duration.ofSeconds(30);


  private final Vertx vertx;
  private final HttpClient http;
  private final Map<PriceSource, String> sources;
  private final Clock clock;
  private final Map<String, Price> cache = new ConcurrentHashMap<>();
  private final long timeoutMs;

  QuorumPriceOracle(Vertx vertx, Map<PriceSource, String> sources, Clock clock, long timeoutMs) {
    if (sources.size() < 2) throw new IllegalArgumentException("pricing.sources needs at least two exchanges for a quorum");
    if (timeoutMs < 1) throw new IllegalArgumentException("pricing.timeout-ms must be positive");
    this.timeoutMs = timeoutMs;
    this.vertx = vertx;
    this.http = vertx.createHttpClient();
    this.sources = Map.copyOf(sources);
    this.clock = clock;
  }

  /** The quorum oracle when {@code pricing.sources} is set, else empty. */
  public static Optional<PriceOracle> fromSettings(Vertx vertx, Settings settings, Clock clock) {
    List<String> names = settings.list("pricing.sources");
    if (names.isEmpty()) return Optional.empty();
    Map<PriceSource, String> sources = new LinkedHashMap<>();
    for (String name : names) {
      PriceSource source;
      try {
        source = PriceSource.named(name);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("pricing.sources: unknown exchange '" + name + "' (coinbase, kraken, bitstamp, binance)");
      }
      sources.put(source, settings.string("pricing.source." + source.name().toLowerCase(java.util.Locale.ROOT) + ".url",
          source.defaultUrl));
    }
    return Optional.of(new QuorumPriceOracle(vertx, sources, clock,
        settings.longValue("pricing.timeout-ms", TIMEOUT_MS)));
  }

  @Override
  public Future<Price> price(String base, String quote) {
    String pair = base + "-" + quote;
    Price hit = cache.get(pair);
    Instant now = clock.instant();
    if (hit != null && hit.at().plus(CACHE_FOR).isAfter(now)) return Future.succeededFuture(hit);
    if (Vertx.currentContext() == null) {
      // Vert.x 5.0.10's HTTP client, asked from a thread of no Vert.x context, now and then never
      // answers (see chain.RpcEndpoint#exchange): such a caller's exchanges are asked from an event loop.
      io.vertx.core.Promise<Price> priced = io.vertx.core.Promise.promise();
      vertx.runOnContext(v -> price(base, quote).onComplete(priced));
      return priced.future();
    }
    Map<PriceSource, Future<BigDecimal>> asked = new LinkedHashMap<>();
    sources.forEach((source, url) -> asked.put(source, ask(source, url, base, quote)));
    return Future.join(List.copyOf(asked.values())).transform(done -> {
      List<Quorum.Sample> samples = new ArrayList<>();
      Map<String, String> failures = new LinkedHashMap<>();
      asked.forEach((source, f) -> {
        String name = source.name().toLowerCase(java.util.Locale.ROOT);
        if (f.succeeded()) samples.add(new Quorum.Sample(name, f.result()));
        else failures.put(name, f.cause().toString());
      });
      Optional<Quorum.Agreement> agreed = Quorum.agreeing(samples);
      if (agreed.isEmpty()) {
        LOG.warn("no price quorum for {}: {} of {} exchanges answered {}; failed: {}", pair, samples.size(), sources.size(), samples,
            failures);
        return Future.failedFuture(new ApiException(ErrorCode.PRICE_UNAVAILABLE, "no price quorum for " + pair));
      }
      Price price = new Price(base, quote, agreed.get().price(), agreed.get().sources(), clock.instant());
      cache.put(pair, price);
      return Future.succeededFuture(price);
    });
  }

  private Future<BigDecimal> ask(PriceSource source, String url, String base, String quote) {
    RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET)
        .setAbsoluteURI(url + source.path(base, quote)).setConnectTimeout(timeoutMs).setIdleTimeout(timeoutMs)
        .putHeader("Accept", "application/json");
    return http.request(request)
        .compose(req -> req.send())
        .compose(response -> response.statusCode() != 200
            ? Future.<BigDecimal>failedFuture(new IllegalStateException(source + " HTTP " + response.statusCode()))
            : response.body().map(body -> source.parse(new JsonObject(body))))
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .onFailure(e -> LOG.debug("price of {}-{} from {} not available: {}", base, quote, source, e.toString()));
  }
}
