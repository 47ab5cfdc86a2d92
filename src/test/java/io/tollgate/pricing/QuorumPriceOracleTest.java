package io.tollgate.pricing;

import static io.tollgate.testing.Async.await;
import static io.tollgate.testing.Async.awaitFailure;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.api.ApiException;
import io.tollgate.config.Settings;
import io.tollgate.testing.MutableClock;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The quorum oracle against local exchanges on loopback answering in the real APIs' formats
 * (Coinbase, Kraken, Bitstamp, Binance), including slow, failing and outlier ones.
 */
class QuorumPriceOracleTest {
  private Vertx vertx;
  private final List<HttpServer> servers = new ArrayList<>();
  private final MutableClock clock = MutableClock.atNow();
  private final AtomicInteger asked = new AtomicInteger();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    await(vertx.close());
  }

  /** What an exchange answers: a price in its format, HTTP 500, or a price after 3 s. */
  private enum Behaviour { OK, FAILING, SLOW }

  private String exchange(PriceSource source, String price, Behaviour behaviour) throws Exception {
    HttpServer server = await(vertx.createHttpServer().requestHandler(request -> {
      asked.incrementAndGet();
      if (behaviour == Behaviour.FAILING) {
        request.response().setStatusCode(500).end("{\"message\":\"down\"}");
      } else if (behaviour == Behaviour.SLOW) {
        vertx.setTimer(6_000, t -> answer(request, source, price));
      } else {
        answer(request, source, price);
      }
    }).listen(0, "127.0.0.1"));
    servers.add(server);
    return "http://127.0.0.1:" + server.actualPort();
  }

  private static void answer(HttpServerRequest request, PriceSource source, String price) {
    String expected = source.path("ETH", "USD");
    if (!request.uri().equals(expected)) {
      request.response().setStatusCode(404).end();
      return;
    }
    String body = switch (source) {
      case COINBASE -> "{\"data\":{\"amount\":\"" + price + "\",\"base\":\"ETH\",\"currency\":\"USD\"}}";
      case KRAKEN -> "{\"error\":[],\"result\":{\"XETHZUSD\":{\"a\":[\"1\",\"1\",\"1\"],\"c\":[\"" + price + "\",\"0.1\"]}}}";
      case BITSTAMP -> "{\"timestamp\":\"1\",\"last\":\"" + price + "\",\"high\":\"1\"}";
      case BINANCE -> "{\"symbol\":\"ETHUSDT\",\"price\":\"" + price + "\"}";
    };
    request.response().putHeader("Content-Type", "application/json").end(body);
  }

  /** With the production timeout (2 s), for the test of slow sources. */
  private PriceOracle oracle(Map<PriceSource, String> urls) {
    return oracle(urls, 2_000);
  }

  /** Tests not about timeouts allow more, so a loaded build machine does not turn them into one. */
  private PriceOracle patientOracle(Map<PriceSource, String> urls) {
    return oracle(urls, 15_000);
  }

  private PriceOracle oracle(Map<PriceSource, String> urls, long timeoutMs) {
    Map<String, String> settings = new HashMap<>();
    settings.put("pricing.timeout-ms", Long.toString(timeoutMs));
    settings.put("pricing.sources", String.join(",", urls.keySet().stream().map(s -> s.name().toLowerCase()).toList()));
    urls.forEach((s, url) -> settings.put("pricing.source." + s.name().toLowerCase() + ".url", url));
    return QuorumPriceOracle.fromSettings(vertx, Settings.of(settings), clock).orElseThrow();
  }

  @Test
  void theAgreeingExchangesDecideAndTheOutlierIsDropped() throws Exception {
    PriceOracle oracle = patientOracle(Map.of(
        PriceSource.COINBASE, exchange(PriceSource.COINBASE, "3000.00", Behaviour.OK),
        PriceSource.KRAKEN, exchange(PriceSource.KRAKEN, "3010.00", Behaviour.OK),
        PriceSource.BITSTAMP, exchange(PriceSource.BITSTAMP, "2990.00", Behaviour.OK),
        PriceSource.BINANCE, exchange(PriceSource.BINANCE, "4500.00", Behaviour.OK)));
    Price price = await(oracle.price("ETH", "USD"));
    assertThat(price.sources()).containsExactlyInAnyOrder("coinbase", "kraken", "bitstamp");
    assertThat(price.value()).isEqualByComparingTo("3000");
  }

  @Test
  void slowAndFailingExchangesAreLeftOutWithinTwoSeconds() throws Exception {
    PriceOracle oracle = oracle(Map.of(
        PriceSource.COINBASE, exchange(PriceSource.COINBASE, "3000.00", Behaviour.OK),
        PriceSource.KRAKEN, exchange(PriceSource.KRAKEN, "3020.00", Behaviour.OK),
        PriceSource.BITSTAMP, exchange(PriceSource.BITSTAMP, "3010.00", Behaviour.SLOW),
        PriceSource.BINANCE, exchange(PriceSource.BINANCE, "3010.00", Behaviour.FAILING)));
    long started = System.nanoTime();
    assertThat(await(oracle.price("ETH", "USD")).value()).isEqualByComparingTo("3010");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(5_000));
  }

  @Test
  void withoutQuorumTheTokenHasNoPriceAndFailuresAreNotCached() throws Exception {
    PriceOracle oracle = patientOracle(Map.of(
        PriceSource.COINBASE, exchange(PriceSource.COINBASE, "3000.00", Behaviour.OK),
        PriceSource.KRAKEN, exchange(PriceSource.KRAKEN, "3400.00", Behaviour.OK),
        PriceSource.BINANCE, exchange(PriceSource.BINANCE, "3000.00", Behaviour.FAILING)));
    assertThat(awaitFailure(oracle.price("ETH", "USD"))).isInstanceOf(ApiException.class)
        .hasMessageContaining("quorum");
    int before = asked.get();
    awaitFailure(oracle.price("ETH", "USD"));
    assertThat(asked.get()).as("a failure is never cached: every exchange is asked again").isEqualTo(before + 3);
  }

  @Test
  void aPriceIsCachedForThirtySeconds() throws Exception {
    PriceOracle oracle = patientOracle(Map.of(
        PriceSource.COINBASE, exchange(PriceSource.COINBASE, "3000.00", Behaviour.OK),
        PriceSource.BITSTAMP, exchange(PriceSource.BITSTAMP, "3002.00", Behaviour.OK)));
    Price first = await(oracle.price("ETH", "USD"));
    assertThat(first.value()).isEqualByComparingTo("3001");
    int afterFirst = asked.get();
    clock.advance(Duration.ofSeconds(29));
    assertThat(await(oracle.price("ETH", "USD"))).as("within 30 s: the same price").isEqualTo(first);
    assertThat(asked.get()).as("within 30 s: nobody asked").isEqualTo(afterFirst);
    clock.advance(Duration.ofSeconds(2));
    assertThat(await(oracle.price("ETH", "USD")).at()).as("past 30 s: a new price").isAfter(first.at());
    assertThat(asked.get()).as("past 30 s: both asked again").isEqualTo(afterFirst + 2);
  }
}
