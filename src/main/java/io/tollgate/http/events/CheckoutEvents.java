package io.tollgate.http.events;

import io.micrometer.core.instrument.Counter;
import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.tollgate.checkout.CachedStatus;
import io.tollgate.checkout.StatusCache;
import io.tollgate.checkout.StatusSubscriptions;
import io.tollgate.checkout.StatusView;
import io.tollgate.http.hotpath.BuyerAccess;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * {@code GET /v1/checkouts/{id}/events}: the checkout's status pushed as server-sent events, one
 * handler per HTTP verticle, confined to its event loop. Authorised and rate limited exactly as
 * the poll ({@link BuyerAccess}); every event's data is the poll's body at that moment and its id
 * the body's {@code sequence}, which every instance computes alike, so {@code Last-Event-ID}
 * resumes on any instance.
 *
 * <p>Fed by {@link StatusSubscriptions} (one subscription per checkout per instance, fanned out in
 * memory), never by a query per event. A stream whose client does not read is closed rather than
 * buffered: when its backlog passes {@code http.events.write-queue-bytes} (slow), or when what was
 * written to it has not moved to the socket for {@code http.events.stall-ms} (stalled: a client that
 * stopped reading holds a place and a little memory even when too little is written to fill the
 * queue). Writes never wait, so other streams on the event loop are not held up. The browser
 * reconnects with {@code Last-Event-ID} and gets the current status, so nothing is lost but memory is
 * bounded. After a terminal status is sent the stream ends; a reconnect that already has it gets
 * 204, which tells {@code EventSource} (and the payment page) to stop.
 */
public final class CheckoutEvents {
  /**
   * Statuses after which nothing is shown to the buyer any more (failed is not one: the buyer may pay
   * again). The payment page's FINAL (src/main/web/shared/status-stream.js) must stay the same set.
   */
  private static final Set<String> TERMINAL = Set.of("paid", "expired", "canceled", "reversed");
  private static final Buffer HEARTBEAT = Buffer.buffer(": keep-alive\n\n");
  private static final String LAST_EVENT_ID_HEADER = "Last-Event-ID";
  private static final String LAST_EVENT_ID_QUERY = "lastEventId";

  private final Vertx vertx;
  private final Context context;
  private final BuyerAccess access;
  private final StatusCache cache;
  private final StatusView view;
  private final StatusSubscriptions subscriptions;
  private final EventStreamSettings settings;
  private final EventStreamMeters meters;
  private final Clock clock;
  private final Buffer retry;
  /** This event loop's open streams (heartbeats, shutdown). */
  private final Set<Stream> open = new LinkedHashSet<>();
  private long heartbeatTimer = -1;
  /** The frame written last, for the answer it was built from: a fan-out writes one frame to many streams. */
  private StatusView.Rendered framed;
  private Buffer frame;

  public CheckoutEvents(Vertx vertx, Context context, BuyerAccess access, StatusCache cache, StatusView view,
      StatusSubscriptions subscriptions, EventStreamSettings settings, EventStreamMeters meters, Clock clock) {
    this.vertx = vertx;
    this.context = context;
    this.access = access;
    this.cache = cache;
    this.view = view;
    this.subscriptions = subscriptions;
    this.settings = settings;
    this.meters = meters;
    this.clock = clock;
    this.retry = Buffer.buffer("retry: " + settings.retry().toMillis() + "\n\n");
  }

  /** Starts the heartbeat; call once on the verticle's context. */
  public void start() {
    heartbeatTimer = vertx.setPeriodic(settings.heartbeat().toMillis(), t -> heartbeat());
  }

  /** Ends every stream of this event loop (the instance stops); browsers reconnect elsewhere. */
  public void stop() {
    if (heartbeatTimer >= 0) vertx.cancelTimer(heartbeatTimer);
    for (Stream s : List.copyOf(open)) {
      s.finish();
      if (!s.response.ended() && !s.response.closed()) s.response.end();
    }
  }

  /** The route's handler, after validation. Failures before the stream starts are the usual JSON errors. */
  public void handle(RoutingContext ctx) {
    UUID checkoutId = UUID.fromString(ctx.pathParam("checkoutId"));
    access.authorize(ctx.request(), checkoutId)
        .compose(cache::get)
        .onSuccess(entry -> open(ctx, entry))
        .onFailure(ctx::fail);
  }

