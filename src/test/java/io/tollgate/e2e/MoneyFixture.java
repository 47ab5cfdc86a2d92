package io.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.web3j.crypto.Credentials;

/**
 * What the money tests share on top of {@link TollgateFixture}: the shop's own wallet (the
 * recipient, anvil's account 9, whose key is public), merchant POSTs with an Idempotency-Key, and
 * waiting for a refund or a checkout to reach a state.
 */
final class MoneyFixture {
  /** anvil's well-known account 9: the fixture's RECIPIENT, so the shop can send refunds from it. */
  static final Credentials SHOP_WALLET =
      Credentials.create("0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6");

  private MoneyFixture() {}

  static TollgateFixture.Response merchantPost(TollgateFixture app, String path, String key, JsonObject body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(app.base() + path))
        .header("Authorization", "Bearer " + app.apiKey).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body == null ? "" : body.encode()));
    if (key != null) b.header("Idempotency-Key", key);
    return app.send(b);
  }

  static TollgateFixture.Response refund(TollgateFixture app, JsonObject checkout, JsonObject body) {
    return merchantPost(app, "/v1/checkouts/" + checkout.getString("id") + "/refunds", "r-" + UUID.randomUUID(), body);
  }

  static TollgateFixture.Response postRefundTx(TollgateFixture app, JsonObject refund, String txHash) {
    return merchantPost(app, "/v1/checkouts/" + refund.getString("checkoutId") + "/refunds/" + refund.getString("id")
        + "/transactions", "t-" + UUID.randomUUID(), new JsonObject().put("txHash", txHash));
  }

  static JsonObject getRefund(TollgateFixture app, JsonObject refund) {
    return app.merchantGet("/v1/checkouts/" + refund.getString("checkoutId") + "/refunds/" + refund.getString("id")).json();
  }

  /** Mines a block now and then (the watcher checks claims on new heads) until the refund matches. */
  static JsonObject awaitRefund(TollgateFixture app, JsonObject refund, Predicate<JsonObject> done) {
    return await(() -> getRefund(app, refund), done, app);
  }

  static JsonObject awaitCheckout(TollgateFixture app, JsonObject checkout, Predicate<JsonObject> done) {
    return await(() -> app.merchantGet("/v1/checkouts/" + checkout.getString("id")).json(), done, app);
  }

  private static JsonObject await(java.util.function.Supplier<JsonObject> read, Predicate<JsonObject> done,
      TollgateFixture app) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    JsonObject last = null;
    int i = 0;
    while (System.nanoTime() < deadline) {
      last = read.get();
      if (done.test(last)) return last;
      if (++i % 5 == 0) app.chain.mine(1);
      TollgateFixture.sleep(100);
    }
    throw new AssertionError("not reached in 30 s; last: " + last);
  }

  /** The shop sends {@code units} base units of USDC from its wallet. */
  static String shopSendsUsdc(TollgateFixture app, String to, long units) {
    return app.chain.transferToken(SHOP_WALLET, app.usdc, to, BigInteger.valueOf(units));
  }

  static long count(TollgateFixture app, String sql, Object... params) {
    return query(app, sql, params).iterator().next().getLong(0);
  }

  static RowSet<Row> query(TollgateFixture app, String sql, Object... params) {
    try {
      return app.tollgate.pool().preparedQuery(sql).execute(Tuple.from(params)).toCompletionStage().toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static JsonObject createEndpoint(TollgateFixture app, String url) {
    TollgateFixture.Response created = app.send(HttpRequest.newBuilder(URI.create(app.base() + "/v1/webhook-endpoints"))
        .header("Authorization", "Bearer " + app.apiKey).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("url", url).encode())));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json();
  }
}
