package io.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.db.DatabaseSettings;
import io.tollgate.testing.TcpFaultProxy;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.web3j.crypto.Credentials;

/**
 * PostgreSQL unreachable (issue 22): status polls keep answering 200, writes answer 503
 * {@code service_unavailable} with {@code Retry-After}, and nothing is lost: the payment whose
 * submission was refused during the outage is accepted when retried and pays the checkout. Two
 * instances behind one load balancer reach PostgreSQL through a proxy that drops and refuses their
 * connections; the second started after the checkout was created and never polled it before the
 * outage, so it answers from the shared copy (Redis), not from its own cache.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresOutageEndToEndTest {
  private static final BigInteger ONE_USDC = BigInteger.valueOf(1_000_000);

  private TollgateFixture app;
  private TcpFaultProxy database;
  private TollgateFixture.Instance instance;
  private String url;

  @BeforeAll
  void start() {
    // blocks keep coming, as on a real chain: the watcher's next round finds what the outage delayed
    app = TollgateFixture.start(Map.of(), "--block-time", "1");
    DatabaseSettings db = app.database.settings();
    database = new TcpFaultProxy(db.host(), db.port());
    url = "postgresql://" + db.user() + "@127.0.0.1:" + database.port() + "/" + db.database();
    instance = app.startAnother(Map.of("chain.leader-retry-ms", "300", "database.url", url));
    app.stopFirst();
    app.target(instance);
  }

  @AfterAll
  void stop() {
    app.close();
    database.close();
  }

  @Test
  void pollsAreAnsweredWritesAre503AndTheRefusedPaymentIsAcceptedOnRetry() {
    Credentials buyer = app.buyer(10);
    JsonObject checkout = app.newCheckout("1.00", "USDC");
    app.bindPayer(checkout, buyer);
    assertThat(app.status(checkout).status()).isEqualTo(200);
    String tx = app.chain.transferToken(buyer, app.usdc, TollgateFixture.RECIPIENT, ONE_USDC);
    app.chain.awaitReceipt(tx);
    // Another instance, started after the checkout was created: nothing of it in its memory.
    TollgateFixture.Instance second = app.startAnother(Map.of("chain.leader-retry-ms", "300", "database.url", url));
    assertThat(second.tollgate().statusCache().peek(UUID.fromString(checkout.getString("id")))).isNull();

    database.mode(TcpFaultProxy.Mode.REFUSE);
    long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    int polls = 0;
    while (System.nanoTime() < until) {
      // the load balancer sends every other poll to the second instance
      app.target(polls % 2 == 0 ? instance : second);
      TollgateFixture.Response poll = app.status(checkout);
      assertThat(poll.status()).as("poll %d during the outage (instance %d): %s", polls, polls % 2 + 1, poll.body())
          .isEqualTo(200);
      assertThat(poll.json().getString("status")).isEqualTo("open");
      polls++;
      TollgateFixture.sleep(100);
    }
    app.target(instance);
    TollgateFixture.Response submitted = app.submit(checkout, "USDC", tx);
    assertUnavailable(submitted);
    String key = "outage-" + UUID.randomUUID();
    assertUnavailable(app.createCheckout(key, newCheckoutBody()));

    database.mode(TcpFaultProxy.Mode.PASS);
    TollgateFixture.Response retried = retryUntilAnswered(() -> app.submit(checkout, "USDC", tx));
    assertThat(retried.status()).as(retried.body()).isEqualTo(202);
    assertThat(app.awaitSettled(checkout).getString("status")).as("in the database: %s", databaseStatus(checkout))
        .isEqualTo("paid");
    TollgateFixture.Response created = retryUntilAnswered(() -> app.createCheckout(key, newCheckoutBody()));
    assertThat(created.status()).as("the refused creation is accepted once retried: %s", created.body()).isEqualTo(201);
  }

  private String databaseStatus(JsonObject checkout) {
    DatabaseSettings db = app.database.settings();
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(
            "jdbc:postgresql://" + db.host() + ":" + db.port() + "/" + db.database(), db.user(), db.password());
        java.sql.ResultSet r = c.createStatement().executeQuery(
            "SELECT status FROM checkouts WHERE id = '" + checkout.getString("id") + "'")) {
      return r.next() ? r.getString(1) : "missing";
    } catch (java.sql.SQLException e) {
      return e.toString();
    }
  }

  private static void assertUnavailable(TollgateFixture.Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(503);
    assertThat(r.errorCode()).isEqualTo("service_unavailable");
    assertThat(r.header("Retry-After")).isNotNull();
  }

  /** A client honouring Retry-After: the same request again while the answer is 503. */
  private static TollgateFixture.Response retryUntilAnswered(java.util.function.Supplier<TollgateFixture.Response> request) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    TollgateFixture.Response r = request.get();
    while (r.status() == 503 && System.nanoTime() < deadline) {
      TollgateFixture.sleep(500);
      r = request.get();
    }
    return r;
  }

  private static JsonObject newCheckoutBody() {
    return new JsonObject().put("orderReference", "ORDER-PG").put("amount", "1.00").put("paymentOptions",
        new JsonArray().add(new JsonObject().put("chainId", TollgateFixture.CHAIN_ID).put("token", "USDC")));
  }
}
