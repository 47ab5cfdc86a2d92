package io.tollgate.faults;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A JSON-RPC provider that fails on demand, in front of anvil on loopback: the node Tollgate is
 * given. {@link Mode#STALE} is a node stuck on an old head: {@code eth_blockNumber} and
 * {@code latest} stay at the head it had when the mode began, later blocks and their receipts are
 * {@code null}. Blocking code on its own threads (a tool, not the service).
 */
final class ChaosRpcProxy implements AutoCloseable {
  enum Mode { PASS, DOWN, HANG, RPC_ERROR, HTTP_429, HTTP_500, GARBAGE, STALE }

  private final HttpServer server;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final URI upstream;
  private volatile Mode mode = Mode.PASS;
  private final AtomicLong frozenHead = new AtomicLong(-1);
  final AtomicLong requests = new AtomicLong();

  ChaosRpcProxy(String upstream) throws IOException {
    this.upstream = URI.create(upstream);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
    server.setExecutor(Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "chaos-rpc");
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/", this::handle);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  void mode(Mode next) {
    if (next == Mode.STALE) {
      JsonObject head = call(new JsonObject().put("jsonrpc", "2.0").put("id", 1).put("method", "eth_blockNumber")
          .put("params", new JsonArray()));
      frozenHead.set(Long.decode(head.getString("result")));
    }
    mode = next;
  }

  private void handle(HttpExchange exchange) throws IOException {
    requests.incrementAndGet();
    byte[] body = exchange.getRequestBody().readAllBytes();
    Mode now = mode;
    switch (now) {
      case DOWN -> exchange.close(); // the connection drops without an answer
      case HANG -> {
        sleepQuietly(Duration.ofMinutes(10).toMillis());
        exchange.close();
      }
      case HTTP_429 -> answer(exchange, 429, "text/plain", "Too Many Requests", "1");
      case HTTP_500 -> answer(exchange, 500, "text/plain", "internal server error", null);
      case GARBAGE -> answer(exchange, 200, "text/html", "<html><body>502 Bad Gateway</body></html>", null);
      case RPC_ERROR -> answer(exchange, 200, "application/json", errors(body), null);
      case STALE -> answer(exchange, 200, "application/json", stale(body), null);
      case PASS -> answer(exchange, 200, "application/json", forward(new String(body, StandardCharsets.UTF_8)), null);
    }
  }

  private static String errors(byte[] body) {
    Object parsed = io.vertx.core.json.Json.decodeValue(new String(body, StandardCharsets.UTF_8));
    if (parsed instanceof JsonArray batch) {
      JsonArray out = new JsonArray();
      batch.forEach(c -> out.add(error(((JsonObject) c).getValue("id"))));
      return out.encode();
    }
    return error(((JsonObject) parsed).getValue("id")).encode();
  }

  private static JsonObject error(Object id) {
    return new JsonObject().put("jsonrpc", "2.0").put("id", id)
        .put("error", new JsonObject().put("code", -32603).put("message", "upstream node unavailable"));
  }

  /** Each call answered as a node stuck at the frozen head would. */
  private String stale(byte[] body) {
    Object parsed = io.vertx.core.json.Json.decodeValue(new String(body, StandardCharsets.UTF_8));
    if (parsed instanceof JsonArray batch) {
      JsonArray out = new JsonArray();
      batch.forEach(c -> out.add(staleCall((JsonObject) c)));
      return out.encode();
    }
    return staleCall((JsonObject) parsed).encode();
  }

  private JsonObject staleCall(JsonObject call) {
    long head = frozenHead.get();
    String method = call.getString("method");
    JsonArray params = call.getJsonArray("params", new JsonArray());
    JsonObject nullResult = new JsonObject().put("jsonrpc", "2.0").put("id", call.getValue("id")).putNull("result");
    switch (method) {
      case "eth_blockNumber":
        return new JsonObject().put("jsonrpc", "2.0").put("id", call.getValue("id")).put("result", "0x" + Long.toHexString(head));
      case "eth_getBlockByNumber": {
        String tag = params.getString(0);
        if ("latest".equals(tag) || "pending".equals(tag) || "safe".equals(tag) || "finalized".equals(tag)) {
          params.set(0, "0x" + Long.toHexString(head));
        } else if (tag.startsWith("0x") && Long.decode(tag) > head) {
          return nullResult;
        }
        return call(call.put("params", params));
      }
      case "eth_getTransactionReceipt":
      case "eth_getTransactionByHash": {
        JsonObject real = call(call);
        Object result = real.getValue("result");
        if (result instanceof JsonObject r && r.getString("blockNumber") != null && Long.decode(r.getString("blockNumber")) > head) {
          return nullResult;
        }
        return real;
      }
      default:
        return call(call);
    }
  }

  private JsonObject call(JsonObject call) {
    return new JsonObject(forward(call.encode()));
  }

  private String forward(String body) {
    try {
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(upstream).timeout(Duration.ofSeconds(20))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString());
      return r.body();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void answer(HttpExchange exchange, int status, String type, String body, String retryAfter) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    if (retryAfter != null) exchange.getResponseHeaders().set("Retry-After", retryAfter);
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
