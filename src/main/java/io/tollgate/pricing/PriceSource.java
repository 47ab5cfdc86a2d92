package io.tollgate.pricing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.Locale;

/**
 * The public ticker APIs the quorum oracle reads, each with its request path and answer format.
 * {@link #parse} throws {@link IllegalArgumentException} on an answer it cannot read.
 */
enum PriceSource {
  /** {@code GET /v2/prices/ETH-USD/spot} → {@code {"data":{"amount":"3000.12","base":"ETH","currency":"USD"}}}. */
  COINBASE("https://api.coinbase.com") {
    String path(String base, String quote) { return "/v2/prices/" + base + "-" + quote + "/spot"; }

    BigDecimal parse(JsonObject body) { return decimal(body.getJsonObject("data").getValue("amount")); }
  },
  /** {@code GET /0/public/Ticker?pair=ETHUSD} → {@code {"error":[],"result":{"XETHZUSD":{"c":["3000.1","0.5"],...}}}}. */
  KRAKEN("https://api.kraken.com") {
    String path(String base, String quote) { return "/0/public/Ticker?pair=" + base + quote; }

    BigDecimal parse(JsonObject body) {
      JsonArray errors = body.getJsonArray("error");
      if (errors != null && !errors.isEmpty()) throw new IllegalArgumentException("kraken: " + errors.encode());
      JsonObject result = body.getJsonObject("result");
      if (result == null || result.size() != 1) throw new IllegalArgumentException("kraken: not one pair");
      return decimal(result.getJsonObject(result.fieldNames().iterator().next()).getJsonArray("c").getValue(0));
    }
  },
  /** {@code GET /api/v2/ticker/ethusd/} → {@code {"last":"3000.5",...}}. */
  BITSTAMP("https://www.bitstamp.net") {
    String path(String base, String quote) { return "/api/v2/ticker/" + (base + quote).toLowerCase(Locale.ROOT) + "/"; }

    BigDecimal parse(JsonObject body) { return decimal(body.getValue("last")); }
  },
  /** {@code GET /api/v3/ticker/price?symbol=ETHUSDT} → {@code {"symbol":"ETHUSDT","price":"3000.00"}}; USD as USDT. */
  BINANCE("https://api.binance.com") {
    String path(String base, String quote) { return "/api/v3/ticker/price?symbol=" + base + ("USD".equals(quote) ? "USDT" : quote); }

    BigDecimal parse(JsonObject body) { return decimal(body.getValue("price")); }
  };

  final String defaultUrl;

  PriceSource(String defaultUrl) {
    this.defaultUrl = defaultUrl;
  }

  abstract String path(String base, String quote);

  abstract BigDecimal parse(JsonObject body);

  static PriceSource named(String name) {
    return valueOf(name.trim().toUpperCase(Locale.ROOT));
  }

  private static BigDecimal decimal(Object value) {
    if (!(value instanceof String text)) throw new IllegalArgumentException("price is not a decimal string: " + value);
    BigDecimal price = new BigDecimal(text);
    if (price.signum() <= 0) throw new IllegalArgumentException("price not positive: " + text);
    return price;
  }
}
