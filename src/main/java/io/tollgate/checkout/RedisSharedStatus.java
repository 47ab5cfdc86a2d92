package io.tollgate.checkout;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SharedStatus} in Redis: one hash per checkout ({@code <prefix>status:<id>}: the snapshot's
 * version and JSON), kept until an hour after the checkout's expiry (as long as a status cache keeps
 * it). Writes are gathered for a few milliseconds and sent as one script call, which keeps a
 * version only if it is newer than the one held, so every instance may write what its status
 * notifications bring without an older copy ever replacing a newer one. Reads are bounded by
 * {@code timeout}: a hanging Redis turns a poll of an outage into a 503, not a hang. Thread-safe.
 */
public final class RedisSharedStatus implements SharedStatus {
  private static final Logger LOG = LoggerFactory.getLogger(RedisSharedStatus.class);
  /** KEYS: the checkouts' hashes; ARGV: per key version, document, time to live in ms. */
  static final String KEEP_NEWER = """
      for i, key in ipairs(KEYS) do
        local version = tonumber(ARGV[3 * i - 2])
        local held = tonumber(redis.call('HGET', key, 'v') or '-1')
        if version >= held then
          redis.call('HSET', key, 'v', version, 'doc', ARGV[3 * i - 1])
          redis.call('PEXPIRE', key, ARGV[3 * i])
        end
      end
      return #KEYS""";
  static final Duration KEEP_AFTER_EXPIRY = Duration.ofHours(1);
  private static final int MAX_PER_CALL = 256;
  private static final long GATHER_MS = 5;

  private final Vertx vertx;
  private final Redis redis;
  private final String prefix;
  private final Clock clock;
  private final Duration timeout;
  /** Snapshots waiting to be written, the newest per checkout. Guarded by {@code this}. */
  private final Map<UUID, Pending> pending = new LinkedHashMap<>();
  private boolean flushScheduled;
  private volatile long lastWarning;

  private record Pending(CheckoutStatus status, String document) {}

  public RedisSharedStatus(Vertx vertx, Redis redis, String prefix, Clock clock, Duration timeout) {
    this.vertx = vertx;
    this.redis = redis;
    this.prefix = prefix + "status:";
    this.clock = clock;
    this.timeout = timeout;
  }

  @Override
  public void publish(CheckoutStatus status, String document) {
    synchronized (this) {
      Pending held = pending.get(status.id());
      if (held == null || held.status().version() <= status.version()) pending.put(status.id(), new Pending(status, document));
      if (flushScheduled) return;
      flushScheduled = true;
    }
    vertx.setTimer(GATHER_MS, t -> flush());
  }

  private void flush() {
    List<Pending> batch;
    synchronized (this) {
      batch = new ArrayList<>(pending.values());
      pending.clear();
      flushScheduled = false;
    }
    for (int from = 0; from < batch.size(); from += MAX_PER_CALL) {
      write(batch.subList(from, Math.min(batch.size(), from + MAX_PER_CALL)));
    }
  }

  private void write(List<Pending> batch) {
    Request eval = Request.cmd(Command.EVAL).arg(KEEP_NEWER).arg(batch.size());
    for (Pending p : batch) eval.arg(prefix + p.status().id());
    long now = clock.millis();
    for (Pending p : batch) {
      long ttl = Math.max(p.status().expiresAtMillis() - now, 0) + KEEP_AFTER_EXPIRY.toMillis();
      eval.arg(p.status().version()).arg(p.document()).arg(ttl);
    }
    bounded(redis.send(eval)).onFailure(e -> {
      long at = System.nanoTime();
      // at most one line a minute: an outage of Redis would otherwise write one per batch
      if (at - lastWarning > 60_000_000_000L || lastWarning == 0) {
        lastWarning = at;
        LOG.warn("shared status copy not written for {} checkouts (polls of a PostgreSQL outage may answer them older "
            + "or 503): {}", batch.size(), e.toString());
      }
    });
  }

  @Override
  public Future<CheckoutStatus> read(UUID checkoutId) {
    return bounded(redis.send(Request.cmd(Command.HGET).arg(prefix + checkoutId).arg("doc")))
        .map(answer -> answer == null ? null : CheckoutStatus.fromJson(new JsonObject(answer.toString())));
  }

  private Future<Response> bounded(Future<Response> sent) {
    Promise<Response> promise = Promise.promise();
    long timer = vertx.setTimer(Math.max(1, timeout.toMillis()),
        t -> promise.tryFail(new IllegalStateException("Redis gave no answer within " + timeout.toMillis() + " ms")));
    sent.onComplete(done -> {
      vertx.cancelTimer(timer);
      if (done.succeeded()) {
        promise.tryComplete(done.result());
      } else {
        promise.tryFail(done.cause());
      }
    });
    return promise.future();
  }
}
