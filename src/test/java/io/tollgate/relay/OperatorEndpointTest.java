package io.tollgate.relay;

import static io.tollgate.testing.Async.await;
import static io.tollgate.testing.Async.awaitFailure;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.testing.TestVertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The low-balance warning as the operator's endpoint receives it, over real HTTP. */
class OperatorEndpointTest {
  private static TestVertx env;
  private static HttpServer server;
  private static final List<JsonObject> received = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() {
    env = TestVertx.start();
    server = await(env.vertx().createHttpServer().requestHandler(request -> {
      if (request.path().equals("/moved")) {
        request.response().setStatusCode(302).putHeader("Location", "/hook").end();
        return;
      }
      request.body().onSuccess(body -> {
        received.add(body.toJsonObject());
        request.response().setStatusCode(204).end();
      });
    }).listen(0, "127.0.0.1"));
  }

  @AfterAll
  static void stop() {
    env.close();
  }

  @Test
  void postsTheEventAsJsonAndFollowsNoRedirect() {
    String base = "http://127.0.0.1:" + server.actualPort();
    JsonObject event = new JsonObject().put("type", "relayer.balance_low").put("data", new JsonObject().put("chainId", 8453));
    await(OperatorEndpoint.of(env.vertx(), base + "/hook").apply(event));
    assertThat(received).containsExactly(event);

    Throwable moved = awaitFailure(OperatorEndpoint.of(env.vertx(), base + "/moved").apply(event));
    assertThat(moved).hasMessageContaining("302");
    assertThat(received).hasSize(1);
  }
}
