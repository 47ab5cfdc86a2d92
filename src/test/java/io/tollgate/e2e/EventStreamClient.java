package io.tollgate.e2e;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A browser's EventSource, as far as the tests need it: a Vert.x HTTP client that opens {@code GET
 * /v1/checkouts/{id}/events} streams and parses what arrives (events, comments, {@code retry:}).
 * One connection per stream, as a browser's over HTTP/1.1.
 */
final class EventStreamClient implements AutoCloseable {
  /** One server-sent event. */
  record Event(String id, String event, String data) {
    JsonObject json() {
      return new JsonObject(data);
    }
  }

  /** One open (or refused) stream and everything that arrived on it. */
  static final class Stream {
    final int status;
    final Map<String, String> headers;
    final String errorBody;
    final List<Event> events = new CopyOnWriteArrayList<>();
    final List<String> comments = new CopyOnWriteArrayList<>();
    volatile String retry;
    volatile boolean ended;
    private final StringBuilder pending = new StringBuilder();
    private final HttpClientResponse response;

    private Stream(HttpClientResponse response, int status, Map<String, String> headers, String errorBody) {
      this.response = response;
      this.status = status;
      this.headers = headers;
      this.errorBody = errorBody;
    }

    /** Waits (up to {@code seconds}) for an event matching {@code test}; null if none came. */
    Event await(Predicate<Event> test, int seconds) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      while (System.nanoTime() < deadline) {
        for (Event e : events) if (test.test(e)) return e;
        TollgateFixture.sleep(20);
      }
      return events.stream().filter(test).findFirst().orElse(null);
    }

    Event awaitStatus(String status, int seconds) {
      return await(e -> status.equals(e.json().getString("status")), seconds);
    }

    boolean awaitEnded(int seconds) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      while (!ended && System.nanoTime() < deadline) TollgateFixture.sleep(20);
      return ended;
    }

    String header(String name) {
      return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }

    String errorCode() {
      return new JsonObject(errorBody).getJsonObject("error").getString("code");
    }

    /** Parses what arrived so far; events end with a blank line. */
    private synchronized void feed(Buffer chunk) {
      pending.append(chunk.toString());
      int end;
      while ((end = pending.indexOf("\n\n")) >= 0) {
        String block = pending.substring(0, end);
        pending.delete(0, end + 2);
        String id = null;
        String event = null;
        StringBuilder data = null;
        for (String line : block.split("\n")) {
          if (line.startsWith(":")) {
            comments.add(line.substring(1).trim());
          } else if (line.startsWith("retry: ")) {
            retry = line.substring(7);
          } else if (line.startsWith("id: ")) {
            id = line.substring(4);
          } else if (line.startsWith("event: ")) {
            event = line.substring(7);
          } else if (line.startsWith("data: ")) {
            data = data == null ? new StringBuilder(line.substring(6)) : data.append('\n').append(line.substring(6));
          }
        }
        if (data != null) events.add(new Event(id, event, data.toString()));
      }
    }

    void close() {
      response.request().connection().close();
    }
  }

  private final Vertx vertx;
  private final HttpClient client;

  EventStreamClient(int maxConnections) {
    vertx = Vertx.vertx();
    client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false).setConnectTimeout(10_000),
        new PoolOptions().setHttp1MaxSize(maxConnections).setMaxWaitQueueSize(-1));
  }

  /** Opens a stream with the secret in the header ({@code secretInQuery} false) or the query, and an optional last event id header. */
  Future<Stream> open(String base, String checkoutId, String secret, boolean secretInQuery, String lastEventId) {
    URI uri = URI.create(base);
    String path = "/v1/checkouts/" + checkoutId + "/events"
        + (secretInQuery && secret != null ? "?clientSecret=" + java.net.URLEncoder.encode(secret, java.nio.charset.StandardCharsets.UTF_8) : "");
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(uri.getHost()).setPort(uri.getPort())
        .setURI(path).putHeader("Accept", "text/event-stream");
    if (!secretInQuery && secret != null) options.putHeader("X-Client-Secret", secret);
    if (lastEventId != null) options.putHeader("Last-Event-ID", lastEventId);
    return open(options);
  }

  Future<Stream> open(RequestOptions options) {
    return io.tollgate.testing.Async.onLoop(vertx, () -> client.request(options).compose(req -> req.send())).compose(resp -> {
      Map<String, String> headers = new java.util.HashMap<>();
      resp.headers().forEach(h -> headers.put(h.getKey().toLowerCase(java.util.Locale.ROOT), h.getValue()));
      if (resp.statusCode() != 200) {
        return resp.body().map(body -> new Stream(resp, resp.statusCode(), headers, body.toString()));
      }
      Stream stream = new Stream(resp, 200, headers, null);
      Promise<Stream> opened = Promise.promise();
      resp.handler(stream::feed);
      resp.endHandler(v -> stream.ended = true);
      resp.exceptionHandler(e -> stream.ended = true);
      opened.complete(stream);
      return opened.future();
    });
  }

  /** Blocks the test thread (never an event loop) for the stream. */
  Stream openAwait(String base, String checkoutId, String secret, boolean secretInQuery, String lastEventId) {
    try {
      return open(base, checkoutId, secret, secretInQuery, lastEventId).toCompletionStage().toCompletableFuture()
          .get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // best effort
    }
  }
}
