package io.tollgate.chain;

import static io.tollgate.testing.Async.await;
import static io.tollgate.testing.Async.awaitFailure;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.dev.AnvilProcess;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Against a real anvil, plus local HTTP stubs for the failure modes anvil cannot produce. */
class JsonRpcClientTest {
  private static final JsonRpcClient.Options OPTIONS =
      new JsonRpcClient.Options(Duration.ofSeconds(5), 100, Duration.ofMinutes(5), 4);

  private static AnvilProcess anvil;
  private static Vertx vertx;
  private JsonRpcClient client;
  private HttpServer stub;

  @BeforeAll
  static void startAnvil() {
    anvil = AnvilProcess.start(AnvilProcess.defaultProjectDir(), 31337);
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopAnvil() throws Exception {
    await(vertx.close());
    anvil.close();
  }

  @AfterEach
  void closeClient() throws Exception {
    if (client != null) client.close();
    if (stub != null) await(stub.close());
  }

  private JsonRpcClient client(JsonRpcClient.Options options, String... urls) {
    client = new JsonRpcClient(vertx, 31337, List.of(urls), options);
    return client;
  }

  private static String deadUrl() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return "http://127.0.0.1:" + socket.getLocalPort(); // closed again: nothing listens there
    }
  }

  /** A local HTTP server answering every request with {@code status} and {@code body}. */
  private String stub(int status, String body) throws Exception {
    stub = await(vertx.createHttpServer()
        .requestHandler(request -> request.response().setStatusCode(status).end(body))
        .listen(0, "127.0.0.1"));
    return "http://127.0.0.1:" + stub.actualPort();
  }

  @Test
  void shouldAnswerASingleCall() throws Exception {
    assertThat(await(client(OPTIONS, anvil.rpcUrl()).call("eth_chainId", new JsonArray()))).isEqualTo("0x7a69");
  }

  /**
   * Vert.x 5.0.10's HTTP client, asked from a thread of no Vert.x context (this test's), now and then
   * never answered: about 1 request in 250 here, mostly the third on a pooled connection. The client
   * sends such calls from an event loop; 300 fresh clients of three calls each all answer (30 of 1,800 calls went unanswered before).
   */
  @Test
  void callsFromAThreadOfNoVertxContextAreAllAnswered() throws Exception {
    stub = await(vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> request.response()
        .end(new JsonObject().put("jsonrpc", "2.0").put("id", new JsonObject(body).getValue("id")).put("result", "0x7a69").encode())))
        .listen(0, "127.0.0.1"));
    String url = "http://127.0.0.1:" + stub.actualPort();
    JsonRpcClient.Options quick = new JsonRpcClient.Options(Duration.ofSeconds(1), 100, Duration.ofMillis(1), 4);
    int unanswered = 0;
    for (int i = 0; i < 300; i++) {
      try (JsonRpcClient fresh = new JsonRpcClient(vertx, 31337, List.of(url), quick)) {
        for (int call = 0; call < 3; call++) {
          if (!"0x7a69".equals(await(fresh.call("eth_chainId", new JsonArray()).otherwise("unanswered")))) unanswered++;
        }
      }
    }
    assertThat(unanswered).isZero();
  }

  @Test
  void shouldFailACallAsUnavailableRatherThanThrowOnceItsHttpClientIsClosed() throws Exception {
    JsonRpcClient rpc = client(OPTIONS, anvil.rpcUrl());
    rpc.close();

    Future<Object> call = rpc.call("eth_chainId", new JsonArray());

    assertThat(awaitFailure(call)).isInstanceOf(RpcUnavailableException.class);
  }

  @Test
  void shouldFailASingleCallWithTheNodesError() {
    JsonRpcClient rpc = client(OPTIONS, anvil.rpcUrl());

    assertThat(awaitFailure(rpc.call("eth_getBalance", new JsonArray().add("not an address").add("latest"))))
        .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.code()).isNotZero());
    assertThat(rpc.httpRequests()).as("a JSON-RPC error is an answer: no failover").isEqualTo(1);
  }

  @Test
  void shouldReturnBatchAnswersInRequestOrderWithPerItemErrors() throws Exception {
    List<RpcResponse> answers = await(client(OPTIONS, anvil.rpcUrl()).batch(List.of(
        RpcRequest.of("eth_chainId"),
        RpcRequest.of("eth_no_such_method"),
        RpcRequest.of("eth_getBlockByNumber", "0x0", false),
        RpcRequest.of("eth_getTransactionReceipt", "0x" + "ab".repeat(32)))));

    assertThat(answers).hasSize(4);
    assertThat(answers.get(0).result()).isEqualTo("0x7a69");
    assertThat(answers.get(1).isError()).isTrue();
    assertThat(answers.get(2).result()).isInstanceOfSatisfying(JsonObject.class,
        block -> assertThat(block.getString("number")).isEqualTo("0x0"));
    assertThat(answers.get(3).isError()).isFalse();
    assertThat(answers.get(3).result()).isNull();
  }

  @Test
  void shouldSplitLargeBatchesIntoChunksAndKeepTheOrder() throws Exception {
    JsonRpcClient rpc = client(new JsonRpcClient.Options(Duration.ofSeconds(5), 2, Duration.ofMinutes(5), 4),
        anvil.rpcUrl());
    List<RpcRequest> requests = java.util.stream.IntStream.range(0, 5)
        .mapToObj(n -> RpcRequest.of("eth_getBlockByNumber", "0x0", false)).toList();
    List<RpcRequest> mixed = new java.util.ArrayList<>(requests);
    mixed.set(3, RpcRequest.of("eth_chainId"));

    List<RpcResponse> answers = await(rpc.batch(mixed));

    assertThat(answers).hasSize(5);
    assertThat(answers.get(3).result()).isEqualTo("0x7a69");
    assertThat(answers.get(4).result()).isInstanceOf(JsonObject.class);
    assertThat(rpc.httpRequests()).isEqualTo(3);
    assertThat(rpc.callsSent()).isEqualTo(5);
  }

  @Test
  void shouldFailOverFromADeadEndpointAndThenPreferTheHealthyOne() throws Exception {
    JsonRpcClient rpc = client(OPTIONS, deadUrl(), anvil.rpcUrl());

    assertThat(await(rpc.call("eth_chainId", new JsonArray()))).isEqualTo("0x7a69");
    assertThat(rpc.httpRequests()).isEqualTo(2);

    assertThat(await(rpc.batch(List.of(RpcRequest.of("eth_chainId"))))).hasSize(1);
    assertThat(rpc.httpRequests()).as("the dead endpoint is cooling down: not tried first").isEqualTo(3);
  }

  @Test
  void shouldFailOverOnHttp5xx() throws Exception {
    JsonRpcClient rpc = client(OPTIONS, stub(503, "busy"), anvil.rpcUrl());

    assertThat(await(rpc.call("eth_chainId", new JsonArray()))).isEqualTo("0x7a69");
    assertThat(rpc.httpRequests()).isEqualTo(2);
  }

  @Test
  void shouldFailOverOnHttp429() throws Exception {
    JsonRpcClient rpc = client(OPTIONS, stub(429, "slow down"), anvil.rpcUrl());

    assertThat(await(rpc.batch(List.of(RpcRequest.of("eth_chainId"))))).singleElement()
        .satisfies(answer -> assertThat(answer.result()).isEqualTo("0x7a69"));
  }

  @Test
  void shouldFailOverOnABodyThatIsNotJson() throws Exception {
    JsonRpcClient rpc = client(OPTIONS, stub(200, "<html>gateway</html>"), anvil.rpcUrl());

    assertThat(await(rpc.call("eth_chainId", new JsonArray()))).isEqualTo("0x7a69");
  }

  @Test
  void shouldFailOverWhenABatchIsAnsweredWithASingleError() throws Exception {
    JsonRpcClient rpc = client(OPTIONS,
        stub(200, "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\"batch too large\"}}"),
        anvil.rpcUrl());

    assertThat(await(rpc.batch(List.of(RpcRequest.of("eth_chainId"), RpcRequest.of("eth_blockNumber"))))).hasSize(2);
    assertThat(rpc.httpRequests()).isEqualTo(2);
  }

  @Test
  void shouldFailOverWhenAnAnswerCarriesAnotherId() throws Exception {
    JsonRpcClient rpc = client(OPTIONS, stub(200, "{\"jsonrpc\":\"2.0\",\"id\":999999,\"result\":\"0x1\"}"),
        anvil.rpcUrl());

    assertThat(await(rpc.call("eth_chainId", new JsonArray()))).isEqualTo("0x7a69");
  }

  @Test
  void shouldFailOverWhenAnEndpointDoesNotAnswerInTime() throws Exception {
    AtomicInteger received = new AtomicInteger();
    stub = await(vertx.createHttpServer()
        .requestHandler(request -> received.incrementAndGet()) // never responds
        .listen(0, "127.0.0.1"));
    JsonRpcClient rpc = client(new JsonRpcClient.Options(Duration.ofMillis(300), 100, Duration.ofMinutes(5), 4),
        "http://127.0.0.1:" + stub.actualPort(), anvil.rpcUrl());

    assertThat(await(rpc.call("eth_chainId", new JsonArray()))).isEqualTo("0x7a69");
    assertThat(received.get()).isEqualTo(1);
  }

  @Test
  void shouldReportUnavailableWhenNoEndpointAnswers() throws Exception {
    JsonRpcClient rpc = client(OPTIONS, deadUrl(), stub(502, "bad gateway"));

    assertThat(awaitFailure(rpc.call("eth_chainId", new JsonArray()))).isInstanceOf(RpcUnavailableException.class);
    assertThat(awaitFailure(rpc.batch(List.of(RpcRequest.of("eth_chainId")))))
        .isInstanceOf(RpcUnavailableException.class);
  }

  @Test
  void shouldKeepApiKeysInUrlsOutOfLogs() {
    assertThat(JsonRpcClient.redact("https://eth.example.com/v2/secret-key?x=1")).isEqualTo("https://eth.example.com");
  }
}
