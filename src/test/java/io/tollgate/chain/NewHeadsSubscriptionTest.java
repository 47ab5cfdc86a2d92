package io.tollgate.chain;

import static io.tollgate.testing.Async.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The subscription against a tiny WebSocket node in the test: what it sends, what it reports, and
 * how it survives a node that closes, refuses, stays silent or sends garbage.
 */
class NewHeadsSubscriptionTest {
  /**
   * Fast retries so the tests do not wait; a subscribe timeout a cold JVM on a busy machine meets;
   * keep-alive long unless a test is about it.
   */
  private static final NewHeadsSubscription.Options FAST = new NewHeadsSubscription.Options(
      Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofSeconds(30));

  private static Vertx vertx;
  private FakeNewHeadsNode node;
  private NewHeadsSubscription subscription;
  private final BlockingQueue<Long> heads = new LinkedBlockingQueue<>();
  private final BlockingQueue<Boolean> liveness = new LinkedBlockingQueue<>();

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() throws Exception {
    await(vertx.close());
  }

  @AfterEach
  void stop() throws Exception {
    if (subscription != null) await(subscription.close());
    if (node != null) node.close();
  }

  private NewHeadsSubscription subscribe(String url, NewHeadsSubscription.Options options) {
    subscription = NewHeadsSubscription.start(vertx, 31337, url, options, new NewHeadsSubscription.Listener() {
      @Override
      public void onHead(long number) {
        heads.add(number);
      }

      @Override
      public void onLive(boolean live) {
        liveness.add(live);
      }
    });
    return subscription;
  }

  @Test
  void sendsEthSubscribeNewHeadsAndGoesLiveOnTheAnswer() throws Exception {
    node = FakeNewHeadsNode.start(vertx, FakeNewHeadsNode::acceptSubscription);
    subscribe(node.url("/"), FAST);

    assertThat(liveness.poll(5, TimeUnit.SECONDS)).isTrue();
    JsonObject request = node.requests.get(0).message();
    assertThat(request.getString("jsonrpc")).isEqualTo("2.0");
    assertThat(request.getString("method")).isEqualTo("eth_subscribe");
    assertThat(request.getJsonArray("params")).isEqualTo(new JsonArray().add("newHeads"));
    assertThat(request.getValue("id")).isInstanceOf(Number.class);
    assertThat(subscription.isLive()).isTrue();
  }

  @Test
  void reportsTheNumberOfEveryAnnouncedHead() throws Exception {
    node = FakeNewHeadsNode.start(vertx, FakeNewHeadsNode::acceptSubscription);
    subscribe(node.url("/"), FAST);
    assertThat(liveness.poll(5, TimeUnit.SECONDS)).isTrue();

    node.announce(0, 0x10);
    node.announce(0, 0x1b4);

    assertThat(heads.poll(5, TimeUnit.SECONDS)).isEqualTo(16L);
    assertThat(heads.poll(5, TimeUnit.SECONDS)).isEqualTo(436L);
    assertThat(subscription.notifications()).isEqualTo(2);
  }

  @Test
  void skipsMalformedAndForeignMessagesWithoutDroppingTheSocket() throws Exception {
    node = FakeNewHeadsNode.start(vertx, FakeNewHeadsNode::acceptSubscription);
    subscribe(node.url("/"), FAST);
    assertThat(liveness.poll(5, TimeUnit.SECONDS)).isTrue();
    ServerWebSocket ws = node.sockets.get(0);
    String ours = node.subscriptionId(0);

    ws.writeTextMessage("this is not json");
    ws.writeTextMessage("[1, 2, 3]");
    ws.writeTextMessage("{\"jsonrpc\":\"2.0\",\"method\":\"eth_subscription\"}");
    ws.writeTextMessage("{\"jsonrpc\":\"2.0\",\"method\":\"eth_subscription\",\"params\":{\"subscription\":\"" + ours
        + "\",\"result\":{\"number\":\"not hex\"}}}");
    ws.writeTextMessage("{\"jsonrpc\":\"2.0\",\"method\":\"eth_subscription\",\"params\":{\"subscription\":\"" + ours
        + "\",\"result\":\"0x5\"}}");
    ws.writeTextMessage(notification("0xsomeoneelse", 0x99).encode());
    ws.writeTextMessage("{\"jsonrpc\":\"2.0\",\"id\":4242,\"result\":true}");
    ws.writeBinaryMessage(Buffer.buffer(new byte[] {(byte) 0xff, 0x00, 0x13}));
    // JSON in a binary frame is still a message
    ws.writeBinaryMessage(notification(ours, 0x20).toBuffer());
    node.announce(0, 0x21);

    assertThat(heads.poll(5, TimeUnit.SECONDS)).isEqualTo(0x20L);
    assertThat(heads.poll(5, TimeUnit.SECONDS)).isEqualTo(0x21L);
    assertThat(heads).isEmpty();
    assertThat(liveness).as("never went down").isEmpty();
    assertThat(node.sockets).as("still the first socket").hasSize(1);
    assertThat(ws.isClosed()).isFalse();
  }

