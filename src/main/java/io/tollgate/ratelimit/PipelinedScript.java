package io.tollgate.ratelimit;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * One Lua script run by {@code EVALSHA}: loaded once ({@code SCRIPT LOAD}), loaded again when Redis
 * answers {@code NOSCRIPT} (a restart or {@code SCRIPT FLUSH}), and sent pipelined on one shared
 * connection.
 *
 * <p>Why one pipelined connection: a pooled {@code send} holds a connection for a whole round
 * trip, so throughput was capped at pool size ÷ round-trip time, which under CPU contention (Redis
 * sharing the cores with the service) was the poll path's limit in the load test. When that
 * connection's queue of unanswered commands is full, or while it is being (re)opened after a
 * failure, calls go through the client's pool instead. Safe to use from any thread.
 */
final class PipelinedScript {
  private final Redis redis;
  private final String source;
  // The SHA of the loaded script, shared by concurrent callers while SCRIPT LOAD is in flight.
  private final AtomicReference<Future<String>> sha = new AtomicReference<>();
  // The pipelined connection, or null after it failed or closed (the next call opens another).
  private final AtomicReference<Future<RedisConnection>> shared = new AtomicReference<>();

  PipelinedScript(Redis redis, String source) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.source = Objects.requireNonNull(source, "source");
  }

  /**
   * Runs the script once.
   *
   * @param evalsha builds the {@code EVALSHA} request for the script's SHA; called again with the
   *     new SHA after a reload (the same SHA, since the text is the same, but never assume it)
   */
  Future<Response> call(Function<String, Request> evalsha) {
    Future<String> loaded = loadedSha();
    return loaded
        .compose(s -> send(evalsha.apply(s)))
        .recover(err -> {
          if (!isNoScript(err)) return Future.failedFuture(err);
          // Redis restarted or someone ran SCRIPT FLUSH: load again, once for all waiting callers.
          sha.compareAndSet(loaded, null);
          return loadedSha().compose(s -> send(evalsha.apply(s)));
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
      Future<String> current = sha.get();
      if (current != null && !current.failed()) return current;
      Promise<String> promise = Promise.promise();
      if (sha.compareAndSet(current, promise.future())) {
        redis.send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(source))
            .map(Response::toString)
            .onComplete(promise);
        return promise.future();
      }
    }
  }

  private static boolean isNoScript(Throwable err) {
    return err.getMessage() != null && err.getMessage().startsWith("NOSCRIPT");
  }
}
