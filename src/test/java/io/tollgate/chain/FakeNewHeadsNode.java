package io.tollgate.chain;

import static io.tollgate.testing.Async.await;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * A WebSocket JSON-RPC node for tests of the new-heads subscription: records what it receives,
 * answers as the test says, and announces whatever heads the test tells it to.
 */
public final class FakeNewHeadsNode {
  public record Request(int socket, JsonObject message) {}

  final List<ServerWebSocket> sockets = new CopyOnWriteArrayList<>();
  final List<Request> requests = new CopyOnWriteArrayList<>();
  final List<String> paths = new CopyOnWriteArrayList<>();
  final int port;
  private final HttpServer server;

  private FakeNewHeadsNode(HttpServer server) {
    this.server = server;
    this.port = server.actualPort();
  }

  public static FakeNewHeadsNode start(Vertx vertx, BiConsumer<FakeNewHeadsNode, Request> onRequest) throws Exception {
    return start(vertx, 0, onRequest);
  }

  static FakeNewHeadsNode start(Vertx vertx, int port, BiConsumer<FakeNewHeadsNode, Request> onRequest) throws Exception {
    FakeNewHeadsNode[] self = new FakeNewHeadsNode[1];
    HttpServer server = vertx.createHttpServer().webSocketHandler(ws -> {
      FakeNewHeadsNode node = self[0];
      int index;
      synchronized (node) {
        index = node.sockets.size();
        node.sockets.add(ws);
      }
      node.paths.add(ws.uri());
      ws.textMessageHandler(text -> {
        Request request = new Request(index, new JsonObject(text));
        node.requests.add(request);
        onRequest.accept(node, request);
      });
    });
    server = await(server.listen(port, "127.0.0.1"));
    self[0] = new FakeNewHeadsNode(server);
    return self[0];
  }

  /** Answers an eth_subscribe with the id {@code 0xsub<socket>}. */
  public static void acceptSubscription(FakeNewHeadsNode node, Request request) {
    node.sockets.get(request.socket()).writeTextMessage(new JsonObject().put("jsonrpc", "2.0")
        .put("id", request.message().getValue("id")).put("result", node.subscriptionId(request.socket())).encode());
  }

  String subscriptionId(int socket) {
    return "0xsub" + socket;
  }

  static JsonObject notification(String subscriptionId, long number) {
    return new JsonObject().put("jsonrpc", "2.0").put("method", "eth_subscription").put("params", new JsonObject()
        .put("subscription", subscriptionId)
        .put("result", new JsonObject().put("number", "0x" + Long.toHexString(number))
            .put("hash", "0x" + "ab".repeat(32)).put("parentHash", "0x" + "cd".repeat(32)).put("timestamp", "0x6553f100")));
  }

  public void announce(int socket, long number) {
    sockets.get(socket).writeTextMessage(notification(subscriptionId(socket), number).encode());
  }

  public String url(String pathAndQuery) {
    return "ws://127.0.0.1:" + port + pathAndQuery;
  }

  public void close() throws Exception {
    await(server.close());
  }
}
