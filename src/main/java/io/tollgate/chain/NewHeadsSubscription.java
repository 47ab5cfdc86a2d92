package io.tollgate.chain;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Push notification of new chain heads: one WebSocket to a node, one JSON-RPC
 * {@code eth_subscribe ["newHeads"]} on it, and the number of every announced head handed to a
 * {@link Listener}. Without it the watcher learns of a block only at its next {@code
 * eth_blockNumber} poll, which alone can take the whole latency budget between a block and
 * {@code paid}.
 *
 * <p>After any failure (connect, handshake, a refused or unanswered subscribe, the socket closing,
 * a socket that stays silent past the keep-alive) it reconnects and subscribes again after a
 * capped exponential backoff, and says so once per outage: a warning when it goes down, one line
 * when it is back. Logs name the endpoint by scheme, host and port only, because provider URLs
 * carry API keys in their path, query or user info.
 *
 * <p>A malformed or unexpected message is logged and skipped; it never closes a working socket.
 * Only the subscription's own notifications count: a head number is taken from
 * {@code params.result.number}, and nothing else of the header is trusted (the watcher reads what
 * it needs over HTTP).
 *
 * <p>Confinement: every field is used only on the Vert.x context that {@link #start} captured (the
 * chain watcher verticle's event loop). The WebSocket client delivers its events there and timers
 * set from there fire there, so there are no locks, and nothing here blocks.
 *
 * <p>Over 300 lines because it is one state machine (connect, handshake, subscribe, ping, close,
 * backoff) whose states share the fields confined to one context; split, the transitions would
 * cross classes.
 */
public final class NewHeadsSubscription {
  private static final Logger LOG = LoggerFactory.getLogger(NewHeadsSubscription.class);
  private static final int LOGGED_MESSAGE_CHARS = 200;

  /** Told of heads and of the subscription going live or down; called on the subscription's context. */
  public interface Listener {
    /** A new head was announced (its block number). Must not block. */
    void onHead(long number);

    /** The subscription is confirmed ({@code true}), or it was live and went down ({@code false}). */
    void onLive(boolean live);
  }

  /**
   * @param initialBackoff wait before the first reconnect after a failure; doubled per consecutive
   *     failure
   * @param maxBackoff cap of that wait
   * @param subscribeTimeout bound on connecting, the handshake, and the answer to {@code eth_subscribe}
   * @param keepAlive how often a ping is sent; a socket that has received nothing (no message, no
   *     pong) for twice this long is taken for dead and replaced: a half-open TCP connection
   *     (a NAT or load balancer that forgot it) never closes by itself
   */
  public record Options(Duration initialBackoff, Duration maxBackoff, Duration subscribeTimeout, Duration keepAlive) {
    public Options {
      for (Duration d : new Duration[] {initialBackoff, maxBackoff, subscribeTimeout, keepAlive}) {
        Objects.requireNonNull(d, "durations are required");
        if (d.toMillis() < 1) throw new IllegalArgumentException("durations must be at least 1 ms");
      }
      if (maxBackoff.compareTo(initialBackoff) < 0) throw new IllegalArgumentException("maxBackoff < initialBackoff");
    }

    public static Options defaults() {
      return new Options(Duration.ofMillis(250), Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(30));
    }

    /**
     * The wait before reconnect attempt {@code failures} (1 = right after the first failure):
     * {@code initialBackoff × 2^(failures-1)}, at most {@code maxBackoff}. No jitter: each chain has
     * one subscription per deployment (only its leader watches), so there is no herd to spread.
     */
    public Duration backoff(int failures) {
      int doublings = Math.min(Math.max(0, failures - 1), 30);
      long millis = initialBackoff.toMillis() << doublings;
      return millis <= 0 || millis > maxBackoff.toMillis() ? maxBackoff : Duration.ofMillis(millis);
    }
  }

  private final Vertx vertx;
  private final long chainId;
  private final String displayUrl;
  private final URI uri;
  private final Options options;
  private final Listener listener;
  private final WebSocketClient client;
  private final LongAdder notifications = new LongAdder();
  private final LongAdder subscriptions = new LongAdder();
  private Context context;

  // ---- confined to context ----
  private long attempts;
  /**
   * The attempt whose outcome counts, or 0 between attempts: a connect that completes after its
   * attempt timed out must not take over (its socket is closed instead).
   */
  private long currentAttempt;
  /** The socket of the current attempt or live subscription; events of any other are stale. */
  private WebSocket socket;
  /** The {@code eth_subscribe} waiting for its answer on {@link #socket}. */
  private PendingSubscribe pending;
  private String subscriptionId;
  private long nextRequestId;
  private long lastFrameNanos;
  private int malformedOnSocket;
  /** Failed attempts since the subscription was last live: the backoff exponent. */
  private int failures;
  /** When the current outage began (System.nanoTime), or -1 while live or before the first attempt. */
  private long downSinceNanos = -1;
  private boolean everLive;
  private boolean closed;
  private long retryTimer = -1;
  private long keepAliveTimer = -1;
  private volatile boolean live;

  private record PendingSubscribe(long id, Promise<String> answer) {}

  private NewHeadsSubscription(Vertx vertx, long chainId, String url, Options options, Listener listener) {
    this.vertx = Objects.requireNonNull(vertx);
    this.chainId = chainId;
    this.uri = URI.create(Objects.requireNonNull(url, "url"));
    this.displayUrl = JsonRpcClient.redact(url);
    this.options = Objects.requireNonNull(options);
    this.listener = Objects.requireNonNull(listener);
    this.client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, options.subscribeTimeout().toMillis()))
        .setTcpNoDelay(true));
  }

  /**
   * Connects and subscribes in the background; the returned subscription reports to
   * {@code listener} on the current context (call this from the verticle that consumes the heads).
   */
  public static NewHeadsSubscription start(Vertx vertx, long chainId, String url, Options options, Listener listener) {
    NewHeadsSubscription subscription = new NewHeadsSubscription(vertx, chainId, url, options, listener);
    subscription.context = vertx.getOrCreateContext();
    subscription.context.runOnContext(v -> subscription.connect());
    return subscription;
  }

  /** Whether the subscription is confirmed and its socket open (readable from any thread). */
  public boolean isLive() { return live; }

  /** Head notifications received on the subscription. */
  long notifications() { return notifications.sum(); }

  /** Subscriptions confirmed by the node: 1 + reconnects that succeeded. */
  long subscriptions() { return subscriptions.sum(); }

  /** The endpoint as logs may show it (scheme, host, port). */
  public String displayUrl() { return displayUrl; }

  /** Stops for good: no further reconnect, no further callback. */
  public Future<Void> close() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      closed = true;
      currentAttempt = 0;
      live = false;
      if (retryTimer >= 0) vertx.cancelTimer(retryTimer);
      stopKeepAlive();
      WebSocket open = socket;
      socket = null;
      failPending(new IllegalStateException("subscription closed"));
      Future<Void> socketClosed = open == null ? Future.succeededFuture() : open.close().recover(e -> Future.succeededFuture());
      socketClosed.compose(closedSocket -> client.close()).onComplete(done);
    });
    return done.future();
  }

  // ---- one attempt: connect, subscribe, live ----

  private void connect() {
    retryTimer = -1;
    if (closed) return;
    long attempt = ++attempts;
    currentAttempt = attempt;
    client.connect(connectOptions())
        .compose(ws -> subscribe(attempt, ws))
        .timeout(options.subscribeTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .onComplete(outcome -> {
          if (attempt != currentAttempt) return; // already failed (its socket dropped) or closed
          if (outcome.succeeded()) {
            becameLive();
          } else {
            attemptFailed(outcome.cause());
          }
        });
  }

  /** Installs the handlers and sends {@code eth_subscribe}; completes with the subscription id. */
  private Future<String> subscribe(long attempt, WebSocket ws) {
    if (closed || attempt != currentAttempt) {
      ws.close();
      return Future.failedFuture(new IllegalStateException("attempt abandoned"));
    }
    socket = ws;
    malformedOnSocket = 0;
    lastFrameNanos = System.nanoTime();
    ws.textMessageHandler(text -> onMessage(ws, text));
    // Some servers put JSON in binary frames; it is the same message.
    ws.binaryMessageHandler(bytes -> onMessage(ws, bytes.toString(StandardCharsets.UTF_8)));
    ws.pongHandler(pong -> { if (ws == socket) lastFrameNanos = System.nanoTime(); });
    ws.exceptionHandler(e -> {
      // A protocol error or a reset; Vert.x closes the socket and closeHandler reconnects.
      if (ws == socket) LOG.debug("chain {}: new-heads socket error: {}", chainId, scrub(e.toString()));
    });
    ws.closeHandler(v -> dropped(ws, new IllegalStateException(
        "socket closed" + (ws.closeStatusCode() == null ? "" : " (" + ws.closeStatusCode() + " " + ws.closeReason() + ")"))));
    startKeepAlive(ws);

    long id = ++nextRequestId;
    Promise<String> answer = Promise.promise();
    pending = new PendingSubscribe(id, answer);
    JsonObject request = new JsonObject().put("jsonrpc", "2.0").put("id", id).put("method", "eth_subscribe")
        .put("params", new JsonArray().add("newHeads"));
    return ws.writeTextMessage(request.encode()).compose(written -> answer.future());
  }

  private void becameLive() {
    if (closed) return;
    subscriptions.increment();
    if (downSinceNanos >= 0 && everLive) {
      LOG.info("chain {}: new-heads subscription at {} is live again after {} failed attempt(s) over {} ms",
          chainId, displayUrl, failures, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - downSinceNanos));
    } else if (downSinceNanos >= 0) {
      LOG.info("chain {}: subscribed to new heads at {} after {} failed attempt(s)", chainId, displayUrl, failures);
    } else {
      LOG.info("chain {}: subscribed to new heads at {}", chainId, displayUrl);
    }
    failures = 0;
    downSinceNanos = -1;
    everLive = true;
    live = true;
    callListener(() -> listener.onLive(true));
  }

  /** Any failure of an attempt or of a live subscription: forget the socket, log once, retry later. */
  private void attemptFailed(Throwable cause) {
    currentAttempt = 0;
    WebSocket open = socket;
    socket = null;
    subscriptionId = null;
    failPending(cause);
    stopKeepAlive();
    if (open != null) open.close();
    boolean wasLive = live;
    live = false;
    if (closed) return;
    failures++;
    Duration wait = options.backoff(failures);
    if (downSinceNanos < 0) {
      downSinceNanos = System.nanoTime();
      LOG.warn("chain {}: new-heads subscription at {} is down ({}); the head poll stands in while it reconnects "
          + "(backoff {} ms, at most {} ms)", chainId, displayUrl, scrub(describe(cause)), wait.toMillis(),
          options.maxBackoff().toMillis());
    } else {
      LOG.debug("chain {}: new-heads attempt {} failed ({}), next in {} ms", chainId, failures, scrub(describe(cause)),
          wait.toMillis());
    }
    if (wasLive) callListener(() -> listener.onLive(false));
    retryTimer = vertx.setTimer(wait.toMillis(), t -> connect());
  }

  /** The socket closed or went silent. While subscribing, the attempt's future fails instead. */
  private void dropped(WebSocket ws, Throwable cause) {
    if (ws != socket) return; // an earlier socket, already replaced
    if (pending != null) {
      failPending(cause); // the attempt's onComplete takes it from here
      return;
    }
    attemptFailed(cause);
  }

  private void failPending(Throwable cause) {
    PendingSubscribe waiting = pending;
    pending = null;
    if (waiting != null) waiting.answer().tryFail(cause);
  }

  // ---- messages ----

  private void onMessage(WebSocket ws, String text) {
    if (ws != socket) return;
    lastFrameNanos = System.nanoTime();
    JsonObject message;
    try {
      if (!(Json.decodeValue(text) instanceof JsonObject object)) {
        malformed(text, "not a JSON object");
        return;
      }
      message = object;
    } catch (DecodeException e) {
      malformed(text, "not JSON");
      return;
    }
    if (pending != null && message.getValue("id") instanceof Number id && id.longValue() == pending.id()) {
      answered(message);
    } else if ("eth_subscription".equals(message.getValue("method"))) {
      notified(text, message);
    } else {
      LOG.debug("chain {}: ignoring an unexpected new-heads message: {}", chainId, excerpt(text));
    }
  }

  private void answered(JsonObject answer) {
    PendingSubscribe waiting = pending;
    pending = null;
    if (answer.getValue("error") != null) {
      Object error = answer.getValue("error");
      int code = error instanceof JsonObject e && e.getValue("code") instanceof Number n ? n.intValue() : 0;
      String message = error instanceof JsonObject e && e.getValue("message") instanceof String m ? m : String.valueOf(error);
      waiting.answer().tryFail(new RpcException(code, "eth_subscribe refused: " + message, null));
    } else if (answer.getValue("result") instanceof String id && !id.isEmpty()) {
      // Set before the attempt completes: a notification may follow in the same read.
      subscriptionId = id;
      waiting.answer().tryComplete(id);
    } else {
      waiting.answer().tryFail(new ChainDataException("eth_subscribe answered without a subscription id"));
    }
  }

  private void notified(String text, JsonObject message) {
    if (!(message.getValue("params") instanceof JsonObject params)
        || !(params.getValue("subscription") instanceof String id)) {
      malformed(text, "eth_subscription without params.subscription");
      return;
    }
    if (subscriptionId == null || !subscriptionId.equalsIgnoreCase(id)) {
      LOG.debug("chain {}: ignoring a notification of subscription {}, not ours", chainId, id);
      return;
    }
    long number;
    try {
      if (!(params.getValue("result") instanceof JsonObject header)) throw new ChainDataException("no header in params.result");
      number = Hex.longQuantity(Hex.member(header, "number"));
    } catch (ChainDataException | IllegalArgumentException e) {
      malformed(text, e.getMessage());
      return;
    }
    notifications.increment();
    callListener(() -> listener.onHead(number));
  }

  private void malformed(String text, String why) {
    malformedOnSocket++;
    // The first per socket is a warning; a node that keeps sending them would otherwise flood the log.
    if (malformedOnSocket == 1) {
      LOG.warn("chain {}: ignoring a malformed new-heads message from {} ({}): {}", chainId, displayUrl, why, excerpt(text));
    } else {
      LOG.debug("chain {}: ignoring malformed new-heads message {} on this socket ({}): {}", chainId, malformedOnSocket,
          why, excerpt(text));
    }
  }

  // ---- keep-alive ----

  private void startKeepAlive(WebSocket ws) {
    stopKeepAlive();
    long every = options.keepAlive().toMillis();
    keepAliveTimer = vertx.setPeriodic(every, every, tick -> {
      if (ws != socket) return;
      if (System.nanoTime() - lastFrameNanos > TimeUnit.MILLISECONDS.toNanos(2 * every)) {
        dropped(ws, new IllegalStateException("nothing received for " + 2 * every + " ms"));
      } else {
        ws.writePing(Buffer.buffer("tollgate"));
      }
    });
  }

  private void stopKeepAlive() {
    if (keepAliveTimer >= 0) vertx.cancelTimer(keepAliveTimer);
    keepAliveTimer = -1;
  }

  // ---- helpers ----

  private WebSocketConnectOptions connectOptions() {
    boolean tls = "wss".equalsIgnoreCase(uri.getScheme());
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    WebSocketConnectOptions connect = new WebSocketConnectOptions()
        .setHost(uri.getHost())
        .setPort(uri.getPort() >= 0 ? uri.getPort() : tls ? 443 : 80)
        .setSsl(tls)
        .setURI(uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery())
        .setTimeout(options.subscribeTimeout().toMillis());
    if (uri.getRawUserInfo() != null) {
      // wss://user:secret@host: the node expects HTTP Basic authentication on the upgrade request.
      String userInfo = URLDecoder.decode(uri.getRawUserInfo(), StandardCharsets.UTF_8);
      connect.putHeader("Authorization", "Basic "
          + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8)));
    }
    return connect;
  }

  private void callListener(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      LOG.error("chain {}: new-heads listener failed", chainId, e);
    }
  }

  private static String describe(Throwable cause) {
    return cause instanceof java.util.concurrent.TimeoutException
        ? "no subscription within the timeout" : cause.toString();
  }

  /** An error text may quote the request (path, query, user info): keep only what logs may show. */
  String scrub(String text) {
    String scrubbed = text;
    for (String secret : new String[] {uri.getRawUserInfo(), uri.getRawQuery(), uri.getRawPath()}) {
      if (secret != null && secret.length() > 1) scrubbed = scrubbed.replace(secret, "<redacted>");
    }
    return scrubbed;
  }

  private static String excerpt(String text) {
    return text.length() <= LOGGED_MESSAGE_CHARS ? text : text.substring(0, LOGGED_MESSAGE_CHARS) + "…";
  }
}
