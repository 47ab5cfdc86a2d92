package io.tollgate.webhook;

import io.tollgate.webhook.DeliveryResult.Outcome;
import io.tollgate.webhook.EndpointUrlPolicy.ResolvedEndpoint;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Sends one signed delivery attempt: POST of the event body with the Standard Webhooks headers,
 * over Vert.x's non-blocking HTTP client. The URL is re-checked by {@link EndpointUrlPolicy} on
 * every attempt and the connection goes to the address that was checked, while the Host header
 * and TLS SNI/hostname verification use the URL's host.
 *
 * <p>The returned future never fails: every way an attempt can go wrong is a {@link
 * DeliveryResult} with {@link Outcome#RETRY}, so the outbox can always record the attempt.
 */
final class DeliveryClient {

  /**
   * @param timeout the whole attempt, connect to last response byte (Standard Webhooks: 15 s)
   * @param maxResponseBodyChars how much of the response body to keep for the delivery log
   */
  public record Options(Duration timeout, int maxResponseBodyChars, String userAgent) {
    public static Options defaults() {
      return new Options(Duration.ofSeconds(15), 1024, "Tollgate-Webhooks/1.0");
    }

    public Options withTimeout(Duration timeout) {
      return new Options(timeout, maxResponseBodyChars, userAgent);
    }
  }

  private final Vertx vertx;
  private final EndpointUrlPolicy policy;
  private final StandardWebhookSigner signer;
  private final Clock clock;
  private final Options options;
  private final HttpClient client;

  DeliveryClient(Vertx vertx, EndpointUrlPolicy policy, Clock clock, Options options) {
    this.vertx = Objects.requireNonNull(vertx);
    this.policy = Objects.requireNonNull(policy);
    this.clock = Objects.requireNonNull(clock);
    this.signer = new StandardWebhookSigner(clock);
    this.options = Objects.requireNonNull(options);
    this.client = vertx.createHttpClient(new HttpClientOptions()
        // SNI must carry the URL's host even though we connect to an IP address.
        .setForceSni(true)
        .setVerifyHost(true)
        // We only keep the start of the body: no compressed bodies to inflate.
        .setDecompressionSupported(false)
        .setMaxRedirects(0));
  }

  Future<DeliveryResult> deliver(DeliveryRequest request) {
    if (Vertx.currentContext() == null) {
      // Vert.x 5.0.10's HTTP client, asked from a thread of no Vert.x context, now and then never
      // answers (see chain.RpcEndpoint#exchange): such a caller's delivery is made from an event loop.
      io.vertx.core.Promise<DeliveryResult> delivered = io.vertx.core.Promise.promise();
      vertx.runOnContext(v -> deliver(request).onComplete(delivered));
      return delivered.future();
    }
    Instant attemptedAt = clock.instant();
    long started = System.nanoTime();
    return policy.check(request.url())
        .compose(endpoint -> send(endpoint, request, attemptedAt, started))
        .recover(e -> Future.succeededFuture(new DeliveryResult(Outcome.RETRY, attemptedAt, null,
            since(started), null, describe(e), null)));
  }

  Vertx vertx() {
    return vertx;
  }

  Future<Void> close() {
    return client.close();
  }

  private Future<DeliveryResult> send(
      ResolvedEndpoint endpoint, DeliveryRequest request, Instant attemptedAt, long started) {
    StandardWebhookHeaders signed = signer.sign(request.messageId(), request.body(), request.secrets());
    RequestOptions requestOptions = new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setServer(SocketAddress.inetSocketAddress(new InetSocketAddress(endpoint.address(), endpoint.port())))
        .setHost(endpoint.host())
        .setPort(endpoint.port())
        .setSsl(endpoint.ssl())
        .setURI(endpoint.requestUri())
        .setFollowRedirects(false)
        .setConnectTimeout(options.timeout().toMillis())
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.USER_AGENT, options.userAgent());
    signed.applyTo(requestOptions.getHeaders());

    Attempt attempt = new Attempt(attemptedAt, started);
    long timer = vertx.setTimer(options.timeout().toMillis(), id -> attempt.timedOut());
    client.request(requestOptions)
        .compose(httpRequest -> {
          attempt.request = httpRequest;
          return httpRequest.send(Buffer.buffer(request.body()));
        })
        .compose(response -> {
          attempt.onResponse(response);
          response.handler(attempt::onBody);
          return response.end();
        })
        .onComplete(done -> {
          vertx.cancelTimer(timer);
          if (done.succeeded()) {
            attempt.finish(null);
          } else {
            attempt.finish(describe(done.cause()));
          }
        });
    return attempt.result.future();
  }

  private static Duration since(long started) {
    return Duration.ofNanos(System.nanoTime() - started);
  }

  private static String describe(Throwable e) {
    if (e instanceof EndpointRefusedException refused) {
      return "url_refused: " + refused.getMessage();
    }
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  /**
   * Shared between the response callbacks and the timeout timer, which may run on different
   * threads; the first to complete {@link #result} wins.
   */
  private final class Attempt {
    final Promise<DeliveryResult> result = Promise.promise();
    final Instant attemptedAt;
    final long started;
    volatile HttpClientRequest request;
    private Integer status;
    private Duration retryAfter;
    private final StringBuilder body = new StringBuilder();

    Attempt(Instant attemptedAt, long started) {
      this.attemptedAt = attemptedAt;
      this.started = started;
    }

    synchronized void onResponse(HttpClientResponse response) {
      status = response.statusCode();
      retryAfter = RetrySchedule.parseRetryAfter(response.getHeader(HttpHeaders.RETRY_AFTER), clock.instant())
          .orElse(null);
    }

    synchronized void onBody(Buffer chunk) {
      int room = options.maxResponseBodyChars() - body.length();
      if (room > 0) {
        String text = chunk.toString(StandardCharsets.UTF_8);
        body.append(text, 0, Math.min(room, text.length()));
      }
    }

    void timedOut() {
      String error = "timeout: no complete response within " + options.timeout().toMillis() + " ms";
      if (finish(error)) {
        HttpClientRequest inFlight = request;
        if (inFlight != null) {
          inFlight.reset();
        }
      }
    }

    /** Completes the attempt once; a status already received still decides the outcome. */
    synchronized boolean finish(String failure) {
      if (result.future().isComplete()) {
        return false;
      }
      Outcome outcome;
      String error;
      if (status == null) {
        outcome = Outcome.RETRY;
        error = failure;
      } else if (status >= 200 && status < 300) {
        outcome = Outcome.SUCCESS;
        error = null;
      } else if (status == 410) {
        outcome = Outcome.GONE;
        error = "HTTP 410 Gone";
      } else {
        outcome = Outcome.RETRY;
        error = status >= 300 && status < 400 ? "HTTP " + status + " (redirects are not followed)" : "HTTP " + status;
      }
      if (status != null && failure != null && outcome != Outcome.SUCCESS) {
        error = error + "; " + failure;
      }
      String responseBody = status == null || body.length() == 0 ? null : body.toString();
      return result.tryComplete(new DeliveryResult(
          outcome, attemptedAt, status, since(started), responseBody, error, retryAfter));
    }
  }
}
