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
import java.util.List;
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
    Codecs.register(vertx, List.of(RateLimitRequest.class, RateLimitDecision.class));
    client = new EventBusRateLimiter(vertx.eventBus(), CLIENT_TIMEOUT);
  }

  private static Future<String> deploy(Vertx vertx, RateLimiter limiter) {
    return vertx.deployVerticle(() -> new RateLimitVerticle(limiter, Duration.ofMillis(200)), new DeploymentOptions());
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
    deploy(vertx, new RedisRateLimiter(redis, TestRedis.uniquePrefix()))
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
}
