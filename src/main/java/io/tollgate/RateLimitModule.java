package io.tollgate;

import io.tollgate.ratelimit.EventBusRateLimiter;
import io.tollgate.ratelimit.FallbackRateLimiter;
import io.tollgate.ratelimit.InMemoryRateLimiter;
import io.tollgate.ratelimit.RateLimitVerticle;
import io.tollgate.ratelimit.RateLimiter;
import io.tollgate.ratelimit.RedisRateLimiter;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rate limiting: one verticle takes the decisions (in Redis, shared by every instance; in this
 * process when no Redis is configured, or while Redis does not answer); HTTP verticles ask it over
 * the event bus, the decisions of one event-loop turn as one message and one script call.
 */
final class RateLimitModule {
  private static final Logger LOG = LoggerFactory.getLogger(RateLimitModule.class);

  private final Foundation f;
  private final RateLimiter backend;
  private final Map<String, Supplier<Future<?>>> readiness;
  private final int batch;

  private RateLimitModule(Foundation f, RateLimiter backend, Map<String, Supplier<Future<?>>> readiness, int batch) {
    this.f = f;
    this.backend = backend;
    this.readiness = readiness;
    this.batch = batch;
  }

  static RateLimitModule create(Foundation f) {
    int batch = f.settings().integer("ratelimit.max-batch", RateLimitVerticle.DEFAULT_MAX_BATCH);
    String url = f.settings().optional("redis.url");
    if (url == null) {
      LOG.warn("redis.url is not set: rate limits are kept in this process only (fine for one instance)");
      return new RateLimitModule(f, new InMemoryRateLimiter(), Map.of(), batch);
    }
    RedisOptions options = new RedisOptions().setConnectionString(url)
        .setMaxPoolSize(f.settings().integer("redis.pool-size", 16)).setMaxPoolWaiting(10_000);
    // A Redis that accepts connections and never answers would hold them, and every command sent
    // on them, for ever: a connection that has read nothing for this long is closed (and reopened
    // on demand), so the limiter finds Redis again once it answers.
    options.getNetClientOptions().setReadIdleTimeout(f.settings().integer("redis.read-idle-timeout-seconds", 10))
        .setIdleTimeoutUnit(java.util.concurrent.TimeUnit.SECONDS);
    Redis redis = Redis.createClient(f.vertx(), options);
    RateLimiter shared = new RedisRateLimiter(redis, f.settings().string("redis.key-prefix", "tollgate:rl:"),
        f.settings().integer("ratelimit.deny-cache-size", RedisRateLimiter.DEFAULT_DENY_CACHE_SIZE));
    // A Redis outage must not take the buyer side down: limits are kept per instance meanwhile.
    // A hanging Redis counts as down after ratelimit.redis-timeout-ms, not after the decision timeout.
    RateLimiter backend = new FallbackRateLimiter(shared, new InMemoryRateLimiter(),
        Duration.ofMillis(f.settings().longValue("ratelimit.redis-retry-ms", 5000)),
        Duration.ofMillis(f.settings().longValue("ratelimit.redis-timeout-ms", 300)),
        (delay, task) -> {
          long id = f.vertx().setTimer(delay, t -> task.run());
          return () -> f.vertx().cancelTimer(id);
        }, System::nanoTime);
    FallbackRateLimiter fallback = (FallbackRateLimiter) backend;
    return new RateLimitModule(f, backend, Map.of("redis", () -> redis.send(Request.cmd(Command.PING)),
        // a detail, never not-ready: whether this instance's limits are the shared ones right now
        "ratelimit", () -> fallback.degraded()
            ? Future.failedFuture("kept per instance: Redis gave no answer in time") : Future.succeededFuture()), batch);
  }

  /** 1 while decisions are this instance's own because Redis does not answer. */
  void registerMetrics(io.micrometer.core.instrument.MeterRegistry registry) {
    if (backend instanceof FallbackRateLimiter fallback) {
      io.micrometer.core.instrument.Gauge.builder("tollgate.ratelimit.degraded", fallback, l -> l.degraded() ? 1 : 0)
          .description("1 while Redis does not answer and rate limits are kept per instance").register(registry);
      io.micrometer.core.instrument.FunctionCounter.builder("tollgate.ratelimit.fallback.decisions", fallback,
              l -> (double) l.fallbacks())
          .description("Rate-limit calls decided by this instance because Redis did not answer in time").register(registry);
    }
  }

  /** What an HTTP verticle asks for its decisions. */
  RateLimiter client() {
    return new EventBusRateLimiter(f.vertx().eventBus(), Duration.ofSeconds(3), batch);
  }

  Module module() {
    return new Module(List.of(() -> f.vertx().deployVerticle(new RateLimitVerticle(backend, Duration.ofSeconds(2), batch))),
        readiness);
  }
}
