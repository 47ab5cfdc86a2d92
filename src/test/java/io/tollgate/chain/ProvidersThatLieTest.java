package io.tollgate.chain;

import static io.tollgate.testing.Async.await;
import static io.tollgate.testing.Async.awaitFailure;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.testing.ChaosRpcProxy;
import io.tollgate.testing.ChaosRpcProxy.Mode;
import io.tollgate.dev.AnvilProcess;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Providers that throttle or lie, through a chaos JSON-RPC proxy on loopback in front of anvil: the
 * client moves to the next provider on JSON-RPC errors inside HTTP 200 (-32005, -32603, "header not
 * found"), on timeouts and on a head stuck in the past, and counts each per provider. One provider
 * alone still returns its errors as answers.
 */
class ProvidersThatLieTest {
  private static final JsonRpcClient.Options OPTIONS =
      new JsonRpcClient.Options(Duration.ofSeconds(3), 100, Duration.ofSeconds(30), 4);

  private static AnvilProcess anvil;
  private static Vertx vertx;
  private ChaosRpcProxy first;
  private ChaosRpcProxy second;
  private JsonRpcClient client;

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
  void close() {
    if (client != null) client.close();
    if (first != null) first.close();
    if (second != null) second.close();
  }

  private JsonRpcClient twoProviders() throws Exception {
    first = new ChaosRpcProxy(anvil.rpcUrl());
    second = new ChaosRpcProxy(anvil.rpcUrl());
    client = new JsonRpcClient(vertx, 31337, List.of(first.url(), second.url()), OPTIONS);
    return client;
  }

  private static long head(JsonRpcClient rpc) throws Exception {
    return Hex.longQuantity((String) await(rpc.call("eth_blockNumber", new JsonArray())));
  }

  @Test
  void errorsInsideHttp200MoveToTheNextProvider() throws Exception {
    JsonRpcClient rpc = twoProviders();
    for (Mode throttled : List.of(Mode.LIMIT_EXCEEDED, Mode.INTERNAL_ERROR, Mode.HEADER_NOT_FOUND)) {
      first.mode(throttled);
      int before = second.requests.get();
      assertThat(await(rpc.call("eth_chainId", new JsonArray()))).as(throttled.name()).isEqualTo("0x7a69");
      assertThat(second.requests.get()).as(throttled.name()).isEqualTo(before + 1);
    }
    JsonRpcClient.ProviderStats stats = rpc.providerStats().get(0);
    assertThat(stats.providerErrors()).isGreaterThanOrEqualTo(1);
    assertThat(rpc.providerStats().get(1).providerErrors()).isZero();
  }

  @Test
  void aBatchWithAThrottledCallIsAskedElsewhereWhole() throws Exception {
    JsonRpcClient rpc = twoProviders();
    first.mode(Mode.LIMIT_EXCEEDED);
    List<RpcResponse> answers = await(rpc.batch(List.of(RpcRequest.of("eth_chainId"),
        RpcRequest.of("eth_getBlockByNumber", "latest", false))));
    assertThat(answers).noneMatch(RpcResponse::isError);
    assertThat(answers.get(0).result()).isEqualTo("0x7a69");
    assertThat(rpc.providerStats().get(0).providerErrors()).isEqualTo(1);
  }

  @Test
  void aSlowProviderIsLeftForTheNext() throws Exception {
    JsonRpcClient rpc = twoProviders();
    first.mode(Mode.SLOW);
    assertThat(await(rpc.call("eth_chainId", new JsonArray()))).isEqualTo("0x7a69");
    assertThat(rpc.providerStats().get(0).failures()).isEqualTo(1);
  }

  @Test
  void aHeadStuckInThePastIsNotBelieved() throws Exception {
    JsonRpcClient rpc = twoProviders();
    await(rpc.call("anvil_mine", new JsonArray().add("0xa")));
    long real = head(rpc);
    first.stuckAt(real - 8);
    first.mode(Mode.STUCK_HEAD);
    // The stuck provider is asked first (it is healthy so far) and passed over for the second.
    assertThat(head(rpc)).isEqualTo(real);
    assertThat(rpc.providerStats().get(0).staleAnswers()).isEqualTo(1);
  }

  @Test
  void whenEveryProviderGoesBackTheChainWentBack() throws Exception {
    JsonRpcClient rpc = twoProviders();
    await(rpc.call("anvil_mine", new JsonArray().add("0xa")));
    long real = head(rpc);
    first.stuckAt(real - 8);
    second.stuckAt(real - 8);
    first.mode(Mode.STUCK_HEAD);
    second.mode(Mode.STUCK_HEAD);
    assertThat(head(rpc)).isEqualTo(real - 8); // a deep reorg or a reset chain: believed, not an outage
    first.mode(Mode.PASS);
    second.mode(Mode.PASS);
    assertThat(head(rpc)).isEqualTo(real);
  }

  @Test
  void oneProviderAloneStillAnswersItsErrors() throws Exception {
    first = new ChaosRpcProxy(anvil.rpcUrl());
    client = new JsonRpcClient(vertx, 31337, List.of(first.url()), OPTIONS);
    // Warm up: on a loaded machine a fresh proxy's first exchange can miss the client's timeout.
    for (int i = 0; i < 3; i++) {
      if (client.call("eth_chainId", new JsonArray()).transform(f -> io.vertx.core.Future.succeededFuture(f.succeeded()))
          .toCompletionStage().toCompletableFuture().get()) break;
    }
    first.mode(Mode.LIMIT_EXCEEDED);
    assertThat(awaitFailure(client.call("eth_chainId", new JsonArray())))
        .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.code()).isEqualTo(-32005));
    List<RpcResponse> answers = await(client.batch(List.of(RpcRequest.of("eth_chainId"))));
    assertThat(answers.get(0).error().code()).isEqualTo(-32005);
  }
}
