package io.tollgate.ratelimit;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@link Gcra} in Redis, shared by every Tollgate instance: one Lua script per decision covers all
 * buckets of the request, so the all-or-nothing charge is atomic, and it reads the clock with
 * {@code TIME} so instances with skewed clocks still agree. Each key is {@code keyPrefix + bucket
 * key} and expires when its bucket has refilled, so idle clients cost no memory.
 *
 * <p>Needs Redis 5 or later (scripts that read {@code TIME} before writing rely on effect
 * replication). All keys of one request go into one script, so on Redis Cluster they must share a
 * hash slot. The {@link Redis} client is the caller's to create and close.
 *
 * <p>Decisions are pipelined on one connection taken from the client: a pooled {@code send} holds
 * a connection for a whole round trip, so throughput was capped at pool size ÷ round-trip time,
 * which under CPU contention (Redis sharing the cores with the service) was the poll path's limit
 * in the load test. When that connection's queue of unanswered commands is full, or while it is
 * being (re)opened after a failure, commands go through the pool as before.
 */
public final class RedisRateLimiter implements RateLimiter {

  // The transcription of Gcra.check; keep the two in step.
  static final String SCRIPT = """
      -- KEYS[i]: bucket i; ARGV[2i-1]: its limit; ARGV[2i]: its period in microseconds.
      -- Returns three integers per bucket: retry-after us (0 = allowed), remaining, reset us.
      local time = redis.call('TIME')
      local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
      local result = {}
      local pending = {}
      local allowed = true
      for i, key in ipairs(KEYS) do
        local limit = tonumber(ARGV[2 * i - 1])
        local interval = math.floor(tonumber(ARGV[2 * i]) / limit)
        local capacity = interval * limit
        -- a key named twice is charged twice: later buckets see earlier charges
        local tat = pending[key] or tonumber(redis.call('GET', key)) or now
        if tat < now then tat = now end
        local new_tat = tat + interval
        local allow_at = new_tat - capacity
        if now < allow_at then
          allowed = false
          result[3 * i - 2] = allow_at - now
          result[3 * i - 1] = 0
          result[3 * i] = tat - now
        else
          pending[key] = new_tat
          result[3 * i - 2] = 0
          result[3 * i - 1] = math.floor((capacity - (new_tat - now)) / interval)
          result[3 * i] = new_tat - now
        end
      end
      if allowed then
        for key, tat in pairs(pending) do
          redis.call('SET', key, string.format('%d', tat), 'PX', math.ceil((tat - now) / 1000))
        end
      end
      return result
      """;

  private final Redis redis;
  private final String keyPrefix;
  // The SHA of the loaded script, shared by concurrent callers while SCRIPT LOAD is in flight.
  private final AtomicReference<Future<String>> scriptSha = new AtomicReference<>();
  // The pipelined connection, or null after it failed or closed (the next command opens another).
  private final AtomicReference<Future<RedisConnection>> shared = new AtomicReference<>();

  /**
   * @param redis a client the caller owns (pooled, standalone or sentinel)
   * @param keyPrefix put before every bucket key, e.g. {@code "tollgate:rl:"}
   */
  public RedisRateLimiter(Redis redis, String keyPrefix) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix");
  }

  @Override
  public Future<RateLimitDecision> acquire(List<RateLimitBucket> buckets) {
    try {
      Gcra.validate(buckets);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    return evaluate(buckets)
        .map(response -> decision(buckets, response))
        .recover(err -> Future.failedFuture(
            new RateLimiterUnavailableException("Redis gave no rate-limit decision: " + err.getMessage(), err)));
  }

  private Future<Response> evaluate(List<RateLimitBucket> buckets) {
    Future<String> loaded = loadedSha();
    return loaded
        .compose(sha -> send(evalsha(sha, buckets)))
        .recover(err -> {
          if (!isNoScript(err)) return Future.failedFuture(err);
          // Redis restarted or someone ran SCRIPT FLUSH: load again, once for all waiting callers.
          scriptSha.compareAndSet(loaded, null);
          return loadedSha().compose(sha -> send(evalsha(sha, buckets)));
        });
  }

  private Future<Response> send(Request request) {
    Future<RedisConnection> connection = connection();
    if (!connection.succeeded() || connection.result().pendingQueueFull()) return redis.send(request);
    return connection.result().send(request);
  }

  /** The shared connection if it is open; else starts opening one and answers the pending future. */
  private Future<RedisConnection> connection() {
    while (true) {
      Future<RedisConnection> current = shared.get();
      if (current != null && !current.failed()) return current;
      Promise<RedisConnection> promise = Promise.promise();
      if (shared.compareAndSet(current, promise.future())) {
        redis.connect().onComplete(ar -> {
          if (ar.succeeded()) {
            RedisConnection c = ar.result();
            c.exceptionHandler(err -> shared.compareAndSet(promise.future(), null));
            c.endHandler(end -> shared.compareAndSet(promise.future(), null));
          }
          promise.handle(ar);
        });
        return promise.future();
      }
    }
  }

  private Future<String> loadedSha() {
    while (true) {
      Future<String> current = scriptSha.get();
      if (current != null && !current.failed()) return current;
      Promise<String> promise = Promise.promise();
      if (scriptSha.compareAndSet(current, promise.future())) {
        redis.send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(SCRIPT))
            .map(Response::toString)
            .onComplete(promise);
        return promise.future();
      }
    }
  }

  private Request evalsha(String sha, List<RateLimitBucket> buckets) {
    Request request = Request.cmd(Command.EVALSHA).arg(sha).arg(buckets.size());
    buckets.forEach(b -> request.arg(keyPrefix + b.key()));
    buckets.forEach(b -> request.arg(b.limit()).arg(Gcra.periodMicros(b)));
    return request;
  }

  private static boolean isNoScript(Throwable err) {
    return err.getMessage() != null && err.getMessage().startsWith("NOSCRIPT");
  }

  private static RateLimitDecision decision(List<RateLimitBucket> buckets, Response response) {
    if (response == null || response.size() != 3 * buckets.size()) {
      throw new IllegalStateException("unexpected script reply: " + response);
    }
    List<Gcra.Outcome> outcomes = new ArrayList<>(buckets.size());
    for (int i = 0; i < buckets.size(); i++) {
      outcomes.add(new Gcra.Outcome(
          buckets.get(i).limit(),
          response.get(3 * i).toLong(),
          response.get(3 * i + 1).toInteger(),
          response.get(3 * i + 2).toLong(),
          0));
    }
    return Gcra.decide(outcomes);
  }
}