  @Test
  void reconnectsAndSubscribesAgainAfterTheNodeClosesTheSocket() throws Exception {
    node = FakeNewHeadsNode.start(vertx, FakeNewHeadsNode::acceptSubscription);
    subscribe(node.url("/"), FAST);
    assertThat(liveness.poll(5, TimeUnit.SECONDS)).isTrue();
    node.announce(0, 7);
    assertThat(heads.poll(5, TimeUnit.SECONDS)).isEqualTo(7L);

    node.sockets.get(0).close();

    assertThat(liveness.poll(5, TimeUnit.SECONDS)).as("down").isFalse();
    assertThat(liveness.poll(5, TimeUnit.SECONDS)).as("live again").isTrue();
    assertThat(node.sockets).hasSize(2);
    assertThat(node.requests).extracting(r -> r.socket() + ":" + r.message().getString("method"))
        .containsExactly("0:eth_subscribe", "1:eth_subscribe");
    // the old subscription's id means nothing on the new socket; the new one's does
    node.sockets.get(1).writeTextMessage(notification(node.subscriptionId(0), 8).encode());
    node.announce(1, 9);
    assertThat(heads.poll(5, TimeUnit.SECONDS)).isEqualTo(9L);
    assertThat(subscription.subscriptions()).isEqualTo(2);
  }

  @Test
  void retriesWhenTheSubscribeIsRefusedOrNeverAnswered() throws Exception {
    node = FakeNewHeadsNode.start(vertx, (node, request) -> {
      switch (request.socket()) {
        case 0 -> node.sockets.get(0).writeTextMessage(new JsonObject().put("jsonrpc", "2.0")
            .put("id", request.message().getValue("id"))
            .put("error", new JsonObject().put("code", -32601).put("message", "the method eth_subscribe does not exist"))
            .encode());
        case 1 -> { } // silence: the subscribe timeout gives up on this socket
        default -> FakeNewHeadsNode.acceptSubscription(node, request);
      }
    });
    subscribe(node.url("/"), FAST);

    assertThat(liveness.poll(10, TimeUnit.SECONDS)).isTrue();
    assertThat(node.sockets).hasSize(3);
    assertThat(node.sockets.get(0).isClosed()).isTrue();
    awaitClosed(node.sockets.get(1));
    node.announce(2, 3);
    assertThat(heads.poll(5, TimeUnit.SECONDS)).isEqualTo(3L);
  }

  @Test
  void keepsTryingWhileNothingListensAndSubscribesWhenTheNodeAppears() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    subscribe("ws://127.0.0.1:" + port + "/", FAST);
    Thread.sleep(300); // several refused attempts, capped at 200 ms apart
    assertThat(subscription.isLive()).isFalse();

    node = FakeNewHeadsNode.start(vertx, port, FakeNewHeadsNode::acceptSubscription);

