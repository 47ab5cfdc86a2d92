package io.tollgate.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.eventbus.Addresses;
import io.tollgate.eventbus.Codecs;
import io.tollgate.testing.TestRedis;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.redis.client.Redis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class RateLimitVerticleTest {
  private static final List<RateLimitBucket> ONE_PER_HOUR = List.of(RateLimiterContract.hourly("ip:a", 1));
  // Long enough that a test passing on it would mean the verticle never answered.
  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(10);

  private EventBusRateLimiter client;

  @BeforeEach
  void setUp(Vertx vertx) {
    Codecs.register(vertx, List.of(RateLimitRequest.class, RateLimitDecision.class, RateLimitBatch.class,
        RateLimitBatchReply.class));
    client = new EventBusRateLimiter(vertx.eventBus(), CLIENT_TIMEOUT);
  }

  private static Future<String> deploy(Vertx vertx, RateLimiter limiter) {
    return deploy(vertx, limiter, Duration.ofMillis(200));
  }

  // Redis needs longer: a cold client connects twice and loads the script, >100 ms on a busy machine.
  private static Future<String> deploy(Vertx vertx, RateLimiter limiter, Duration decisionTimeout) {
    return vertx.deployVerticle(() -> new RateLimitVerticle(limiter, decisionTimeout), new DeploymentOptions());
  }

  @Test
  void shouldAnswerDecisionsOverTheBus(Vertx vertx, VertxTestContext ctx) {
    deploy(vertx, new InMemoryRateLimiter())
        .compose(id -> client.acquire(ONE_PER_HOUR))
        .compose(first -> client.acquire(ONE_PER_HOUR).map(second -> List.of(first, second)))
        .onComplete(ctx.succeeding(d -> ctx.verify(() -> {
          assertThat(d.get(0).allowed()).isTrue();
          assertThat(d.get(1).allowed()).isFalse();
          assertThat(d.get(1).retryAfterMillis()).isGreaterThan(3_500_000L);
          ctx.completeNow();
        })));
  }

  @Test
  void shouldAnswerFromRedisOverTheBus(Vertx vertx, VertxTestContext ctx) {
    Redis redis = RedisRateLimiterTest.client(vertx, TestRedis.url());
    deploy(vertx, new RedisRateLimiter(redis, TestRedis.uniquePrefix()), Duration.ofSeconds(5))
        .compose(id -> client.acquire(List.of(RateLimiterContract.hourly("ip:a", 3))))
        .eventually(redis::close)
        .onComplete(ctx.succeeding(d -> ctx.verify(() -> {
          assertThat(d).isEqualTo(new RateLimitDecision(true, 0, 3, 2, 1_200_000L));
          ctx.completeNow();
        })));
  }

  @Test
  void shouldFailAMalformedMessageAsInvalid(Vertx vertx, VertxTestContext ctx) {
    deploy(vertx, new InMemoryRateLimiter())
        .compose(id -> vertx.eventBus().request(Addresses.RATELIMIT_ACQUIRE, "not a request"))
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          assertThat(err).isInstanceOfSatisfying(ReplyException.class, reply -> {
            assertThat(reply.failureType()).isEqualTo(ReplyFailure.RECIPIENT_FAILURE);
            assertThat(reply.failureCode()).isEqualTo(RateLimitVerticle.INVALID_REQUEST);
          });
          ctx.completeNow();
        })));
  }

  @Test
  void shouldReportAnEmptyRequestSentRawAsIllegalArgument(Vertx vertx, VertxTestContext ctx) {
    deploy(vertx, new InMemoryRateLimiter())
        .compose(id -> vertx.eventBus().request(Addresses.RATELIMIT_ACQUIRE, new RateLimitRequest(List.of())))
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          assertThat(((ReplyException) err).failureCode()).isEqualTo(RateLimitVerticle.INVALID_REQUEST);
          ctx.completeNow();
        })));
  }

  @Test
  void shouldFailAsUnavailableWhenTheLimiterFails(Vertx vertx, VertxTestContext ctx) {
    RateLimiter broken = buckets -> Future.failedFuture(new RateLimiterUnavailableException("redis down", null));
    deploy(vertx, broken)
        .compose(id -> client.acquire(ONE_PER_HOUR))
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          assertThat(err).isInstanceOf(RateLimiterUnavailableException.class).hasMessageContaining("redis down");
          ctx.completeNow();
        })));
  }

  @Test
  void shouldFailAsUnavailableWhenTheLimiterThrows(Vertx vertx, VertxTestContext ctx) {
    RateLimiter throwing = buckets -> {
      throw new IllegalStateException("bug");
    };
    deploy(vertx, throwing)
        .compose(id -> vertx.eventBus().request(Addresses.RATELIMIT_ACQUIRE, new RateLimitRequest(ONE_PER_HOUR)))
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          assertThat(((ReplyException) err).failureType()).isEqualTo(ReplyFailure.RECIPIENT_FAILURE);
          assertThat(((ReplyException) err).failureCode()).isEqualTo(RateLimitVerticle.UNAVAILABLE);
          ctx.completeNow();
        })));
  }

  @Test
  void shouldAnswerWithinTheDecisionTimeoutWhenTheLimiterHangs(Vertx vertx, VertxTestContext ctx) {
    RateLimiter hanging = buckets -> Promise.<RateLimitDecision>promise().future();
    deploy(vertx, hanging)
        .compose(id -> vertx.eventBus().request(Addresses.RATELIMIT_ACQUIRE, new RateLimitRequest(ONE_PER_HOUR),
            new DeliveryOptions().setSendTimeout(CLIENT_TIMEOUT.toMillis())))
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          // RECIPIENT_FAILURE, not TIMEOUT: the verticle answered rather than leaving us to time out.
          assertThat(((ReplyException) err).failureType()).isEqualTo(ReplyFailure.RECIPIENT_FAILURE);
          assertThat(((ReplyException) err).failureCode()).isEqualTo(RateLimitVerticle.UNAVAILABLE);
          ctx.completeNow();
        })));
  }

  @Test
  void shouldFailAsUnavailableWhenNoVerticleListens(Vertx vertx, VertxTestContext ctx) {
    client.acquire(ONE_PER_HOUR)
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          assertThat(err).isInstanceOf(RateLimiterUnavailableException.class);
          assertThat(err.getCause()).isInstanceOfSatisfying(ReplyException.class,
              reply -> assertThat(reply.failureType()).isEqualTo(ReplyFailure.NO_HANDLERS));
          ctx.completeNow();
        })));
  }

  @Test
  void shouldRefuseABadRequestBeforeSendingIt(Vertx vertx, VertxTestContext ctx) {
    client.acquire(List.of())
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          assertThat(err).isInstanceOf(IllegalArgumentException.class);
          ctx.completeNow();
        })));
  }

  // ---- batching ----

  @Test
  void shouldAnswerABatchMessageWithOneDecisionPerRequestInOrder(Vertx vertx, VertxTestContext ctx) {
    RateLimitRequest one = RateLimiterContract.request(RateLimiterContract.hourly("ip:a", 1));
    RateLimitRequest other = RateLimiterContract.request(RateLimiterContract.hourly("ip:b", 4));
    deploy(vertx, new InMemoryRateLimiter())
        .compose(id -> vertx.eventBus().<RateLimitBatchReply>request(Addresses.RATELIMIT_ACQUIRE,
            new RateLimitBatch(List.of(one, other, one))))
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertThat(reply.body().decisions()).extracting(RateLimitDecision::allowed).containsExactly(true, true, false);
          assertThat(reply.body().decisions()).extracting(RateLimitDecision::limit).containsExactly(1, 4, 1);
          ctx.completeNow();
        })));
  }

  @Test
  void shouldRefuseABatchMessageWithAnEmptyRequestAsInvalid(Vertx vertx, VertxTestContext ctx) {
    deploy(vertx, new InMemoryRateLimiter())
        .compose(id -> vertx.eventBus().request(Addresses.RATELIMIT_ACQUIRE,
            new RateLimitBatch(List.of(new RateLimitRequest(ONE_PER_HOUR), new RateLimitRequest(List.of())))))
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          assertThat(((ReplyException) err).failureCode()).isEqualTo(RateLimitVerticle.INVALID_REQUEST);
          ctx.completeNow();
        })));
  }

  /** Counts batches; its first batch blocks the verticle's event loop until released. */
  private static final class BlockingFirstBatch implements RateLimiter {
    final RateLimiter delegate;
    final List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    BlockingFirstBatch(RateLimiter delegate) {
      this.delegate = delegate;
    }

    @Override
    public Future<RateLimitDecision> acquire(List<RateLimitBucket> buckets) {
      throw new AssertionError("the verticle must call acquireAll");
    }

    @Override
    public Future<List<RateLimitDecision>> acquireAll(List<RateLimitRequest> requests) {
      batchSizes.add(requests.size());
      if (batchSizes.size() == 1) {
        entered.countDown();
        try {
          release.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return delegate.acquireAll(requests);
    }
  }

  /** Sends one request, then {@code more} while the verticle is busy with the first. */
  private List<Future<RateLimitDecision>> burst(BlockingFirstBatch limiter, int more) throws InterruptedException {
    List<Future<RateLimitDecision>> all = new ArrayList<>();
    all.add(client.acquire(ONE_PER_HOUR));
    assertThat(limiter.entered.await(5, TimeUnit.SECONDS)).isTrue();
    for (int i = 0; i < more; i++) all.add(client.acquire(List.of(RateLimiterContract.hourly("ip:" + i, 3))));
    Thread.sleep(200); // the sends reach the verticle's queue while it is blocked
    limiter.release.countDown();
    return all;
  }

  @Test
  void shouldDecideTheRequestsThatQueuedUpMeanwhileInOneBatch(Vertx vertx, VertxTestContext ctx) throws Exception {
    BlockingFirstBatch limiter = new BlockingFirstBatch(new InMemoryRateLimiter());
    deploy(vertx, limiter).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    List<Future<RateLimitDecision>> all = burst(limiter, 50);
    Future.all(all).onComplete(ctx.succeeding(done -> ctx.verify(() -> {
      assertThat(all).extracting(f -> f.result().remaining()).containsOnly(0, 2);
      assertThat(limiter.batchSizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(51);
      assertThat(limiter.batchSizes.size()).as("batches for 51 requests: %s", limiter.batchSizes).isLessThanOrEqualTo(4);
      ctx.completeNow();
    })));
  }

  @Test
  void shouldSendNoMoreThanMaxBatchPerCall(Vertx vertx, VertxTestContext ctx) throws Exception {
    BlockingFirstBatch limiter = new BlockingFirstBatch(new InMemoryRateLimiter());
    vertx.deployVerticle(() -> new RateLimitVerticle(limiter, Duration.ofSeconds(5), 8), new DeploymentOptions())
        .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    List<Future<RateLimitDecision>> all = burst(limiter, 30);
    Future.all(all).onComplete(ctx.succeeding(done -> ctx.verify(() -> {
      assertThat(limiter.batchSizes).allMatch(size -> size <= 8);
      assertThat(limiter.batchSizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(31);
      assertThat(limiter.batchSizes).as("full batches were sent: %s", limiter.batchSizes).contains(8);
      ctx.completeNow();
    })));
  }

  @Test
  void shouldFailEveryRequestOfABatchWhenTheLimiterFails(Vertx vertx, VertxTestContext ctx) throws Exception {
    BlockingFirstBatch limiter = new BlockingFirstBatch(
        buckets -> Future.failedFuture(new RateLimiterUnavailableException("redis down", null)));
    deploy(vertx, limiter).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    List<Future<RateLimitDecision>> all = burst(limiter, 10);
    Future.join(all).onComplete(done -> ctx.verify(() -> {
      assertThat(all).allSatisfy(f -> assertThat(f.cause())
          .isInstanceOf(RateLimiterUnavailableException.class).hasMessageContaining("redis down"));
      ctx.completeNow();
    }));
  }

  @Test
  void shouldRefuseAMalformedRequestAloneAndDecideTheRestOfItsTurn(Vertx vertx, VertxTestContext ctx) throws Exception {
    BlockingFirstBatch limiter = new BlockingFirstBatch(new InMemoryRateLimiter());
    deploy(vertx, limiter).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    Future<RateLimitDecision> first = client.acquire(ONE_PER_HOUR);
    assertThat(limiter.entered.await(5, TimeUnit.SECONDS)).isTrue();
    Future<Object> malformed = vertx.eventBus().request(Addresses.RATELIMIT_ACQUIRE, new RateLimitRequest(List.of()))
        .map(m -> m.body());
    Future<RateLimitDecision> valid = client.acquire(List.of(RateLimiterContract.hourly("ip:b", 3)));
    Thread.sleep(200);
    limiter.release.countDown();
    Future.join(first, malformed, valid).onComplete(done -> ctx.verify(() -> {
      assertThat(((ReplyException) malformed.cause()).failureCode()).isEqualTo(RateLimitVerticle.INVALID_REQUEST);
      assertThat(valid.result().allowed()).isTrue();
      assertThat(limiter.batchSizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(2);
      ctx.completeNow();
    }));
  }

  @Test
  void shouldBatchRedisDecisionsOverTheBus(Vertx vertx, VertxTestContext ctx) throws Exception {
    Redis redis = RedisRateLimiterTest.client(vertx, TestRedis.url());
    BlockingFirstBatch limiter = new BlockingFirstBatch(new RedisRateLimiter(redis, TestRedis.uniquePrefix()));
    deploy(vertx, limiter, Duration.ofSeconds(5)).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    List<Future<RateLimitDecision>> all = burst(limiter, 20);
    Future.all(all).eventually(redis::close).onComplete(ctx.succeeding(done -> ctx.verify(() -> {
      assertThat(all.get(0).result()).isEqualTo(new RateLimitDecision(true, 0, 1, 0, 3_600_000L));
      assertThat(all.subList(1, all.size())).allSatisfy(f -> assertThat(f.result()).isEqualTo(new RateLimitDecision(true, 0, 3, 2, 1_200_000L)));
      assertThat(limiter.batchSizes.size()).isLessThanOrEqualTo(4);
      ctx.completeNow();
    })));
  }
}
