package io.tollgate.chain;

import io.tollgate.chain.JsonRpcClient.MalformedResponseException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One provider URL of a chain, for {@link JsonRpcClient}: one HTTP exchange with it, its counters,
 * and its health (a failed endpoint is tried last for a cooldown, doubled per failure in a row up to
 * 8 times). Touched from any thread, hence volatile fields and benign races.
 */
final class RpcEndpoint {
  /** The client's logger: operators follow one name for a chain's providers. */
  private static final Logger LOG = LoggerFactory.getLogger(JsonRpcClient.class);
  private static final int LOGGED_BODY_CHARS = 200;

  final String url;
  /** The URL redacted to scheme, host and port: what logs and metrics name. */
  final String provider;
  final LongAdder requests = new LongAdder();
  final LongAdder failures = new LongAdder();
  final LongAdder providerErrors = new LongAdder();
  final LongAdder staleAnswers = new LongAdder();
  private final long chainId;
  private final Duration cooldown;
  private final LongSupplier nanoClock;
  private volatile long failedAt;
  private volatile boolean failing;
  /** Failures in a row: each doubles how long the endpoint is tried last (backoff), up to 8 times the cooldown. */
  private volatile int consecutiveFailures;

  RpcEndpoint(String url, long chainId, Duration cooldown, LongSupplier nanoClock) {
    this.url = url;
    this.provider = redact(url);
    this.chainId = chainId;
    this.cooldown = cooldown;
    this.nanoClock = nanoClock;
  }

  boolean isCooling(long now) {
    int doublings = Math.min(3, Math.max(0, consecutiveFailures - 1));
    return failing && now - failedAt < cooldown.toNanos() << doublings;
  }

  long failedAt() {
    return failedAt;
  }

  void markFailed(Throwable cause) {
    boolean wasFailing = failing;
    failedAt = nanoClock.getAsLong();
    failing = true;
    consecutiveFailures++;
    if (!wasFailing) {
      LOG.warn("RPC endpoint {} of chain {} failed, preferring others for {}: {}", provider, chainId, cooldown, cause.toString());
    } else {
      LOG.debug("RPC endpoint {} of chain {} failed again: {}", provider, chainId, cause.toString());
    }
  }

  void markHealthy() {
    consecutiveFailures = 0;
    if (failing) {
      failing = false;
      LOG.info("RPC endpoint {} of chain {} answers again", provider, chainId);
    }
  }

  /**
   * POSTs {@code body} and answers the parsed JSON; fails on a transport error, HTTP 429 or 5xx,
   * another non-200, a body that is not JSON, or no whole answer within {@code timeoutMs}.
   * {@code vertx} (null with a shared client) carries a call from a thread of no Vert.x context.
   */
  Future<Object> exchange(HttpClient http, Vertx vertx, Buffer body, long timeoutMs) {
    if (vertx != null && Vertx.currentContext() == null) {
      // Vert.x 5.0.10's HTTP client, asked from a thread of no Vert.x context (a main, a CLI, a
      // test), now and then never answers: 24 of 6,000 requests in a loop here, none of 4,500
      // asked from an event loop. Such a call is sent from one.
      Promise<Object> answered = Promise.promise();
      vertx.runOnContext(v -> exchange(http, vertx, body, timeoutMs).onComplete(answered));
      return answered.future();
    }
    RequestOptions request = new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setAbsoluteURI(url)
        .setConnectTimeout(timeoutMs)
        .setIdleTimeout(timeoutMs)
        .putHeader("Content-Type", "application/json")
        .putHeader("Accept", "application/json");
    Future<HttpClientRequest> opened;
    try {
      opened = http.request(request);
    } catch (IllegalStateException closed) {
      // A client closed while Vert.x shuts down (it may close before the watcher's verticle stops)
      // throws instead of failing: as a failed future it skips the round like any unreachable node,
      // where a throw would escape the caller's timer as an unhandled ERROR.
      opened = Future.failedFuture(closed);
    }
    return opened
        .compose(req -> req.send(body))
        .compose(response -> {
          int status = response.statusCode();
          // Nodes put JSON-RPC errors in 200 answers; 429 and 5xx mean this endpoint cannot serve now.
          if (status == 429 || status >= 500) {
            return Future.failedFuture(new MalformedResponseException("HTTP " + status));
          }
          return response.body().map(bytes -> {
            if (status != 200) throw new MalformedResponseException("HTTP " + status + ": " + truncate(bytes.toString()));
            try {
              return Json.decodeValue(bytes);
            } catch (DecodeException e) {
              throw new MalformedResponseException("body is not JSON: " + truncate(bytes.toString()));
            }
          });
        })
        // Idle and connect timeouts alone do not bound a trickling response; this does.
        .timeout(timeoutMs, TimeUnit.MILLISECONDS);
  }

  /** Provider URLs often carry an API key in the path or query; logs get scheme, host and port only. */
  static String redact(String url) {
    try {
      java.net.URI uri = java.net.URI.create(url);
      return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    } catch (IllegalArgumentException e) {
      return "<unparseable url>";
    }
  }

  static String truncate(String text) {
    return text.length() <= LOGGED_BODY_CHARS ? text : text.substring(0, LOGGED_BODY_CHARS) + "…";
  }
}
