package io.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.web3j.crypto.Credentials;

/**
 * Issue 20's fan-out: the live status stream delivers {@code paid} to 1,000 subscribers of one
 * checkout, and to one subscriber each of 1,000 checkouts paid by real transfers mined in one
 * block (one buyer, preset as every checkout's payer, sends 1,000 transfers while anvil holds
 * them, then one block takes them all), through HTTP, PostgreSQL, Redis and anvil.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CheckoutEventsFanOutEndToEndTest {
  private static final int N = 1_000;
  private static final BigInteger TWO_USDC = BigInteger.valueOf(2_000_000);
  private TollgateFixture app;
  private EventStreamClient client;

  @BeforeAll
  void start() {
    // every subscriber is 127.0.0.1: the per-address connection bound must let 1,000 streams in
    app = TollgateFixture.start(Map.of("http.max-connections-per-address", "5000"),
        "--gas-limit", "300000000");
    client = new EventStreamClient(N + 50);
  }

  @AfterAll
  void stop() {
    client.close();
    app.close();
  }

  @Test
  void aThousandSubscribersOfOneCheckoutAllReceivePaid() throws Exception {
    Credentials buyer = app.buyer(10);
    JsonObject checkout = app.newCheckout("2.00", "USDC", buyer);
    List<Future<EventStreamClient.Stream>> opening = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      opening.add(client.open(app.base(), checkout.getString("id"), checkout.getString("clientSecret"), i % 2 == 0, null));
    }
    List<EventStreamClient.Stream> streams = awaitAll(opening);
    assertThat(streams).allSatisfy(s -> assertThat(s.status).isEqualTo(200));
    assertThat(streams).allSatisfy(s -> assertThat(s.awaitStatus("open", 10)).isNotNull());

    app.submit(checkout, "USDC", transferInWindow(buyer, 1));
    app.chain.mine(1);
    assertThat(app.awaitSettled(checkout).getString("status")).isEqualTo("paid");
    String paidBody = app.status(checkout).json().encode();
    long withPaid = 0;
    for (EventStreamClient.Stream s : streams) {
      EventStreamClient.Event paid = s.awaitStatus("paid", 20);
      if (paid != null && paid.json().encode().equals(paidBody) && s.awaitEnded(5)) withPaid++;
    }
    assertThat(withPaid).as("subscribers that received paid (the poll's body) and saw the stream end").isEqualTo(N);
  }

  @Test
  void oneSubscriberEachOfAThousandCheckoutsAllReceivePaid() throws Exception {
    Credentials buyer = app.buyer(2 * N + 10);
    List<JsonObject> checkouts = inParallel(java.util.stream.IntStream.range(0, N)
        .<java.util.concurrent.Callable<JsonObject>>mapToObj(i -> () -> app.newCheckout("2.00", "USDC", buyer)).toList());
    List<Future<EventStreamClient.Stream>> opening = new ArrayList<>();
    for (JsonObject c : checkouts) opening.add(client.open(app.base(), c.getString("id"), c.getString("clientSecret"), true, null));
    List<EventStreamClient.Stream> streams = awaitAll(opening);
    assertThat(streams).allSatisfy(s -> assertThat(s.awaitStatus("open", 10)).isNotNull());

    // 1,000 transfers held by anvil, each claimed by its checkout, then one block mines them all
    app.chain.rpc("evm_setAutomine", false);
    try {
      List<String> txs = new ArrayList<>();
      for (int i = 0; i < N; i++) txs.add(transferInWindow(buyer, 2));
      List<TollgateFixture.Response> submitted = inParallel(java.util.stream.IntStream.range(0, N)
          .<java.util.concurrent.Callable<TollgateFixture.Response>>mapToObj(i -> () -> app.submit(checkouts.get(i), "USDC", txs.get(i)))
          .toList());
      assertThat(submitted).allSatisfy(r -> assertThat(r.status()).as(r.body()).isEqualTo(202));
      app.chain.mine(1);
    } finally {
      app.chain.rpc("evm_setAutomine", true);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    long withPaid = 0;
    for (EventStreamClient.Stream s : streams) {
      int left = (int) Math.max(1, TimeUnit.NANOSECONDS.toSeconds(deadline - System.nanoTime()));
      if (s.awaitStatus("paid", left) != null) withPaid++;
    }
    assertThat(withPaid).as("checkouts whose subscriber received paid").isEqualTo(N);
  }

  /**
   * The buyer's next transfer. The first of a batch sets the next block's timestamp at least
   * {@code aheadSeconds} past now: anvil's block timestamps were seen lagging the wall clock here,
   * which put a block before a checkout created just before it (outside its window).
   */
  private String transferInWindow(Credentials buyer, int aheadSeconds) {
    JsonObject latest = (JsonObject) app.chain.rpc("eth_getBlockByNumber", "latest", false);
    long latestSeconds = Long.decode(latest.getString("timestamp"));
    long wanted = java.time.Instant.now().getEpochSecond() + aheadSeconds;
    if (latestSeconds < wanted) app.chain.rpc("evm_setNextBlockTimestamp", wanted);
    return app.chain.transferToken(buyer, app.usdc, TollgateFixture.RECIPIENT, TWO_USDC);
  }

  /** A shop and its buyers act at once: calls through HTTP from a few threads. */
  private static <T> List<T> inParallel(List<java.util.concurrent.Callable<T>> calls) throws Exception {
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
    try {
      List<T> out = new ArrayList<>();
      for (java.util.concurrent.Future<T> f : pool.invokeAll(calls)) out.add(f.get());
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  private static <T> List<T> awaitAll(List<Future<T>> futures) throws Exception {
    Future.all(futures).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    return futures.stream().map(Future::result).toList();
  }
}
