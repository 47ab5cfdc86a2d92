package io.tollgate.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SCRIPT FLUSH empties the script cache of the whole server, which would pull the rug from under
 * anyone else's tests on the shared Redis, so this runs against a private {@code redis-server}.
 */
@ExtendWith(VertxExtension.class)
class RedisScriptReloadTest {
  private static Process server;
  private static int port;

  @BeforeAll
  static void startPrivateRedis() throws Exception {
    assumeTrue(onPath("redis-server"), "redis-server is not installed");
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    server = new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no")
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!listening(port)) {
      if (System.nanoTime() > deadline || !server.isAlive()) throw new IllegalStateException("redis-server did not start");
      Thread.sleep(20);
    }
  }

  @AfterAll
  static void stopPrivateRedis() throws InterruptedException {
    if (server != null) {
      server.destroy();
      server.waitFor();
    }
  }

  @Test
  void shouldReloadTheScriptAfterScriptFlush(Vertx vertx, VertxTestContext ctx) {
    Redis redis = RedisRateLimiterTest.client(vertx, "redis://127.0.0.1:" + port);
    RedisRateLimiter limiter = new RedisRateLimiter(redis, "reload:");
    List<RateLimitBucket> bucket = List.of(RateLimiterContract.hourly("ip:a", 5));
    limiter.acquire(bucket)
        .compose(d -> redis.send(Request.cmd(Command.SCRIPT).arg("FLUSH")))
        .compose(flushed -> limiter.acquire(bucket))
        .compose(second -> limiter.acquire(bucket).map(third -> List.of(second, third)))
        .eventually(redis::close)
        .onComplete(ctx.succeeding(d -> ctx.verify(() -> {
          assertThat(d.get(0).allowed()).isTrue();
          assertThat(d.get(0).remaining()).as("the bucket survived the flush").isEqualTo(3);
          assertThat(d.get(1).remaining()).isEqualTo(2);
          ctx.completeNow();
        })));
  }

  @Test
  void shouldReloadTheScriptForBatchesInFlightAfterScriptFlush(Vertx vertx, VertxTestContext ctx) {
    Redis redis = RedisRateLimiterTest.client(vertx, "redis://127.0.0.1:" + port);
    RedisRateLimiter limiter = new RedisRateLimiter(redis, "reload-batch:");
    RateLimitRequest a = RateLimiterContract.request(RateLimiterContract.hourly("ip:a", 5));
    RateLimitRequest b = RateLimiterContract.request(RateLimiterContract.hourly("ip:b", 5));
    limiter.acquireAll(List.of(a, a, b))
        .compose(d -> redis.send(Request.cmd(Command.SCRIPT).arg("FLUSH")))
        // Three batches sent at once all meet NOSCRIPT; each must be answered after one reload.
        .compose(flushed -> Future.all(limiter.acquireAll(List.of(a, b)), limiter.acquireAll(List.of(a)),
            limiter.acquireAll(List.of(b, b))))
        .eventually(redis::close)
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          List<List<RateLimitDecision>> batches = all.list();
          assertThat(batches.get(0)).extracting(RateLimitDecision::remaining).containsExactly(2, 3);
          assertThat(batches.get(1)).extracting(RateLimitDecision::remaining).containsExactly(1);
          assertThat(batches.get(2)).extracting(RateLimitDecision::remaining).containsExactly(2, 1);
          ctx.completeNow();
        })));
  }

  private static boolean onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (new File(dir, program).canExecute()) return true;
    }
    return false;
  }

  private static boolean listening(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
