package io.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.web3j.crypto.Credentials;

/**
 * {@code GET /v1/checkouts}: cursor pages that neither repeat nor skip a checkout while others are
 * created concurrently; filters by status, created range, order reference, payer and transaction;
 * {@code GET /v1/stats} figures.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CheckoutListingEndToEndTest {
  private TollgateFixture app;

  @BeforeAll
  void start() {
    app = TollgateFixture.start();
  }

  @AfterAll
  void stop() {
    app.close();
  }

  @Test
  void pagesAreStableUnderConcurrentInserts() throws Exception {
    Set<String> existing = new HashSet<>();
    for (int i = 0; i < 25; i++) existing.add(app.newCheckout("1.00", "USDC").getString("id"));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<String>> inserted = new ArrayList<>();
    for (int i = 0; i < 20; i++) inserted.add(pool.submit(() -> app.newCheckout("2.00", "USDC").getString("id")));
    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      JsonObject page = app.merchantGet("/v1/checkouts?limit=4" + (cursor == null ? "" : "&cursor=" + cursor)).json();
      page.getJsonArray("data").forEach(c -> seen.add(((JsonObject) c).getString("id")));
      cursor = page.getBoolean("hasMore") ? page.getString("nextCursor") : null;
      pages++;
      TollgateFixture.sleep(20); // let the inserts interleave with the pages
    } while (cursor != null && pages < 100);
    for (Future<String> f : inserted) f.get();
    pool.shutdown();
    assertThat(new HashSet<>(seen)).hasSize(seen.size()); // nothing twice
    assertThat(seen).containsAll(existing);               // nothing that existed skipped
  }

  @Test
  void filtersAndStats() {
    Instant before = Instant.now().minusSeconds(1);
    Credentials buyer = app.buyer(100);
    String order = "FILTER-" + UUID.randomUUID();
    JsonObject paid = app.createCheckout("f-" + UUID.randomUUID(), new JsonObject().put("orderReference", order)
        .put("amount", "2.50").put("payer", buyer.getAddress())
        .put("paymentOptions", new JsonArray().add(new JsonObject().put("chainId", TollgateFixture.CHAIN_ID).put("token", "USDC"))))
        .json();
    String tx = app.chain.transferToken(buyer, app.usdc, TollgateFixture.RECIPIENT, BigInteger.valueOf(2_500_000));
    app.submit(paid, "USDC", tx);
    assertThat(app.awaitSettled(paid).getString("status")).isEqualTo("paid");

    assertThat(ids("orderReference=" + order)).containsExactly(paid.getString("id"));
    assertThat(ids("payer=" + buyer.getAddress())).containsExactly(paid.getString("id"));
    assertThat(ids("txHash=" + tx)).containsExactly(paid.getString("id"));
    assertThat(ids("status=paid")).contains(paid.getString("id")).allMatch(id -> !id.isEmpty());
    assertThat(ids("status=open")).doesNotContain(paid.getString("id"));
    assertThat(ids("createdFrom=" + enc(Instant.now().plusSeconds(60).toString()))).isEmpty();
    assertThat(ids("createdFrom=" + enc(before.toString()) + "&orderReference=" + order)).hasSize(1);
    TollgateFixture.Response badCursor = app.merchantGet("/v1/checkouts?cursor=nonsense");
    assertThat(badCursor.status()).isEqualTo(400);
    assertThat(badCursor.errorCode()).isEqualTo("invalid_cursor");
    assertThat(app.merchantGet("/v1/checkouts?createdFrom=yesterday").errorCode()).isEqualTo("invalid_time_range");

    JsonObject stats = app.merchantGet("/v1/stats?from=" + enc(before.toString())).json();
    JsonObject paidGroup = stats.getJsonArray("checkouts").stream().map(o -> (JsonObject) o)
        .filter(g -> "paid".equals(g.getString("status"))).findFirst().orElseThrow();
    assertThat(paidGroup.getLong("count")).isEqualTo(1);
    assertThat(paidGroup.getString("amount")).isEqualTo("2.50");
    assertThat(paidGroup.getString("token")).isEqualTo("USDC");
    assertThat(paidGroup.getString("receivedBase")).isEqualTo("2500000");
    assertThat(app.merchantGet("/v1/stats?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z").errorCode())
        .isEqualTo("invalid_time_range");
  }

  private List<String> ids(String query) {
    TollgateFixture.Response r = app.merchantGet("/v1/checkouts?limit=100&" + query);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().getJsonArray("data").stream().map(o -> ((JsonObject) o).getString("id")).toList();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
