package io.tollgate.faults;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A shop's webhook receiver that answers 200 to every delivery and remembers each one
 * ({@code webhook-id} and when it arrived), and a tarpit: an endpoint that accepts connections and
 * never answers. Signatures are not checked here (the unit suite does); this counts deliveries.
 */
final class WebhookSink implements AutoCloseable {
  record Delivery(String webhookId, String path, long receivedAtMillis) {}

  private final HttpServer server;
  private final ServerSocket tarpit;
  private final List<Socket> held = new CopyOnWriteArrayList<>();
  final List<Delivery> deliveries = new CopyOnWriteArrayList<>();

  WebhookSink() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
    server.setExecutor(Executors.newFixedThreadPool(8, r -> {
      Thread t = new Thread(r, "webhook-sink");
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/", exchange -> {
      exchange.getRequestBody().readAllBytes();
      String id = exchange.getRequestHeaders().getFirst("webhook-id");
      deliveries.add(new Delivery(id, exchange.getRequestURI().getPath(), System.currentTimeMillis()));
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    server.start();
    tarpit = new ServerSocket(0, 256, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(() -> {
      while (!tarpit.isClosed()) {
        try {
          held.add(tarpit.accept()); // accepted, read from by nobody, answered never
        } catch (IOException e) {
          return;
        }
      }
    }, "webhook-tarpit");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  String tarpitUrl() {
    return "http://127.0.0.1:" + tarpit.getLocalPort() + "/hook";
  }

  /** The webhook-ids delivered more than once, with where and when (ms) each delivery arrived; for the report. */
  List<String> duplicated(long sinceMillis) {
    Map<String, List<Delivery>> byId = new java.util.TreeMap<>();
    deliveries.stream().filter(d -> d.webhookId() != null)
        .forEach(d -> byId.computeIfAbsent(d.webhookId(), k -> new java.util.ArrayList<>()).add(d));
    return byId.entrySet().stream()
        .filter(e -> e.getValue().size() > 1 && e.getValue().get(e.getValue().size() - 1).receivedAtMillis() >= sinceMillis)
        .map(e -> e.getKey() + e.getValue().stream().map(d -> d.path() + "@" + (d.receivedAtMillis() - sinceMillis)).toList())
        .toList();
  }

  /** Deliveries answered 200 more than once for the same webhook-id (each id counted once per extra). */
  long duplicates(long sinceMillis) {
    Map<String, Integer> counts = new ConcurrentHashMap<>();
    deliveries.stream().filter(d -> d.receivedAtMillis() >= sinceMillis && d.webhookId() != null)
        .forEach(d -> counts.merge(d.webhookId(), 1, Integer::sum));
    return counts.values().stream().mapToLong(c -> c - 1).sum();
  }

  @Override
  public void close() {
    server.stop(0);
    try {
      tarpit.close();
    } catch (IOException ignored) {
      // closing
    }
    for (Socket s : held) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing
      }
    }
  }
}
