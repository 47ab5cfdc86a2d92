package io.tollgate.e2e;

import static io.tollgate.testing.Async.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;

/**
 * Issue 22, item 7: a node that answers {@code null} for a mined transaction (stuck behind, or
 * lying) while its head passes the checkout's expiry cannot make a valid payment lost. The node is
 * anvil behind a JSON-RPC proxy on loopback that, while told to, answers every question about a
 * transaction (receipt, transaction, logs) as if it did not exist. The checkout expires on time,
 * its claim stays watched, and once the node answers truthfully the payment, mined in time, pays it.
 */
class LyingNodeEndToEndTest {
  private static final Set<String> ABOUT_TRANSACTIONS = Set.of("eth_getTransactionReceipt", "eth_getTransactionByHash");

  @Test
  void aPaymentMinedInTimeIsPaidAfterANodeDeniedItPastTheExpiry() {
    Vertx vertx = Vertx.vertx();
    LyingProxy proxy = new LyingProxy(vertx);
    try (TollgateFixture app = TollgateFixture.start(anvil -> {
      proxy.start(anvil.rpcUrl());
      return Map.of("chain.31337.rpc-urls", proxy.url());
    })) {
      Credentials buyer = app.buyer(100);
      JsonObject checkout = app.createCheckout("lying-" + System.nanoTime(), new JsonObject().put("orderReference", "ORDER-L")
          .put("amount", "5.00").put("expiresInSeconds", 6).put("payer", buyer.getAddress())
          .put("paymentOptions", new JsonArray().add(new JsonObject().put("chainId", TollgateFixture.CHAIN_ID).put("token", "USDC"))))
          .json();
      proxy.lying = true;
      String tx = app.chain.transferToken(buyer, app.usdc, TollgateFixture.RECIPIENT, BigInteger.valueOf(5_000_000));
      assertThat(app.submit(checkout, "USDC", tx).status()).isEqualTo(202);

      // The chain moves past the expiry while the node denies the transaction.
      TollgateFixture.awaitWallClockPast(Instant.parse(checkout.getString("expiresAt")).plusSeconds(1));
      JsonObject expired = awaitStatus(app, checkout, "expired", true);
      assertThat(expired.getString("reason")).isEqualTo("not_mined_before_expiry");
      for (int i = 0; i < 3; i++) { // more heads past the expiry, every one denying it
        app.chain.mine(1);
        TollgateFixture.sleep(300);
      }

      // The node recovers: the claim, still watched, is found mined inside the window.
      proxy.lying = false;
      JsonObject paid = awaitStatus(app, checkout, "paid", true);
      assertThat(paid.getJsonObject("payment").getString("txHash")).isEqualTo(tx.toLowerCase(java.util.Locale.ROOT));
      assertThat(proxy.denied).as("the proxy did deny the transaction").isPositive();
    } finally {
      await(vertx.close());
    }
  }

  /** Polls the status, mining a block between polls (anvil mines only when asked). */
  private static JsonObject awaitStatus(TollgateFixture app, JsonObject checkout, String status, boolean mining) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    JsonObject last = null;
    while (System.nanoTime() < deadline) {
      last = app.status(checkout).json();
      if (status.equals(last.getString("status"))) return last;
      if (mining) app.chain.mine(1);
      TollgateFixture.sleep(300);
    }
    throw new AssertionError("checkout never became " + status + "; last: " + last + " / stored: "
        + app.merchantGet("/v1/checkouts/" + checkout.getString("id")).body());
  }

  /** Forwards JSON-RPC to anvil; while {@link #lying}, transactions do not exist and logs are empty. */
  private static final class LyingProxy {
    private final Vertx vertx;
    private final HttpClient client;
    private HttpServer server;
    volatile boolean lying;
    volatile int denied;

    LyingProxy(Vertx vertx) {
      this.vertx = vertx;
      this.client = vertx.createHttpClient();
    }

    void start(String upstream) {
      java.net.URI target = java.net.URI.create(upstream);
      server = await(vertx.createHttpServer().requestHandler(req -> req.body().compose(body ->
              client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost(target.getHost())
                      .setPort(target.getPort()).setURI("/").putHeader("Content-Type", "application/json"))
                  .compose(out -> out.send(body))
                  .compose(answer -> answer.body().map(bytes -> rewrite(body, bytes))))
          .onSuccess(bytes -> req.response().putHeader("Content-Type", "application/json").end(bytes))
          .onFailure(e -> req.response().setStatusCode(502).end()))
          .listen(0, "127.0.0.1"));
    }

    String url() {
      return "http://127.0.0.1:" + server.actualPort();
    }

    private Buffer rewrite(Buffer request, Buffer answer) {
      if (!lying) return answer;
      Object asked = Json.decodeValue(request);
      Object answered = Json.decodeValue(answer);
      if (asked instanceof JsonArray calls && answered instanceof JsonArray answers) {
        Map<Object, String> methods = new java.util.HashMap<>();
        for (Object call : calls) methods.put(((JsonObject) call).getValue("id"), ((JsonObject) call).getString("method"));
        for (Object one : answers) deny((JsonObject) one, methods.get(((JsonObject) one).getValue("id")));
        return answers.toBuffer();
      }
      if (asked instanceof JsonObject call && answered instanceof JsonObject one) {
        deny(one, call.getString("method"));
        return one.toBuffer();
      }
      return answer;
    }

    private void deny(JsonObject answer, String method) {
      if (ABOUT_TRANSACTIONS.contains(method)) {
        answer.putNull("result");
        denied++;
      } else if ("eth_getLogs".equals(method)) {
        answer.put("result", new JsonArray());
      }
    }
  }
}
