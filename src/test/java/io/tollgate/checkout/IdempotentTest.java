package io.tollgate.checkout;

import static io.tollgate.testing.Async.await;
import static io.tollgate.testing.Async.awaitFailure;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.tollgate.testing.TestRows;
import io.tollgate.testing.TestVertx;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The money endpoints' idempotency keys on a real PostgreSQL: a refusal (4xx) is stored with the
 * work's writes undone and replayed without running the work again; our faults (5xx, any other
 * failure) store nothing, so a retry runs the work; the fingerprint ignores JSON key order.
 */
class IdempotentTest {
  private static TestVertx env;
  private UUID merchant;
  private final AtomicInteger runs = new AtomicInteger();

  @BeforeAll
  static void start() {
    env = TestVertx.withDatabase();
  }

  @AfterAll
  static void stop() {
    env.close();
  }

  @BeforeEach
  void newMerchant() {
    merchant = TestRows.merchant(env.pool());
    runs.set(0);
  }

  /** Renames the merchant (a write to undo), then fails with {@code failure} or answers 201. */
  private Function<SqlConnection, Future<StoredResponse>> work(RuntimeException failure) {
    return conn -> {
      runs.incrementAndGet();
      return conn.preparedQuery("UPDATE merchants SET name = 'renamed by the work' WHERE id = $1").execute(Tuple.of(merchant))
          .compose(ignored -> failure != null ? Future.failedFuture(failure)
              : Future.succeededFuture(new StoredResponse(201, new JsonObject().put("ok", true))));
    };
  }

  private Future<StoredResponse> run(String key, JsonObject body, RuntimeException failure) {
    return Idempotent.run(env.pool(), merchant, key, "refund:" + merchant, body, work(failure));
  }

  private String name() {
    return env.one("SELECT name FROM merchants WHERE id = $1", merchant).getString("name");
  }

  @Test
  void shouldStoreARefusalWithTheWorksWritesUndoneAndReplayItWithoutRunningTheWorkAgain() {
    String before = name();
    StoredResponse refused = await(run("k1", new JsonObject().put("amount", "1.00"),
        new ApiException(ErrorCode.NOTHING_TO_REFUND, "the checkout is open")));
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.body().getJsonObject("error").getString("code")).isEqualTo("nothing_to_refund");
    assertThat(refused.body().getJsonObject("error").getString("detail")).isEqualTo("the checkout is open");
    assertThat(name()).isEqualTo(before);

    StoredResponse replayed = await(run("k1", new JsonObject().put("amount", "1.00"), null));
    assertThat(replayed).isEqualTo(refused);
    assertThat(runs.get()).isEqualTo(1);
    assertThat(name()).isEqualTo(before);
  }

  @Test
  void shouldStoreNothingForOurFaultsSoARetryRunsTheWork() {
    Throwable unavailable = awaitFailure(run("k2", new JsonObject(), new ApiException(ErrorCode.UNAVAILABLE)));
    assertThat(((ApiException) unavailable).error()).isEqualTo(ErrorCode.UNAVAILABLE);
    Throwable bug = awaitFailure(run("k2", new JsonObject(), new IllegalStateException("a bug")));
    assertThat(bug).isInstanceOf(IllegalStateException.class);
    assertThat(env.one("SELECT count(*) FROM idempotency_keys WHERE merchant_id = $1", merchant).getLong(0)).isZero();

    assertThat(await(run("k2", new JsonObject(), null)).status()).isEqualTo(201);
    assertThat(runs.get()).isEqualTo(3);
    assertThat(name()).isEqualTo("renamed by the work");
  }

  @Test
  void shouldTreatTheSameBodyWithItsKeysInAnotherOrderAsTheSameRequest() {
    JsonObject body = new JsonObject().put("amount", "1.00").put("reason", "seat")
        .put("nested", new JsonObject().put("b", 2).put("a", 1));
    JsonObject reordered = new JsonObject().put("nested", new JsonObject().put("a", 1).put("b", 2))
        .put("reason", "seat").put("amount", "1.00");
    assertThat(await(run("k3", body, null)).status()).isEqualTo(201);
    assertThat(await(run("k3", reordered, null)).status()).isEqualTo(201);
    assertThat(runs.get()).isEqualTo(1);

    Throwable reused = awaitFailure(run("k3", reordered.copy().put("amount", "2.00"), null));
    assertThat(((ApiException) reused).error()).isEqualTo(ErrorCode.IDEMPOTENCY_KEY_REUSED);
  }
}
