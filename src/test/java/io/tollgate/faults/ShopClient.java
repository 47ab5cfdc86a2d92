package io.tollgate.faults;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * HTTP to Tollgate as shops and browsers use it, every answer counted in the current
 * {@link Tally}. Retries as a well-behaved client does: the same request again (same
 * {@code Idempotency-Key}, same transaction hash) after a 503, a 5xx or no answer, waiting
 * {@code Retry-After} or a second.
 */
final class ShopClient {
  record Answer(int status, String body, String retryAfter) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
  /** The instances behind the load balancer: requests take turns (round robin). */
  private volatile java.util.List<String> bases;
  private final java.util.concurrent.atomic.AtomicInteger turn = new java.util.concurrent.atomic.AtomicInteger();
  volatile Tally tally;
  /** Whether a fault is applied right now: polls and writes are then counted separately. */
  volatile BooleanSupplier faultActive = () -> false;

  ShopClient(String base) {
    this.bases = java.util.List.of(base);
  }

  /** Spreads the following requests over {@code instances} (the first stays the readiness probe's). */
  void balanceOver(java.util.List<String> instances) {
    bases = java.util.List.copyOf(instances);
  }

  Answer send(String method, String path, String apiKey, String clientSecret, String idempotencyKey, String body) {
    java.util.List<String> now = bases;
    int instance = Math.floorMod(turn.getAndIncrement(), now.size());
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(now.get(instance) + path)).timeout(Duration.ofSeconds(20))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) b.header("Content-Type", "application/json");
    if (apiKey != null) b.header("Authorization", "Bearer " + apiKey);
    if (clientSecret != null) b.header("X-Client-Secret", clientSecret);
    if (idempotencyKey != null) b.header("Idempotency-Key", idempotencyKey);
    Tally t = tally;
    boolean poll = path.endsWith("/status");
    boolean write = !"GET".equals(method);
    boolean duringFault = faultActive.getAsBoolean();
    t.requests.incrementAndGet();
    Answer answer;
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      answer = new Answer(r.statusCode(), r.body(), r.headers().firstValue("Retry-After").orElse(null));
    } catch (IOException e) {
      t.noAnswer.incrementAndGet();
      answer = new Answer(-1, e.toString(), null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(-1, "interrupted", null);
    }
    if (answer.status() == 503) {
      t.status503.incrementAndGet();
      if (answer.retryAfter() == null) t.status503WithoutRetryAfter.incrementAndGet();
    } else if (answer.status() >= 500) {
      t.status5xx.incrementAndGet();
      if (t.samples5xx.size() < 3) {
        t.samples5xx.add(method + " " + path + " " + answer.status() + " " + answer.body().substring(0, Math.min(160, answer.body().length())));
      }
    } else if (answer.status() == 429) {
      t.status429.incrementAndGet();
    }
    if (duringFault && poll) {
      t.pollsDuringFault.incrementAndGet();
      if (answer.status() == 200) t.polls200DuringFault.incrementAndGet();
      if (instance == 1) {
        t.pollsSecondDuringFault.incrementAndGet();
        if (answer.status() == 200) t.polls200SecondDuringFault.incrementAndGet();
      }
    }
    if (duringFault && write) {
      t.writesDuringFault.incrementAndGet();
      if (answer.status() == 503) t.writes503DuringFault.incrementAndGet();
    }
    return answer;
  }

  /** The request again while it earns a 503, another 5xx, a 429 or no answer, up to {@code patience}. */
  Answer retrying(Duration patience, java.util.function.Supplier<Answer> request) {
    long deadline = System.nanoTime() + patience.toNanos();
    Answer a = request.get();
    while ((a.status() < 0 || a.status() >= 500 || a.status() == 429) && System.nanoTime() < deadline) {
      long wait = 1000;
      if (a.retryAfter() != null) {
        try {
          wait = Math.min(5000, Long.parseLong(a.retryAfter()) * 1000);
        } catch (NumberFormatException ignored) {
          // an HTTP-date: a second will do
        }
      }
      Deployment.sleep(wait);
      a = request.get();
    }
    return a;
  }

  boolean ready() {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(bases.get(0) + "/health/ready"))
          .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
