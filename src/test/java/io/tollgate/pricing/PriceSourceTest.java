package io.tollgate.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Each exchange's path for any pair, and its answer read, as the quorum oracle asks them. */
class PriceSourceTest {
  @Test
  void everyExchangeNamesAPairInItsOwnWay() {
    assertThat(PriceSource.COINBASE.path("ETH", "EUR")).isEqualTo("/v2/prices/ETH-EUR/spot");
    assertThat(PriceSource.KRAKEN.path("EUR", "USD")).isEqualTo("/0/public/Ticker?pair=EURUSD");
    assertThat(PriceSource.BITSTAMP.path("ETH", "EUR")).isEqualTo("/api/v2/ticker/etheur/");
    assertThat(PriceSource.BINANCE.path("ETH", "EUR")).isEqualTo("/api/v3/ticker/price?symbol=ETHEUR");
    assertThat(PriceSource.BINANCE.path("EUR", "USD")).as("USD is quoted as USDT there").isEqualTo("/api/v3/ticker/price?symbol=EURUSDT");
  }

  @Test
  void aPairsAnswerIsReadInEachFormat() {
    assertThat(PriceSource.COINBASE.parse(new JsonObject(
        "{\"data\":{\"amount\":\"2750.10\",\"base\":\"ETH\",\"currency\":\"EUR\"}}"))).isEqualByComparingTo("2750.10");
    assertThat(PriceSource.KRAKEN.parse(new JsonObject(
        "{\"error\":[],\"result\":{\"ZEURZUSD\":{\"c\":[\"1.0812\",\"100\"]}}}"))).isEqualByComparingTo("1.0812");
    assertThat(PriceSource.BITSTAMP.parse(new JsonObject("{\"last\":\"2751\"}"))).isEqualByComparingTo("2751");
    assertThat(PriceSource.BINANCE.parse(new JsonObject("{\"symbol\":\"EURUSDT\",\"price\":\"1.081\"}")))
        .isEqualByComparingTo("1.081");
  }
}
