package io.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.web3j.crypto.Credentials;

/**
 * A live status stream whose client never reads, through HTTP against real PostgreSQL, Redis and
 * anvil: a raw socket with a small receive buffer opens {@code GET /v1/checkouts/{id}/events} and
 * reads nothing while the checkout's payment gathers confirmations (an event each) and heartbeats
 * come every 20 ms. The server's kernel send buffer is bounded ({@code http.send-buffer-bytes}), so
 * the socket fills in seconds; then nothing written moves and the server must drop the stream
 * ({@code tollgate_sse_streams_dropped_total{reason="stalled"}}), with what it held for it ({@code
 * tollgate_sse_queued_bytes}) bounded all along, while a reading subscriber of the same checkout
 * gets every confirmation and {@code paid} on time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CheckoutEventsSlowReaderEndToEndTest {
  private static final BigInteger TWO_USDC = BigInteger.valueOf(2_000_000);
  private static final int CONFIRMATIONS = 40;
  private static final int WRITE_QUEUE_BYTES = 64 * 1024;
  private TollgateFixture app;
  private EventStreamClient client;

  @BeforeAll
  void start() {
    app = TollgateFixture.startWithMetrics(Map.of(
        "chain.31337.confirmations", Integer.toString(CONFIRMATIONS),
        "http.events.heartbeat-ms", "20",
        "http.events.stall-ms", "1000",
        "http.events.write-queue-bytes", Integer.toString(WRITE_QUEUE_BYTES),
        "http.send-buffer-bytes", "4096"));
    client = new EventStreamClient(10);
  }

  @AfterAll
  void stop() {
    client.close();
    app.close();
  }

  @Test
  void aStreamNobodyReadsIsDroppedWhileAReaderOfTheSameCheckoutGetsPaidOnTime() throws Exception {
    Credentials buyer = app.buyer(10);
    JsonObject checkout = app.newCheckout("2.00", "USDC", buyer);
    String id = checkout.getString("id");
    String secret = checkout.getString("clientSecret");
    EventStreamClient.Stream reader = client.openAwait(app.base(), id, secret, false, null);
    assertThat(reader.awaitStatus("open", 5)).isNotNull();

    try (Socket slow = new Socket()) {
      slow.setReceiveBufferSize(1024); // before connecting: the window it advertises stays small
      slow.connect(new InetSocketAddress("127.0.0.1", app.tollgate.httpPort()), 5_000);
      slow.getOutputStream().write(("GET /v1/checkouts/" + id + "/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Accept: text/event-stream\r\nX-Client-Secret: " + secret + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      slow.getOutputStream().flush();
      awaitMetric("tollgate_sse_streams_open", v -> v == 2, 5);

      // what the server holds for its streams, watched while the checkout changes under them
      AtomicLong maxQueued = new AtomicLong();
      long paidAfterMs;
      AtomicBoolean watching = new AtomicBoolean(true);
      Thread watcher = new Thread(() -> {
        while (watching.get()) {
          maxQueued.accumulateAndGet((long) metric("tollgate_sse_queued_bytes"), Math::max);
          TollgateFixture.sleep(20);
        }
      });
      watcher.setDaemon(true);
      watcher.start();
      try {
        // mined a second past now: anvil's block time was seen lagging the wall clock (outside the window)
        long latest = Long.decode(((JsonObject) app.chain.rpc("eth_getBlockByNumber", "latest", false)).getString("timestamp"));
        app.chain.rpc("evm_setNextBlockTimestamp", Math.max(latest + 1, java.time.Instant.now().getEpochSecond() + 1));
        String tx = app.chain.transferToken(buyer, app.usdc, TollgateFixture.RECIPIENT, TWO_USDC);
        assertThat(app.submit(checkout, "USDC", tx).status()).isEqualTo(202);
        // one block at a time, each seen by the watcher: one event per confirmation
        long lastBlock = 0;
        for (int i = 1; i < CONFIRMATIONS; i++) {
          app.chain.mine(1);
          lastBlock = System.nanoTime();
          if (i < CONFIRMATIONS - 1) TollgateFixture.sleep(150);
        }
        EventStreamClient.Event paid = reader.awaitStatus("paid", 15);
        paidAfterMs = (System.nanoTime() - lastBlock) / 1_000_000;
        assertThat(paid).as("the reader's events: %s", reader.events.size()).isNotNull();
        assertThat(paidAfterMs).as("paid reached the reader on time, in ms after the last block").isLessThan(5_000);
        assertThat(reader.events.stream().filter(e -> "pending".equals(e.json().getString("status"))).count())
            .as("confirmation events the reader got").isGreaterThan(CONFIRMATIONS / 2);

        assertThat(awaitMetric("tollgate_sse_streams_dropped_total{reason=\"stalled\"}", v -> v >= 1, 10))
            .as("the stream nobody reads is dropped as stalled").isEqualTo(1);
        assertThat(metric("tollgate_sse_streams_dropped_total{reason=\"slow\"}")).isZero();
        awaitMetric("tollgate_sse_streams_open", v -> v == 0, 5);
        assertThat(awaitMetric("tollgate_sse_queued_bytes", v -> v == 0, 5)).as("nothing held once it is gone").isZero();
      } finally {
        watching.set(false);
        watcher.join();
      }
      assertThat(maxQueued.get()).as("bytes held for the streams at most (%d)", maxQueued.get())
          .isPositive().isLessThanOrEqualTo(WRITE_QUEUE_BYTES);

      // the server closed the connection: reading now drains what the kernels hold, then the end
      long read = drain(slow);
      assertThat(read).as("bytes the slow socket got in all").isPositive().isLessThan(1024 * 1024);
      System.out.printf("slow reader: at most %d bytes held for the streams; the slow socket got %d bytes before the end;"
          + " the reader had paid %d ms after the last block%n", maxQueued.get(), read, paidAfterMs);
    }
  }

  /** Reads the socket to its end (or reset); fails if it stays open. */
  private static long drain(Socket socket) throws IOException {
    socket.setSoTimeout(10_000);
    InputStream in = socket.getInputStream();
    byte[] buffer = new byte[8192];
    long total = 0;
    try {
      for (int n; (n = in.read(buffer)) >= 0; ) total += n;
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server left the slow stream's connection open", e);
    } catch (SocketException e) {
      // reset by the server: closed too
    }
    return total;
  }

  private double metric(String series) {
    Double v = MetricsEndToEndTest.parse(app.get("/metrics", null, Map.of()).body()).get(series);
    return v == null ? 0 : v;
  }

  private double awaitMetric(String series, java.util.function.DoublePredicate test, int seconds) {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    double v = metric(series);
    while (!test.test(v) && System.nanoTime() < deadline) {
      TollgateFixture.sleep(50);
      v = metric(series);
    }
    assertThat(test.test(v)).as("%s reached the expected value (now %s)", series, v).isTrue();
    return v;
  }
}
