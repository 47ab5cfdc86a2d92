package io.tollgate.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.eventbus.Addresses;
import io.tollgate.eventbus.Codecs;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The sending side alone: a stand-in consumer on the address shows what travels the bus. */
@ExtendWith(VertxExtension.class)
class EventBusRateLimiterTest {
  private final List<Object> received = new ArrayList<>();

  @BeforeEach
  void setUp(Vertx vertx) {
    Codecs.register(vertx, List.of(RateLimitRequest.class, RateLimitDecision.class, RateLimitBatch.class,
        RateLimitBatchReply.class));
  }

  /** Answers each request with remaining = its position in the message, so the order shows. */
  private void answerInOrder(Vertx vertx) {
    consume(vertx, message -> {
      if (message.body() instanceof RateLimitBatch batch) {
        List<RateLimitDecision> decisions = new ArrayList<>();
        for (int i = 0; i < batch.requests().size(); i++) decisions.add(decision(i));
        message.reply(new RateLimitBatchReply(decisions));
      } else {
        message.reply(decision(0));
      }
    });
  }

  private void consume(Vertx vertx, Consumer<Message<Object>> handler) {
    vertx.eventBus().<Object>consumer(Addresses.RATELIMIT_ACQUIRE, message -> {
      received.add(message.body());
      handler.accept(message);
    });
  }

  private static RateLimitDecision decision(int remaining) {
    return new RateLimitDecision(true, 0, 100, remaining, 1_000);
  }

  private static List<RateLimitBucket> bucket(String key) {
    return List.of(RateLimiterContract.hourly(key, 100));
  }

  /** {@code n} acquires within one turn of an event loop. */
  private static Future<List<RateLimitDecision>> inOneTurn(Vertx vertx, EventBusRateLimiter limiter, int n) {
    Promise<List<RateLimitDecision>> all = Promise.promise();
    vertx.runOnContext(v -> {
      List<Future<RateLimitDecision>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) futures.add(limiter.acquire(bucket("ip:" + i)));
      Future.all(futures).map(done -> futures.stream().map(Future::result).toList()).onComplete(all);
    });
    return all.future();
  }

  @Test
  void shouldSendTheRequestsOfOneEventLoopTurnAsOneMessage(Vertx vertx, VertxTestContext ctx) {
    answerInOrder(vertx);
    EventBusRateLimiter limiter = new EventBusRateLimiter(vertx.eventBus(), Duration.ofSeconds(5));
    inOneTurn(vertx, limiter, 5).onComplete(ctx.succeeding(decisions -> ctx.verify(() -> {
      assertThat(received).hasSize(1);
      assertThat(((RateLimitBatch) received.get(0)).requests())
          .extracting(r -> r.buckets().get(0).key()).containsExactly("ip:0", "ip:1", "ip:2", "ip:3", "ip:4");
      assertThat(decisions).extracting(RateLimitDecision::remaining).containsExactly(0, 1, 2, 3, 4);
      ctx.completeNow();
    })));
  }

  @Test
  void shouldSendAFullBatchAtOnceAndTheRestAtTheEndOfTheTurn(Vertx vertx, VertxTestContext ctx) {
    answerInOrder(vertx);
    EventBusRateLimiter limiter = new EventBusRateLimiter(vertx.eventBus(), Duration.ofSeconds(5), 2);
    inOneTurn(vertx, limiter, 5).onComplete(ctx.succeeding(decisions -> ctx.verify(() -> {
      assertThat(received).extracting(m -> ((RateLimitBatch) m).requests().size()).containsExactly(2, 2, 1);
      assertThat(decisions).extracting(RateLimitDecision::remaining).containsExactly(0, 1, 0, 1, 0);
      ctx.completeNow();
    })));
  }

  @Test
  void shouldSendEachRequestAloneOffTheEventLoop(Vertx vertx, VertxTestContext ctx) {
    answerInOrder(vertx);
    EventBusRateLimiter limiter = new EventBusRateLimiter(vertx.eventBus(), Duration.ofSeconds(5));
    Future.all(limiter.acquire(bucket("ip:a")), limiter.acquire(bucket("ip:b")))
        .onComplete(ctx.succeeding(done -> ctx.verify(() -> {
          assertThat(received).hasSize(2).allMatch(m -> m instanceof RateLimitRequest);
          ctx.completeNow();
        })));
  }

  @Test
  void shouldFailEveryRequestOfAFailedMessageAsUnavailable(Vertx vertx, VertxTestContext ctx) {
    consume(vertx, message -> message.fail(RateLimitVerticle.UNAVAILABLE, "redis down"));
    EventBusRateLimiter limiter = new EventBusRateLimiter(vertx.eventBus(), Duration.ofSeconds(5));
    List<Future<RateLimitDecision>> futures = new ArrayList<>();
    vertx.runOnContext(v -> {
      for (int i = 0; i < 3; i++) futures.add(limiter.acquire(bucket("ip:" + i)));
      Future.join(futures).onComplete(done -> ctx.verify(() -> {
        assertThat(received).hasSize(1);
        assertThat(futures).allSatisfy(f -> assertThat(f.cause())
            .isInstanceOf(RateLimiterUnavailableException.class).hasMessageContaining("redis down"));
        ctx.completeNow();
      }));
    });
  }

  @Test
  void shouldFailEveryRequestWhenTheReplyHasTheWrongNumberOfDecisions(Vertx vertx, VertxTestContext ctx) {
    consume(vertx, message -> message.reply(new RateLimitBatchReply(List.of(decision(0)))));
    EventBusRateLimiter limiter = new EventBusRateLimiter(vertx.eventBus(), Duration.ofSeconds(5));
    List<Future<RateLimitDecision>> futures = new ArrayList<>();
    vertx.runOnContext(v -> {
      for (int i = 0; i < 2; i++) futures.add(limiter.acquire(bucket("ip:" + i)));
      Future.join(futures).onComplete(done -> ctx.verify(() -> {
        assertThat(futures).allSatisfy(f -> assertThat(f.cause())
            .isInstanceOf(RateLimiterUnavailableException.class).hasMessageContaining("1 decisions for 2"));
        ctx.completeNow();
      }));
    });
  }

  @Test
  void shouldRefuseAnEmptyRequestWithoutSendingIt(Vertx vertx, VertxTestContext ctx) {
    answerInOrder(vertx);
    EventBusRateLimiter limiter = new EventBusRateLimiter(vertx.eventBus(), Duration.ofSeconds(5));
    vertx.runOnContext(v -> limiter.acquire(List.of()).onComplete(ctx.failing(err -> ctx.verify(() -> {
      assertThat(err).isInstanceOf(IllegalArgumentException.class);
      assertThat(received).isEmpty();
      ctx.completeNow();
    }))));
  }
}
