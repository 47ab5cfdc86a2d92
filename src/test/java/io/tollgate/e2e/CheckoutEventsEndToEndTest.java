package io.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.Credentials;

/**
 * {@code GET /v1/checkouts/{id}/events} through HTTP against real PostgreSQL, Redis and anvil: the
 * status pushed after a real on-chain payment, the event data equal to the poll's body, resume by
 * {@code Last-Event-ID}, the stream's end after a terminal status (and 204 on a reconnect that has
 * it), the poll's authorisation and errors, the bound on open streams, a change made through one
 * instance reaching a subscriber of another, and the client secret kept out of every log line.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CheckoutEventsEndToEndTest {
  private static final BigInteger TWO_USDC = BigInteger.valueOf(2_000_000);
  private TollgateFixture app;
  private EventStreamClient client;

  @BeforeAll
  void start() {
    app = TollgateFixture.start(Map.of("http.events.heartbeat-ms", "300", "http.max-connections-per-address", "5000"));
    client = new EventStreamClient(100);
  }

  @AfterAll
  void stop() {
    client.close();
    app.close();
  }

  /**
   * The buyer's transfer, mined at least a second after now: anvil's block timestamps were seen
   * lagging the wall clock by two seconds here, which put a block before a checkout created just before it.
   */
  private String pay(Credentials buyer) {
    JsonObject latest = (JsonObject) app.chain.rpc("eth_getBlockByNumber", "latest", false);
    long latestSeconds = Long.decode(latest.getString("timestamp"));
    app.chain.rpc("evm_setNextBlockTimestamp", Math.max(latestSeconds + 1, java.time.Instant.now().getEpochSecond() + 1));
    return app.chain.transferToken(buyer, app.usdc, TollgateFixture.RECIPIENT, TWO_USDC);
  }

  @Test
  void aRealPaymentIsPushedAsItHappensAndTheStreamEndsAfterPaid() {
    Credentials buyer = app.buyer(10);
    JsonObject checkout = app.newCheckout("2.00", "USDC", buyer);
    EventStreamClient.Stream stream = client.openAwait(app.base(), checkout.getString("id"), checkout.getString("clientSecret"),
        false, null);
    assertThat(stream.status).isEqualTo(200);
    assertThat(stream.header("Content-Type")).isEqualTo("text/event-stream");
    assertThat(stream.header("Cache-Control")).isEqualTo("no-store");
    assertThat(stream.header("X-Accel-Buffering")).isEqualTo("no");
    assertThat(stream.header("Content-Encoding")).isNull();

    // the current status at once, and exactly the poll's body
    EventStreamClient.Event first = stream.awaitStatus("open", 5);
    assertThat(first).isNotNull();
    assertThat(first.event()).isEqualTo("status");
    assertThat(first.json()).isEqualTo(app.status(checkout).json());
    assertThat(stream.retry).isEqualTo("2000");

    String tx = pay(buyer);
    assertThat(app.submit(checkout, "USDC", tx).status()).isEqualTo(202);
    EventStreamClient.Event paid = stream.awaitStatus("paid", 20);
    assertThat(paid).as("events: %s", stream.events).isNotNull();
    assertThat(paid.json()).isEqualTo(app.status(checkout).json());
    assertThat(paid.json().getJsonObject("payment").getString("txHash")).isEqualTo(tx);
    // ids grow with each change
    List<Long> ids = stream.events.stream().map(e -> Long.parseLong(e.id())).toList();
    assertThat(ids).isSorted().doesNotHaveDuplicates();
    assertThat(stream.events.stream().map(e -> e.json().getString("status"))).contains("pending");
    assertThat(stream.awaitEnded(5)).as("the server ends the stream after paid").isTrue();
    assertThat(stream.events.get(stream.events.size() - 1)).isEqualTo(paid);

    // a reconnect that already has the terminal event: 204, EventSource stops
    EventStreamClient.Stream again = client.openAwait(app.base(), checkout.getString("id"), checkout.getString("clientSecret"),
        true, paid.id());
    assertThat(again.status).isEqualTo(204);
    // one that has an older one: the terminal status at once, then the end
    EventStreamClient.Stream behind = client.openAwait(app.base(), checkout.getString("id"), checkout.getString("clientSecret"),
        true, first.id());
    assertThat(behind.awaitStatus("paid", 5)).isNotNull();
    assertThat(behind.awaitEnded(5)).isTrue();
    assertThat(behind.events).hasSize(1);
  }

  @Test
  void lastEventIdResumesWithNothingUntilTheNextChange() {
    Credentials buyer = app.buyer(10);
    JsonObject checkout = app.newCheckout("2.00", "USDC", buyer);
    String id = checkout.getString("id");
    String secret = checkout.getString("clientSecret");
    EventStreamClient.Stream first = client.openAwait(app.base(), id, secret, true, null);
    EventStreamClient.Event open = first.awaitStatus("open", 5);
    assertThat(open).isNotNull();
    first.close();

    // the header, as EventSource sends it on reconnecting; and the query parameter
    EventStreamClient.Stream byHeader = client.openAwait(app.base(), id, secret, false, open.id());
    EventStreamClient.Stream byQuery = client.open(new io.vertx.core.http.RequestOptions().setHost("127.0.0.1")
            .setPort(app.tollgate.httpPort()).setURI("/v1/checkouts/" + id + "/events?lastEventId=" + open.id())
            .putHeader("X-Client-Secret", secret))
        .toCompletionStage().toCompletableFuture().join();
    EventStreamClient.Stream stale = client.openAwait(app.base(), id, secret, false, "1");
    EventStreamClient.Stream junk = client.openAwait(app.base(), id, secret, false, "not-a-number");
    assertThat(stale.awaitStatus("open", 5)).as("an older id gets the current status").isNotNull();
    assertThat(junk.awaitStatus("open", 5)).as("an id not ours: the current status").isNotNull();
    TollgateFixture.sleep(1_000);
    assertThat(byHeader.events).isEmpty();
    assertThat(byQuery.events).isEmpty();
    assertThat(byHeader.comments).as("heartbeats keep the idle stream alive").contains("keep-alive");

    // the next change reaches both
    String tx = pay(buyer);
    assertThat(app.submit(checkout, "USDC", tx).status()).isEqualTo(202);
    for (EventStreamClient.Stream s : List.of(byHeader, byQuery)) {
      assertThat(s.awaitStatus("paid", 20)).as("events: %s", s.events).isNotNull();
      assertThat(Long.parseLong(s.events.get(0).id())).isGreaterThan(Long.parseLong(open.id()));
    }
  }

  @Test
  void errorsBeforeTheStreamAreTheUsualJsonErrors() {
    JsonObject checkout = app.newCheckout("2.00", "USDC");
    String id = checkout.getString("id");
    EventStreamClient.Stream none = client.openAwait(app.base(), id, null, false, null);
    assertThat(none.status).isEqualTo(401);
    assertThat(none.errorCode()).isEqualTo("invalid_client_secret");
    EventStreamClient.Stream wrong = client.openAwait(app.base(), id, "cs_wrong", true, null);
    assertThat(wrong.status).isEqualTo(401);
    assertThat(wrong.errorCode()).isEqualTo("invalid_client_secret");
    UUID unknown = UUID.randomUUID();
    EventStreamClient.Stream missing = client.openAwait(app.base(), unknown.toString(), app.clientSecrets.secretFor(unknown),
        false, null);
    assertThat(missing.status).isEqualTo(404);
    assertThat(missing.errorCode()).isEqualTo("checkout_not_found");
    EventStreamClient.Stream badId = client.openAwait(app.base(), "not-a-uuid", "x", false, null);
    assertThat(badId.status).isEqualTo(400);
  }

  @Test
  void anInstanceRefusesStreamsBeyondItsBoundAndRateLimitsPerAddress() {
    try (TollgateFixture.Instance small = app.startAnother(Map.of("http.events.max-streams", "1",
        "ratelimit.buyer.per-address", "4", "redis.key-prefix", io.tollgate.testing.TestRedis.uniquePrefix()))) {
      JsonObject checkout = app.newCheckout("2.00", "USDC");
      String id = checkout.getString("id");
      String secret = checkout.getString("clientSecret");
      EventStreamClient.Stream held = client.openAwait(small.base(), id, secret, false, null);
      assertThat(held.status).isEqualTo(200);
      EventStreamClient.Stream refused = client.openAwait(small.base(), id, secret, false, null);
      assertThat(refused.status).isEqualTo(503);
      assertThat(refused.errorCode()).isEqualTo("too_many_streams");
      assertThat(refused.header("Retry-After")).isEqualTo("5");
      refused.close();
      List<Integer> statuses = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        // each answer's connection closed, so the client's pool never waits on one left open
        EventStreamClient.Stream answer = client.openAwait(small.base(), id, secret, false, null);
        statuses.add(answer.status);
        answer.close();
      }
      assertThat(statuses).as("the poll's per-address limit applies").contains(429);
      held.close();
      // the place is given back when the client leaves
      long deadline = System.nanoTime() + 5_000_000_000L;
      int status = 0;
      while (System.nanoTime() < deadline && status != 200) {
        TollgateFixture.sleep(300);
        EventStreamClient.Stream retried = client.openAwait(small.base(), id, secret, false, null);
        status = retried.status;
        retried.close();
      }
      assertThat(status).isIn(200, 429); // 429 only while the address is still limited
    }
  }

  @Test
  void aChangeMadeThroughAnotherInstanceReachesTheSubscriber() {
    try (TollgateFixture.Instance a = app.startAnother(Map.of())) {
      Credentials buyer = app.buyer(10);
      JsonObject checkout = app.newCheckout("2.00", "USDC", buyer);
      EventStreamClient.Stream onA = client.openAwait(a.base(), checkout.getString("id"), checkout.getString("clientSecret"),
          true, null);
      assertThat(onA.awaitStatus("open", 5)).isNotNull();
      // the payment is submitted through the first instance (B): A hears of it only by notification
      String tx = pay(buyer);
      app.target(app.firstInstance());
      assertThat(app.submit(checkout, "USDC", tx).status()).isEqualTo(202);
      assertThat(onA.awaitStatus("pending", 10)).as("events on A: %s", onA.events).isNotNull();
      assertThat(onA.awaitStatus("paid", 20)).as("events on A: %s", onA.events).isNotNull();
    }
  }

  @Test
  void theClientSecretInTheQueryNeverReachesALogLine() {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    root.addAppender(logged);
    ch.qos.logback.classic.Level before = root.getLevel();
    root.setLevel(ch.qos.logback.classic.Level.DEBUG); // everything any logger would say
    try {
      Credentials buyer = app.buyer(10);
      JsonObject checkout = app.newCheckout("2.00", "USDC", buyer);
      String id = checkout.getString("id");
      String secret = checkout.getString("clientSecret");
      EventStreamClient.Stream stream = client.openAwait(app.base(), id, secret, true, null);
      String tx = pay(buyer);
      app.submit(checkout, "USDC", tx);
      assertThat(stream.awaitStatus("paid", 20)).isNotNull();
      // failures with a secret in the query: wrong, too long, on an unknown checkout, on a bad path
      String wrong = "cs_" + "w".repeat(40);
      String tooLong = "cs_" + "L".repeat(300);
      assertThat(client.openAwait(app.base(), id, wrong, true, null).status).isEqualTo(401);
      EventStreamClient.Stream longOne = client.openAwait(app.base(), id, tooLong, true, null);
      assertThat(longOne.status).isEqualTo(400);
      assertThat(longOne.errorBody).doesNotContain(tooLong.substring(3, 60));
      UUID unknown = UUID.randomUUID();
      String unknownSecret = app.clientSecrets.secretFor(unknown);
      assertThat(client.openAwait(app.base(), unknown.toString(), unknownSecret, true, null).status).isEqualTo(404);
      assertThat(client.openAwait(app.base(), "not-a-uuid", wrong, true, null).status).isEqualTo(400);
      TollgateFixture.sleep(300);
      assertThat(logged.list).isNotEmpty();
      for (ILoggingEvent e : logged.list) {
        String line = e.getFormattedMessage() + " " + e.getMDCPropertyMap() + " "
            + (e.getThrowableProxy() == null ? "" : e.getThrowableProxy().getMessage());
        for (String s : List.of(secret, wrong, tooLong.substring(0, 60), unknownSecret)) {
          assertThat(line).as("log line from %s", e.getLoggerName()).doesNotContain(s);
        }
      }
    } finally {
      root.detachAppender(logged);
      root.setLevel(before);
    }
  }
}
