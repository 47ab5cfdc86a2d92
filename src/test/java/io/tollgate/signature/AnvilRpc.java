package io.tollgate.signature;

import io.tollgate.chain.EthRpc;
import io.tollgate.chain.RpcException;
import io.tollgate.chain.RpcRequest;
import io.tollgate.chain.RpcResponse;
import io.tollgate.chain.RpcUnavailableException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test-only {@link EthRpc} over Vert.x's WebClient, one endpoint, no failover (the real client is
 * io.tollgate.chain's business). Counts the JSON-RPC requests it sends, so tests can assert
 * that a check made no call, or that a cache hit saved some.
 */
final class AnvilRpc implements EthRpc {
  private final Vertx vertx;
  private final WebClient client;
  private final String url;
  private final long chainId;
  private final AtomicInteger ids = new AtomicInteger();
  private final AtomicInteger requests = new AtomicInteger();
  private final List<String> methods = java.util.Collections.synchronizedList(new ArrayList<>());

  AnvilRpc(Vertx vertx, String url, long chainId) {
    this.vertx = vertx;
    this.client = WebClient.create(vertx);
    this.url = url;
    this.chainId = chainId;
  }

  /** JSON-RPC requests sent so far (a batch counts each request inside it). */
  int requests() { return requests.get(); }

  List<String> methods() { return List.copyOf(methods); }

  @Override
  public long chainId() { return chainId; }

  @Override
  public Future<Object> call(String method, JsonArray params) {
    return post(request(method, params)).map(body -> {
      JsonObject response = (JsonObject) body;
      if (response.containsKey("error")) throw error(response.getJsonObject("error"));
      return response.getValue("result");
    });
  }

  @Override
  public Future<List<RpcResponse>> batch(List<RpcRequest> batch) {
    JsonArray body = new JsonArray();
    for (RpcRequest r : batch) body.add(request(r.method(), r.params()));
    return post(body).map(answer -> {
      JsonArray responses = (JsonArray) answer;
      RpcResponse[] ordered = new RpcResponse[batch.size()];
      int first = body.getJsonObject(0).getInteger("id");
      for (int i = 0; i < responses.size(); i++) {
        JsonObject response = responses.getJsonObject(i);
        int index = response.getInteger("id") - first;
        ordered[index] = response.containsKey("error")
            ? RpcResponse.failed(error(response.getJsonObject("error")))
            : RpcResponse.ok(response.getValue("result"));
      }
      return List.of(ordered);
    });
  }

  private JsonObject request(String method, JsonArray params) {
    requests.incrementAndGet();
    methods.add(method);
    return new JsonObject().put("jsonrpc", "2.0").put("id", ids.incrementAndGet())
        .put("method", method).put("params", params);
  }

  private Future<Object> post(Object body) {
    return io.tollgate.testing.Async.onLoop(vertx, () -> client.postAbs(url).putHeader("Content-Type", "application/json")
            .sendBuffer(Buffer.buffer(body instanceof JsonObject o ? o.encode() : ((JsonArray) body).encode())))
        .recover(failure -> Future.failedFuture(new RpcUnavailableException("no answer from " + url, failure)))
        .map(AnvilRpc::json);
  }

  private static Object json(HttpResponse<Buffer> response) {
    if (response.statusCode() != 200) throw new RpcUnavailableException("HTTP " + response.statusCode(), null);
    String text = response.bodyAsString().trim();
    return text.startsWith("[") ? new JsonArray(text) : new JsonObject(text);
  }

  private static RpcException error(JsonObject error) {
    return new RpcException(error.getInteger("code"), error.getString("message"), error.getValue("data"));
  }
}