    assertThat(liveness.poll(5, TimeUnit.SECONDS)).isTrue();
    node.announce(0, 1);
    assertThat(heads.poll(5, TimeUnit.SECONDS)).isEqualTo(1L);
  }

  @Test
  void replacesASocketThatGoesSilentWithoutClosing() throws Exception {
    node = FakeNewHeadsNode.start(vertx, FakeNewHeadsNode::acceptSubscription);
    try (BlackHoleProxy proxy = BlackHoleProxy.start(node.port)) {
      subscribe("ws://127.0.0.1:" + proxy.port + "/", new NewHeadsSubscription.Options(
          Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofMillis(100)));
      assertThat(liveness.poll(5, TimeUnit.SECONDS)).isTrue();

      proxy.swallowOpenConnections(); // a NAT that forgot the connection: no FIN, no RST, nothing

      assertThat(liveness.poll(5, TimeUnit.SECONDS)).as("silence noticed").isFalse();
      assertThat(liveness.poll(5, TimeUnit.SECONDS)).as("a fresh socket").isTrue();
      node.announce(node.sockets.size() - 1, 0x42);
      assertThat(heads.poll(5, TimeUnit.SECONDS)).isEqualTo(0x42L);
    }
  }

  @Test
  void closingStopsReconnecting() throws Exception {
    node = FakeNewHeadsNode.start(vertx, FakeNewHeadsNode::acceptSubscription);
    subscribe(node.url("/"), FAST);
    assertThat(liveness.poll(5, TimeUnit.SECONDS)).isTrue();
    int sockets = node.sockets.size();

    await(subscription.close());
    subscription = null;
    Thread.sleep(300); // longer than the longest backoff

    assertThat(node.sockets).as("no reconnect").hasSize(sockets);
    awaitClosed(node.sockets.get(sockets - 1));
    assertThat(liveness).as("no callback after close").isEmpty();
  }

  @Test
  void connectsToThePathAndQueryOfTheUrlButLogsNeither() throws Exception {
    node = FakeNewHeadsNode.start(vertx, FakeNewHeadsNode::acceptSubscription);
    subscribe(node.url("/v2/SECRET-KEY?token=SECRET2"), FAST);
    assertThat(liveness.poll(5, TimeUnit.SECONDS)).isTrue();

    assertThat(node.paths).containsExactly("/v2/SECRET-KEY?token=SECRET2");
    assertThat(subscription.displayUrl()).isEqualTo("ws://127.0.0.1:" + node.port);
    assertThat(subscription.scrub("upgrade of /v2/SECRET-KEY?token=SECRET2 refused"))
        .doesNotContain("SECRET");
  }

  @Test
  void backoffDoublesUpToItsCap() {
    NewHeadsSubscription.Options options = new NewHeadsSubscription.Options(
        Duration.ofMillis(250), Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(30));
    assertThat(List.of(1, 2, 3, 4, 7, 8, 9, 100, Integer.MAX_VALUE).stream().map(n -> options.backoff(n).toMillis()).toList())
        .containsExactly(250L, 500L, 1_000L, 2_000L, 16_000L, 30_000L, 30_000L, 30_000L, 30_000L);
  }

  private static JsonObject notification(String subscriptionId, long number) {
    return FakeNewHeadsNode.notification(subscriptionId, number);
  }

  private static void awaitClosed(ServerWebSocket ws) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!ws.isClosed() && System.nanoTime() < deadline) Thread.sleep(10);
    assertThat(ws.isClosed()).isTrue();
  }

  /** A TCP relay that can stop relaying the connections it holds, without closing them. */
  static final class BlackHoleProxy implements AutoCloseable {
    final int port;
    private final NetServer server;
    private final NetClient client;
    /** One flag per relayed connection: set, its bytes go nowhere in either direction. */
    private final List<AtomicBoolean> swallowing;

    private BlackHoleProxy(NetServer server, NetClient client, List<AtomicBoolean> swallowing) {
      this.server = server;
      this.client = client;
      this.swallowing = swallowing;
      this.port = server.actualPort();
    }

    static BlackHoleProxy start(int backendPort) throws Exception {
      NetClient client = vertx.createNetClient();
      List<AtomicBoolean> swallowing = new CopyOnWriteArrayList<>();
      NetServer server = vertx.createNetServer().connectHandler(front -> {
        AtomicBoolean swallow = new AtomicBoolean();
        swallowing.add(swallow);
        front.pause();
        client.connect(backendPort, "127.0.0.1").onSuccess(back -> {
          relay(front, back, swallow);
          relay(back, front, swallow);
          front.resume();
        }).onFailure(e -> front.close());
      });
      return new BlackHoleProxy(await(server.listen(0, "127.0.0.1")), client, swallowing);
    }

    private static void relay(NetSocket from, NetSocket to, AtomicBoolean swallow) {
      from.handler(data -> { if (!swallow.get()) to.write(data); });
      from.closeHandler(v -> { if (!swallow.get()) to.close(); });
    }

    void swallowOpenConnections() {
      swallowing.forEach(flag -> flag.set(true));
    }

    @Override
    public void close() throws Exception {
      await(server.close());
      await(client.close());
    }
  }
}
