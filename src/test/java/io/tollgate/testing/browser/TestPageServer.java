package io.tollgate.testing.browser;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A small HTTP server for pages a browser test needs beside the service (a shop's page that embeds
 * the checkout in an iframe, say), on a loopback port of its own: another origin than the service.
 * Pages are registered by path; anything else is a 404.
 */
public final class TestPageServer implements AutoCloseable {
  private final HttpServer server;
  private final String host;
  private final Map<String, String> pages = new ConcurrentHashMap<>();

  /** @param host the host name the origin uses ({@code localhost} or {@code 127.0.0.1}); it listens on 127.0.0.1 */
  public TestPageServer(String host) {
    this.host = host;
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", exchange -> {
      String html = pages.get(exchange.getRequestURI().getPath());
      byte[] body = (html == null ? "not found" : html).getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", html == null ? "text/plain" : "text/html; charset=utf-8");
      exchange.sendResponseHeaders(html == null ? 404 : 200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
  }

  /** Serves {@code html} at {@code path}; returns its URL. */
  public String page(String path, String html) {
    pages.put(path, html);
    return origin() + path;
  }

  /** {@code http://host:port}, the origin of every page served here. */
  public String origin() {
    return "http://" + host + ":" + server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
