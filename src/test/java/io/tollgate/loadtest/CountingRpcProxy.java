package io.tollgate.loadtest;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A JSON-RPC proxy on 127.0.0.1 between Tollgate and anvil that counts every call, each call inside
 * a batch separately (as RPC providers bill them), by method, and the HTTP requests (batches).
 *
 * <p>It proxies JSON-RPC over WebSocket too (a client's socket to one of its own to anvil, same
 * path): every request the client sends is counted by method, like an HTTP call, and every
 * subscription notification anvil delivers is counted as {@code eth_subscription}, because
 * providers bill each notification. Answers are not counted, as over HTTP.
 */
final class CountingRpcProxy {
  private final Map<String, LongAdder> byMethod = new ConcurrentHashMap<>();
  private final LongAdder calls = new LongAdder();
  private final LongAdder httpRequests = new LongAdder();
  private final LongAdder webSocketCalls = new LongAdder();
  private final LongAdder webSockets = new LongAdder();
  private final HttpServer server;
  /** Per HTTP request of at least {@link #BIG_BATCH} calls: microseconds at anvil, and from arrival to the answer sent. */
  private final List<long[]> bigBatchTimes = java.util.Collections.synchronizedList(new ArrayList<>());
  static final int BIG_BATCH = 50;
  /** Per HTTP request: calls, System.nanoTime() when sent to anvil and when its answer was read. */
  private final List<long[]> atNode = java.util.Collections.synchronizedList(new ArrayList<>());

  private CountingRpcProxy(HttpServer server) {
    this.server = server;
  }

  static CountingRpcProxy start(Vertx vertx, String upstream) {
    java.net.URI target = java.net.URI.create(upstream);
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(5_000).setIdleTimeout(60),
        new PoolOptions().setHttp1MaxSize(16));
    WebSocketClient wsClient = vertx.createWebSocketClient(new WebSocketClientOptions().setConnectTimeout(5_000));
    HttpServer server = vertx.createHttpServer();
    CountingRpcProxy proxy = new CountingRpcProxy(server);
    server.webSocketHandler(downstream -> proxy.relay(downstream, wsClient, target));
    server.requestHandler(req -> {
      // how long a big batch spends at anvil and in the proxy (which shares the generator's JVM)
      long arrived = System.nanoTime();
      long[] atAnvil = new long[2];
      int[] counted = new int[1];
      req.body().compose(body -> {
        counted[0] = proxy.count(body);
        atAnvil[0] = System.nanoTime();
        return client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost(target.getHost()).setPort(target.getPort())
                .setURI("/").putHeader("Content-Type", "application/json"))
            .compose(up -> up.send(body))
            .compose(resp -> resp.body().map(b -> {
              atAnvil[1] = System.nanoTime();
              return new Object[] {resp.statusCode(), b};
            }));
      }).onComplete(ar -> {
        if (ar.succeeded()) {
          req.response().setStatusCode((Integer) ar.result()[0]).putHeader("Content-Type", "application/json")
              .end((Buffer) ar.result()[1]);
          proxy.atNode.add(new long[] {counted[0], atAnvil[0], atAnvil[1]});
          if (counted[0] >= BIG_BATCH) {
            proxy.bigBatchTimes.add(new long[] {counted[0], (atAnvil[1] - atAnvil[0]) / 1_000, (System.nanoTime() - arrived) / 1_000});
          }
        } else {
          req.response().setStatusCode(502).end();
        }
      });
    });
    server.listen(0, "127.0.0.1").await();
    return proxy;
  }

  /**
   * Joins a client's socket to a new one to anvil on the same path. The client's socket is paused
   * until anvil's is open, so its first message (the eth_subscribe) is neither lost nor reordered;
   * either side closing closes the other, so Tollgate sees anvil going away.
   */
  private void relay(ServerWebSocket downstream, WebSocketClient wsClient, java.net.URI target) {
    downstream.pause();
    webSockets.increment();
    wsClient.connect(new WebSocketConnectOptions().setHost(target.getHost()).setPort(target.getPort()).setURI(downstream.uri()))
        .onSuccess(upstream -> {
          downstream.textMessageHandler(text -> {
            countWebSocketRequests(text);
            upstream.writeTextMessage(text);
          });
          upstream.textMessageHandler(text -> {
            countWebSocketNotification(text);
            downstream.writeTextMessage(text);
          });
          downstream.closeHandler(v -> upstream.close());
          upstream.closeHandler(v -> downstream.close());
          downstream.resume();
        })
        .onFailure(e -> downstream.close((short) 1011, "upstream unavailable"));
  }

  private int count(Buffer body) {
    httpRequests.increment();
    return countCalls(Json.decodeValue(body));
  }

  /** Every answered HTTP request: {calls, nanoTime sent to anvil, nanoTime its answer was read}. */
  List<long[]> nodeTimes() {
    synchronized (atNode) {
      return new ArrayList<>(atNode);
    }
  }

  /** The HTTP requests of at least {@link #BIG_BATCH} calls: {calls, µs at anvil, µs from arrival to answer sent}. */
  List<long[]> bigBatchTimes() {
    synchronized (bigBatchTimes) {
      return new ArrayList<>(bigBatchTimes);
    }
  }

  /** Counts what a client sent over a WebSocket: one call, or each call of a batch. */
  private void countWebSocketRequests(String text) {
    try {
      webSocketCalls.add(countCalls(Json.decodeValue(text)));
    } catch (io.vertx.core.json.DecodeException e) {
      countMethod("(not JSON)");
      webSocketCalls.increment();
    }
  }

  /** Counts a subscription notification anvil pushed (answers to the client's calls are not counted). */
  private void countWebSocketNotification(String text) {
    // A cheap test first: notifications name their method, answers do not.
    if (!text.contains("\"eth_subscription\"")) return;
    try {
      if (Json.decodeValue(text) instanceof JsonObject message && "eth_subscription".equals(message.getValue("method"))) {
        countMethod("eth_subscription");
        webSocketCalls.increment();
      }
    } catch (io.vertx.core.json.DecodeException e) {
      // not ours to judge; forwarded as is
    }
  }

  /** Returns how many calls it counted. */
  private int countCalls(Object parsed) {
    if (parsed instanceof JsonArray batch) {
      for (Object o : batch) countCall((JsonObject) o);
      return batch.size();
    } else if (parsed instanceof JsonObject single) {
      countCall(single);
      return 1;
    }
    return 0;
  }

  private void countCall(JsonObject call) {
    countMethod(call.getString("method", "?"));
  }

  private void countMethod(String method) {
    calls.increment();
    byMethod.computeIfAbsent(method, m -> new LongAdder()).increment();
  }

  String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** The same proxy for JSON-RPC over WebSocket (anvil serves both on one port, so does this). */
  String wsUrl() {
    return "ws://127.0.0.1:" + server.actualPort();
  }

  /** Calls and notifications that went over WebSockets (also in {@link #calls()}). */
  long webSocketCalls() {
    return webSocketCalls.sum();
  }

  /** WebSocket connections opened through the proxy (1 + Tollgate's reconnects). */
  long webSockets() {
    return webSockets.sum();
  }

  long calls() {
    return calls.sum();
  }

  long httpRequests() {
    return httpRequests.sum();
  }

  Map<String, Long> byMethod() {
    Map<String, Long> out = new TreeMap<>();
    byMethod.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  Future<Void> close() {
    return server.close();
  }
}
