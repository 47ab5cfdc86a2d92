package io.tollgate.http;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.tollgate.http.hotpath.ErrorResponses;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * What Vert.x does not bound by itself: the time a client may take to send a request head (a
 * connection that trickles its headers a byte at a time never trips an idle timeout) or a body, and
 * the number of connections one address may hold open. One guard per HTTP verticle, confined to
 * its event loop; the per-address counts are shared by all of them ({@link Counts}). One timer per
 * verticle checks its connections a few times per timeout, so a deadline is enforced within a
 * quarter of it.
 */
public final class ConnectionGuard {
  /** Open connections per socket address, shared by every HTTP verticle of the process. */
  public static final class Counts {
    private final ConcurrentHashMap<String, AtomicInteger> open = new ConcurrentHashMap<>();

    public Counts() {}

    int opened(String address) {
      return open.computeIfAbsent(address, a -> new AtomicInteger()).incrementAndGet();
    }

    void closed(String address) {
      open.computeIfPresent(address, (a, n) -> n.decrementAndGet() <= 0 ? null : n);
    }
  }

  private static final class State {
    final String address;
    final boolean counted;
    final boolean overLimit;
    HttpServerRequest current;
    long deadline;

    State(String address, boolean counted, boolean overLimit, long deadline) {
      this.address = address;
      this.counted = counted;
      this.overLimit = overLimit;
      this.deadline = deadline;
    }
  }

  private final Vertx vertx;
  private final HttpLimits limits;
  private final Counts counts;
  private final Predicate<String> exempt;
  private final Map<HttpConnection, State> connections = new HashMap<>();
  private long timer = -1;

  ConnectionGuard(Vertx vertx, HttpLimits limits, Counts counts, Predicate<String> exempt) {
    this.vertx = vertx;
    this.limits = limits;
    this.counts = counts;
    this.exempt = exempt;
  }

  void start() {
    long period = Math.max(50, limits.headerReadTimeout().toMillis() / 4);
    timer = vertx.setPeriodic(period, tick -> enforce());
  }

  void stop() {
    vertx.cancelTimer(timer);
  }

  /** The server's connection handler. */
  void opened(HttpConnection connection) {
    String address = connection.remoteAddress() == null ? "" : connection.remoteAddress().hostAddress();
    boolean counted = address != null && !exempt.test(address);
    boolean overLimit = counted && counts.opened(address) > limits.maxConnectionsPerAddress();
    connections.put(connection, new State(address, counted, overLimit, now() + limits.headerReadTimeout().toMillis()));
    connection.closeHandler(v -> {
      State state = connections.remove(connection);
      if (state != null && state.counted) counts.closed(state.address);
    });
  }

  /** Wraps the intake: a request on a connection over its address's limit is answered 429 and the connection closed. */
  Handler<HttpServerRequest> guard(Handler<HttpServerRequest> intake) {
    return request -> {
      State state = connections.get(request.connection());
      if (state != null) {
        state.current = request;
        state.deadline = now() + limits.headerReadTimeout().toMillis(); // for the body, if one is still coming
        if (state.overLimit) {
          request.response().putHeader("Connection", "close");
          ErrorResponses.reject(request, new ApiException(ErrorCode.TOO_MANY_CONNECTIONS,
              "at most " + limits.maxConnectionsPerAddress() + " connections per client address"));
          return;
        }
      }
      intake.handle(request);
    };
  }

  private void enforce() {
    long now = now();
    for (Iterator<Map.Entry<HttpConnection, State>> it = connections.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<HttpConnection, State> entry = it.next();
      State state = entry.getValue();
      HttpServerRequest current = state.current;
      if (current != null && current.isEnded() && current.response().ended()) {
        // Answered: the connection may now sit idle as keep-alive connections do (a load balancer's
        // pool, a shop's HTTP client between calls). Its next head must be complete within the idle
        // timeout; cutting it at the header timeout made clients that reuse it a few seconds later
        // race the close and lose a POST they could not safely retry.
        state.current = null;
        state.deadline = now + limits.idleTimeout().toMillis();
      } else if (now > state.deadline && (current == null || !current.isEnded())) {
        // No complete head (or body) in time. A request being answered is never cut here.
        entry.getKey().close();
      }
    }
  }

  private long now() {
    return System.nanoTime() / 1_000_000;
  }
}
