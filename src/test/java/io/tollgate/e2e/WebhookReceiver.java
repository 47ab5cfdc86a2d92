package io.tollgate.e2e;

import com.sun.net.httpserver.HttpServer;
import io.tollgate.webhook.StandardWebhookVerifier;
import io.tollgate.webhook.WebhookSecret;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A shop's webhook receiver: a real HTTP server on 127.0.0.1 that records every request and answers
 * what the test scripts (by default 200). Tests wait on it by polling with a generous deadline.
 */
final class WebhookReceiver implements AutoCloseable {
  /** One request as it arrived. */
  record Received(int sequence, Map<String, String> headers, String body) {
    String header(String name) {
      return headers.get(name.toLowerCase());
    }

    JsonObject json() {
      return new JsonObject(body);
    }

    String type() {
      return json().getString("type");
    }

    String checkoutId() {
      JsonObject checkout = json().getJsonObject("data").getJsonObject("checkout");
      return checkout == null ? null : checkout.getString("id");
    }

    MultiMap multiMap() {
      MultiMap map = MultiMap.caseInsensitiveMultiMap();
      headers.forEach(map::add);
      return map;
    }

    /** Verifies with our Standard Webhooks verifier; throws when the signature does not check out. */
    void verify(String secret) {
      new StandardWebhookVerifier(Clock.systemUTC()).verify(multiMap(), body.getBytes(StandardCharsets.UTF_8),
          List.of(WebhookSecret.parse(secret)));
    }
  }

  /** What to answer: status and extra headers. */
  record Answer(int status, Map<String, String> headers) {
    static Answer of(int status) {
      return new Answer(status, Map.of());
    }
  }

  private final HttpServer server;
  private final java.util.concurrent.ExecutorService executor = java.util.concurrent.Executors.newFixedThreadPool(8);
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final AtomicInteger sequence = new AtomicInteger();
  private volatile Function<Received, Answer> script = r -> Answer.of(200);

  WebhookReceiver() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    server.createContext("/", exchange -> {
      try (InputStream in = exchange.getRequestBody()) {
        String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        Map<String, String> headers = new java.util.HashMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), v.get(0)));
        Received r = new Received(sequence.incrementAndGet(), headers, body);
        received.add(r);
        Answer answer = script.apply(r);
        answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        exchange.sendResponseHeaders(answer.status(), -1);
      } finally {
        exchange.close();
      }
    });
    server.setExecutor(executor);
    server.start();
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  void answer(Function<Received, Answer> script) {
    this.script = script;
  }

  List<Received> received() {
    return new ArrayList<>(received);
  }

  List<Received> matching(Predicate<Received> filter) {
    return received.stream().filter(filter).toList();
  }

  /** Waits (polling, 30 s at most) until at least {@code count} requests match; returns them. */
  List<Received> await(Predicate<Received> filter, int count) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      List<Received> found = matching(filter);
      if (found.size() >= count) return found;
      TollgateFixture.sleep(50);
    }
    throw new AssertionError("expected " + count + " matching requests, got " + matching(filter).size()
        + " of " + received.size());
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
