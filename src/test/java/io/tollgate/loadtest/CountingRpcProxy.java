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
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A JSON-RPC proxy on 127.0.0.1 between Tollgate and anvil that counts every call, each call inside
 * a batch separately (as RPC providers bill them), by method, and the HTTP requests (batches).
 */
final class CountingRpcProxy {
  private final Map<String, LongAdder> byMethod = new ConcurrentHashMap<>();
  private final LongAdder calls = new LongAdder();
  private final LongAdder httpRequests = new LongAdder();
  private final HttpServer server;

  private CountingRpcProxy(HttpServer server) {
    this.server = server;
  }

  static CountingRpcProxy start(Vertx vertx, String upstream) {
    java.net.URI target = java.net.URI.create(upstream);
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(5_000).setIdleTimeout(60),
        new PoolOptions().setHttp1MaxSize(16));
    HttpServer server = vertx.createHttpServer();
    CountingRpcProxy proxy = new CountingRpcProxy(server);
    server.requestHandler(req -> req.body().compose(body -> {
      proxy.count(body);
      return client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost(target.getHost()).setPort(target.getPort())
              .setURI("/").putHeader("Content-Type", "application/json"))
          .compose(up -> up.send(body))
          .compose(resp -> resp.body().map(b -> new Object[] {resp.statusCode(), b}));
    }).onComplete(ar -> {
      if (ar.succeeded()) {
        req.response().setStatusCode((Integer) ar.result()[0]).putHeader("Content-Type", "application/json")
            .end((Buffer) ar.result()[1]);
      } else {
        req.response().setStatusCode(502).end();
      }
    }));
    server.listen(0, "127.0.0.1").await();
    return proxy;
  }

  private void count(Buffer body) {
    httpRequests.increment();
    Object parsed = Json.decodeValue(body);
    if (parsed instanceof JsonArray batch) {
      for (Object o : batch) countCall((JsonObject) o);
    } else if (parsed instanceof JsonObject single) {
      countCall(single);
    }
  }

  private void countCall(JsonObject call) {
    calls.increment();
    byMethod.computeIfAbsent(call.getString("method", "?"), m -> new LongAdder()).increment();
  }

  String url() {
    return "http://127.0.0.1:" + server.actualPort();
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
