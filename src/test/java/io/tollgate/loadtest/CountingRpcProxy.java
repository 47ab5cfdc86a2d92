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
  /** The node's error answers to eth_sendRawTransaction, by message ("nonce too low", "replacement transaction underpriced"). */
  private final Map<String, LongAdder> sendErrors = new ConcurrentHashMap<>();
  private final LongAdder calls = new LongAdder();
  private final LongAdder httpRequests = new LongAdder();
  private final LongAdder webSocketCalls = new LongAdder();
  private final LongAdder webSockets = new LongAdder();
  private final HttpServer server;
  /** Per HTTP request of at least {@link #BIG_BATCH} calls: microseconds at anvil, and from arrival to the answer sent. */
  private final List<long[]> bigBatchTimes = java.util.Collections.synchronizedList(new ArrayList<>());
  static final int BIG_BATCH = 50;
  /** Per answered HTTP request: its ids, what it asked about, System.nanoTime() when sent to anvil and when its answer was read. */
  private final List<ConfirmationSplit.Exchange> atNode = java.util.Collections.synchronizedList(new ArrayList<>());

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
      Object[] asked = new Object[1];
      req.body().compose(body -> {
        Object parsed = Json.decodeValue(body);
        proxy.httpRequests.increment();
        counted[0] = proxy.countCalls(parsed);
        asked[0] = parsed;
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
          proxy.atNode.add(exchange(counted[0], asked[0], atAnvil[0], atAnvil[1]));
          proxy.countSendErrors(asked[0], (Buffer) ar.result()[1]);
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

  /**
   * What one HTTP request asked, for {@link ConfirmationSplit}: its JSON-RPC id range, the
   * transactions it asked about by hash (receipt or transaction), and the single blocks whose logs
   * it asked for.
   */
  static ConfirmationSplit.Exchange exchange(int calls, Object parsed, long sentNanos, long answeredNanos) {
    List<JsonObject> items = new ArrayList<>();
    if (parsed instanceof JsonArray batch) {
      for (Object o : batch) if (o instanceof JsonObject call) items.add(call);
    } else if (parsed instanceof JsonObject single) {
      items.add(single);
    }
    long firstId = Long.MAX_VALUE;
    long lastId = -1;
    java.util.Set<String> txHashes = new java.util.HashSet<>();
    java.util.Set<Long> logBlocks = new java.util.HashSet<>();
    for (JsonObject call : items) {
      if (call.getValue("id") instanceof Number id) {
        firstId = Math.min(firstId, id.longValue());
        lastId = Math.max(lastId, id.longValue());
      }
      String method = call.getString("method", "");
      JsonArray params = call.getValue("params") instanceof JsonArray a ? a : new JsonArray();
      if ((method.equals("eth_getTransactionReceipt") || method.equals("eth_getTransactionByHash"))
          && !params.isEmpty() && params.getValue(0) instanceof String hash) {
        txHashes.add(hash.toLowerCase(java.util.Locale.ROOT));
      } else if (method.equals("eth_getLogs") && !params.isEmpty() && params.getValue(0) instanceof JsonObject filter
          && filter.getValue("fromBlock") instanceof String from && from.equals(filter.getValue("toBlock")) && from.startsWith("0x")) {
        logBlocks.add(Long.parseLong(from.substring(2), 16));
      }
    }
    return new ConfirmationSplit.Exchange(calls, lastId < 0 ? -1 : firstId, lastId, sentNanos, answeredNanos,
        java.util.Set.copyOf(txHashes), java.util.Set.copyOf(logBlocks));
  }

  /** Every answered HTTP request: what it asked, when it was sent to anvil and when its answer was read. */
  List<ConfirmationSplit.Exchange> exchanges() {
    synchronized (atNode) {
      return new ArrayList<>(atNode);
    }
  }

  /** Every answered HTTP request: {calls, nanoTime sent to anvil, nanoTime its answer was read}. */
  List<long[]> nodeTimes() {
    List<long[]> out = new ArrayList<>();
    for (ConfirmationSplit.Exchange e : exchanges()) out.add(new long[] {e.calls(), e.sentNanos(), e.answeredNanos()});
    return out;
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

  /** Reads the answer only when the request sent a transaction: what the node said to each refused one. */
  private void countSendErrors(Object asked, Buffer answer) {
    java.util.Set<Object> sendIds = new java.util.HashSet<>();
    List<Object> calls = asked instanceof JsonArray batch ? batch.getList() : List.of(asked);
    for (Object o : calls) {
      JsonObject call = o instanceof JsonObject j ? j : o instanceof Map<?, ?> m ? new JsonObject(castMap(m)) : null;
      if (call != null && "eth_sendRawTransaction".equals(call.getString("method"))) sendIds.add(call.getValue("id"));
    }
    if (sendIds.isEmpty()) return;
    try {
      Object parsed = Json.decodeValue(answer);
      List<Object> answers = parsed instanceof JsonArray batch ? batch.getList() : List.of(parsed);
      for (Object o : answers) {
        JsonObject a = o instanceof JsonObject j ? j : o instanceof Map<?, ?> m ? new JsonObject(castMap(m)) : null;
        if (a == null || !sendIds.contains(a.getValue("id")) || a.getValue("error") == null) continue;
        Object error = a.getValue("error");
        String message = error instanceof JsonObject e ? e.getString("message", "?")
            : error instanceof Map<?, ?> m ? String.valueOf(m.get("message")) : String.valueOf(error);
        sendErrors.computeIfAbsent(message, k -> new LongAdder()).increment();
      }
    } catch (io.vertx.core.json.DecodeException | ClassCastException e) {
      // an answer we cannot read is not counted
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Map<?, ?> m) {
    return (Map<String, Object>) m;
  }

  /** The node's error answers to eth_sendRawTransaction so far, by message. */
  Map<String, Long> sendErrors() {
    Map<String, Long> out = new TreeMap<>();
    sendErrors.forEach((k, v) -> out.put(k, v.sum()));
    return out;
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