  private void open(RoutingContext ctx, CachedStatus entry) {
    HttpServerRequest request = ctx.request();
    HttpServerResponse response = ctx.response();
    long seen = lastEventId(request);
    StatusView.Rendered current = view.render(entry, clock.millis());
    if (TERMINAL.contains(current.status()) && seen >= current.sequence()) {
      // the client saw the end already: 204 tells EventSource not to reconnect
      response.setStatusCode(204).putHeader("Cache-Control", "no-store").end();
      return;
    }
    if (!meters.tryOpen()) {
      response.putHeader("Retry-After", Integer.toString(settings.retryAfterSeconds()));
      ctx.fail(new ApiException(ErrorCode.TOO_MANY_STREAMS));
      return;
    }
    if (request.connection() == null || response.closed()) {
      meters.closed(); // the client left while it was authorised
      return;
    }
    response.setWriteQueueMaxSize(settings.writeQueueBytes());
    response.setStatusCode(200).setChunked(true)
        .putHeader("Content-Type", "text/event-stream")
        .putHeader("Cache-Control", "no-store")
        .putHeader("X-Accel-Buffering", "no");
    Stream stream = new Stream(response, request.connection(), seen);
    open.add(stream);
    response.closeHandler(v -> stream.finish());
    response.exceptionHandler(e -> stream.finish());
    stream.send(retry);
    stream.subscription = subscriptions.subscribe(entry, context, stream);
    // the newest this instance knows (it may have moved on while the secret was checked)
    CachedStatus newest = cache.peek(entry.checkoutId());
    stream.changed(newest != null ? newest : entry);
  }

  /** The last event id the client has: the header EventSource sends on reconnecting, or the query parameter; -1 if none. */
  private static long lastEventId(HttpServerRequest request) {
    String value = request.getHeader(LAST_EVENT_ID_HEADER);
    if (value == null) value = request.getParam(LAST_EVENT_ID_QUERY);
    if (value == null || value.isEmpty() || value.length() > 18) return -1;
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return -1; // not one of ours: start from the current status
    }
  }

  private Buffer frameOf(StatusView.Rendered rendered) {
    if (rendered != framed) {
      Buffer b = Buffer.buffer(rendered.body().length() + 48);
      b.appendString("id: ").appendString(Long.toString(rendered.sequence())).appendString("\nevent: status\ndata: ")
          .appendBuffer(rendered.body()).appendString("\n\n");
      frame = b;
      framed = rendered;
    }
    return frame;
  }

  private void heartbeat() {
    long now = clock.millis();
    for (Stream s : List.copyOf(open)) {
      if (s.stalled(now)) {
        s.drop(meters.droppedStalled);
      } else if (s.response.writeQueueFull()) {
        s.drop(meters.droppedSlow);
      } else {
        s.send(HEARTBEAT);
      }
    }
  }

  /** One client's stream; touched only on this event loop. */
  private final class Stream implements StatusSubscriptions.Subscriber {
    final HttpServerResponse response;
    /** One stream per connection (HTTP/1.1): closing it is how a slow reader is dropped. */
    final io.vertx.core.http.HttpConnection connection;
    long lastSent;
    StatusSubscriptions.Subscription subscription;
    boolean finished;
    /** Writes not yet taken by the socket, their bytes, and when one last was (or the first of them was made). */
    int unwritten;
    long unwrittenBytes;
    long movedAt;

    Stream(HttpServerResponse response, io.vertx.core.http.HttpConnection connection, long lastSeen) {
      this.response = response;
      this.connection = connection;
      this.lastSent = lastSeen;
    }

    @Override
    public void changed(CachedStatus entry) {
      if (finished) return;
      StatusView.Rendered rendered = view.render(entry, clock.millis());
      if (rendered.sequence() <= lastSent) return; // seen already (a resume, a repeated notice)
      if (response.writeQueueFull()) {
        drop(meters.droppedSlow);
        return;
      }
      lastSent = rendered.sequence();
      send(frameOf(rendered));
      meters.sent.increment();
      if (TERMINAL.contains(rendered.status())) {
        finish();
        response.end();
      }
    }

    /** Writes without waiting; what the socket has not taken yet is counted until it has (or the stream closed). */
    void send(Buffer data) {
      int bytes = data.length();
      if (unwritten++ == 0) movedAt = clock.millis();
      unwrittenBytes += bytes;
      meters.queued(bytes);
      response.write(data).onComplete(done -> {
        unwritten--;
        movedAt = clock.millis();
        if (finished) return; // given back at the end: a closed connection's pending writes may never complete
        unwrittenBytes -= bytes;
        meters.queued(-bytes);
      });
    }

    /** Something waits for the socket and nothing moved for the stall time: the client stopped reading. */
    boolean stalled(long now) {
      return unwritten > 0 && now - movedAt >= settings.stall().toMillis();
    }

    /** The client does not read: close rather than buffer; it reconnects and resumes. */
    void drop(Counter reason) {
      reason.increment();
      finish();
      connection.close();
    }

    void finish() {
      if (finished) return;
      finished = true;
      open.remove(this);
      if (subscription != null) subscription.cancel();
      meters.queued(-unwrittenBytes);
      unwrittenBytes = 0;
      meters.closed();
    }
  }
}
