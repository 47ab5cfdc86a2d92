package io.tollgate.testing;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A JSON-RPC proxy on loopback in front of a real node (anvil) that misbehaves as providers do, as
 * the test sets it: rate-limit or internal errors inside HTTP 200, "header not found", answers too
 * slow for the client's timeout, a head stuck in the past, receipts from an orphaned fork (another
 * block hash), headers of another fork, no debug API ("method not found" for {@code debug_*}),
 * balance-diff traces doctored to create value or cut short, or (while {@link Mode#DENY_TRANSACTIONS})
 * transactions that do not exist ({@code null} receipts and transactions, empty logs). {@link Mode#PASS} forwards untouched. Counts the HTTP requests it received.
 */
public final class ChaosRpcProxy implements AutoCloseable {
  public enum Mode { PASS, LIMIT_EXCEEDED, INTERNAL_ERROR, HEADER_NOT_FOUND, SLOW, STUCK_HEAD, ORPHANED_RECEIPTS, FORKED_HEADERS,
    NO_DEBUG_API, DOCTORED_TRACES, PARTIAL_TRACES, DENY_TRANSACTIONS }

  private final HttpServer server;
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final URI node;
  private volatile Mode mode = Mode.PASS;
  private volatile long stuckHead = 1;
  public final AtomicInteger requests = new AtomicInteger();
  /** Answers this proxy changed to deny a transaction ({@link Mode#DENY_TRANSACTIONS}). */
  public final AtomicInteger denied = new AtomicInteger();
  /** JSON-RPC calls received, each call of a batch counted, by method. */
  private final java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.atomic.LongAdder> calls =
      new java.util.concurrent.ConcurrentHashMap<>();

  public ChaosRpcProxy(String nodeUrl) throws IOException {
    this.node = URI.create(nodeUrl);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/", exchange -> {
      requests.incrementAndGet();
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      byte[] answer;
      try {
        answer = answer(body);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        answer = new byte[0];
      }
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, answer.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(answer);
      } catch (IOException closedByClient) {
        // a SLOW answer the client gave up on
      }
    });
    server.start();
  }

  private void count(String method) {
    calls.computeIfAbsent(String.valueOf(method), m -> new java.util.concurrent.atomic.LongAdder()).increment();
  }

  /** JSON-RPC calls received so far, by method (each call of a batch counted). */
  public java.util.Map<String, Long> callsByMethod() {
    java.util.Map<String, Long> out = new java.util.TreeMap<>();
    calls.forEach((method, count) -> out.put(method, count.sum()));
    return out;
  }

  /** Forgets the calls counted so far. */
  public void resetCounts() {
    calls.clear();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public void mode(Mode mode) {
    this.mode = mode;
  }

  public void stuckAt(long head) {
    this.stuckHead = head;
  }

  private byte[] answer(byte[] body) throws IOException, InterruptedException {
    Object request = Json.decodeValue(new String(body, StandardCharsets.UTF_8));
    if (request instanceof JsonArray batch) {
      for (Object call : batch) count(((JsonObject) call).getString("method"));
    } else {
      count(((JsonObject) request).getString("method"));
    }
    Mode now = mode;
    switch (now) {
      case LIMIT_EXCEEDED: return errors(request, -32005, "limit exceeded");
      case INTERNAL_ERROR: return errors(request, -32603, "internal error");
      case HEADER_NOT_FOUND: return errors(request, -32000, "header not found");
      case SLOW: Thread.sleep(8_000); break;
      default: break;
    }
    String forwarded = client.send(HttpRequest.newBuilder(node).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString()).body();
    if (now == Mode.PASS || now == Mode.SLOW) return forwarded.getBytes(StandardCharsets.UTF_8);
    Object answer = Json.decodeValue(forwarded);
    if (request instanceof JsonObject single) {
      doctor(single, (JsonObject) answer, now);
    } else {
      JsonArray requests = (JsonArray) request;
      JsonArray answers = (JsonArray) answer;
      for (int i = 0; i < requests.size(); i++) {
        JsonObject r = requests.getJsonObject(i);
        for (Object a : answers) {
          if (((JsonObject) a).getValue("id").equals(r.getValue("id"))) doctor(r, (JsonObject) a, now);
        }
      }
    }
    return Json.encode(answer).getBytes(StandardCharsets.UTF_8);
  }

  private void doctor(JsonObject request, JsonObject answer, Mode now) {
    String method = request.getString("method");
    if (now == Mode.DENY_TRANSACTIONS) { // a node stuck behind, or lying: the transaction does not exist
      if ("eth_getTransactionReceipt".equals(method) || "eth_getTransactionByHash".equals(method)) {
        if (answer.getValue("result") != null) denied.incrementAndGet();
        answer.putNull("result");
      } else if ("eth_getLogs".equals(method) && answer.containsKey("result")) {
        answer.put("result", new JsonArray());
      }
      return;
    }
    if (now == Mode.STUCK_HEAD && "eth_blockNumber".equals(method)) {
      answer.put("result", "0x" + Long.toHexString(stuckHead));
    } else if (now == Mode.ORPHANED_RECEIPTS && "eth_getTransactionReceipt".equals(method)
        && answer.getValue("result") instanceof JsonObject receipt) {
      receipt.put("blockHash", "0x" + "0f".repeat(32)); // a block of a fork the canonical chain left
    } else if (now == Mode.FORKED_HEADERS && "eth_getBlockByNumber".equals(method)
        && answer.getValue("result") instanceof JsonObject header) {
      header.put("hash", "0x" + "f0".repeat(32)); // this provider follows another fork
    } else if (now == Mode.NO_DEBUG_API && method.startsWith("debug_")) {
      answer.remove("result");
      answer.put("error", new JsonObject().put("code", -32601).put("message", "Method not found"));
    } else if (now == Mode.DOCTORED_TRACES && "debug_traceTransaction".equals(method)
        && answer.getValue("result") instanceof JsonObject trace && trace.getValue("post") instanceof JsonObject post) {
      // Every changed balance a whole ether higher: the recipient looks paid, and the trace creates value.
      for (String account : post.fieldNames()) {
        JsonObject fields = post.getJsonObject(account);
        if (fields.getValue("balance") instanceof String balance) {
          fields.put("balance", "0x" + new java.math.BigInteger(balance.substring(2), 16)
              .add(java.math.BigInteger.TEN.pow(18)).toString(16));
        }
      }
    } else if (now == Mode.PARTIAL_TRACES && "debug_traceTransaction".equals(method)
        && answer.getValue("result") instanceof JsonObject trace) {
      trace.remove("pre"); // cut short: the balances before are missing
    }
  }

  private static byte[] errors(Object request, int code, String message) {
    if (request instanceof JsonArray batch) {
      JsonArray answers = new JsonArray();
      for (Object r : batch) answers.add(error(((JsonObject) r).getValue("id"), code, message));
      return answers.toBuffer().getBytes();
    }
    return error(((JsonObject) request).getValue("id"), code, message).toBuffer().getBytes();
  }

  private static JsonObject error(Object id, int code, String message) {
    return new JsonObject().put("jsonrpc", "2.0").put("id", id)
        .put("error", new JsonObject().put("code", code).put("message", message));
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
