package io.tollgate.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import org.junit.jupiter.api.Test;

/** Driven by hand: the "event loop" is a queue of tasks the test runs, the timer a list it fires. */
class DecisionBatcherTest {
  private final Queue<Runnable> loop = new ArrayDeque<>();
  private final List<Runnable> timers = new ArrayList<>();
  private final List<Long> timerDelays = new ArrayList<>();
  private int cancelled;
  private final List<List<RateLimitRequest>> calls = new ArrayList<>();
  private final List<Promise<List<RateLimitDecision>>> answers = new ArrayList<>();

  /** Records each batch and leaves its answer to the test. */
  private final RateLimiter recording = new RateLimiter() {
    @Override
    public Future<RateLimitDecision> acquire(List<RateLimitBucket> buckets) {
      throw new AssertionError("the batcher must call acquireAll");
    }

    @Override
    public Future<List<RateLimitDecision>> acquireAll(List<RateLimitRequest> requests) {
      calls.add(requests);
      Promise<List<RateLimitDecision>> answer = Promise.promise();
      answers.add(answer);
      return answer.future();
    }
  };

  private DecisionBatcher batcher(RateLimiter limiter, int maxBatch) {
    return new DecisionBatcher(limiter, maxBatch, 2_000, loop::add, (delay, task) -> {
      timerDelays.add(delay);
      timers.add(task);
      return () -> cancelled++;
    });
  }

  private void runLoop() {
    while (!loop.isEmpty()) loop.poll().run();
  }

  private static RateLimitRequest request(String key) {
    return RateLimiterContract.request(RateLimiterContract.hourly(key, 5));
  }

  private static RateLimitDecision decision(int remaining) {
    return new RateLimitDecision(true, 0, 5, remaining, 1_000);
  }

  @Test
  void shouldSendTheRequestsOfOneTurnAsOneBatchAndAnswerEachItsOwnDecision() {
    DecisionBatcher batcher = batcher(recording, 128);
    List<Future<RateLimitDecision>> futures = new ArrayList<>();
    for (String key : List.of("a", "b", "c")) futures.add(batcher.submit(request(key)));
    assertThat(calls).as("nothing is sent before the turn ends").isEmpty();

    runLoop();
    assertThat(calls).hasSize(1);
    assertThat(calls.get(0)).extracting(r -> r.buckets().get(0).key()).containsExactly("a", "b", "c");

    answers.get(0).complete(List.of(decision(4), decision(3), decision(2)));
    assertThat(futures).extracting(f -> f.result().remaining()).containsExactly(4, 3, 2);
    assertThat(timerDelays).containsExactly(2_000L);
    assertThat(cancelled).as("the batch's timer is cancelled once it is answered").isEqualTo(1);
  }

  @Test
  void shouldStartANewBatchInTheNextTurn() {
    DecisionBatcher batcher = batcher(recording, 128);
    batcher.submit(request("a"));
    runLoop();
    batcher.submit(request("b"));
    batcher.submit(request("c"));
    runLoop();
    assertThat(calls).extracting(List::size).containsExactly(1, 2);
  }

  @Test
  void shouldSendAFullBatchAtOnce() {
    DecisionBatcher batcher = batcher(recording, 2);
    for (String key : List.of("a", "b", "c", "d", "e")) batcher.submit(request(key));
    assertThat(calls).extracting(List::size).containsExactly(2, 2);
    runLoop();
    assertThat(calls).extracting(List::size).as("the rest goes at the end of the turn").containsExactly(2, 2, 1);
    assertThat(calls.get(2).get(0).buckets().get(0).key()).isEqualTo("e");
  }

  @Test
  void shouldFailEveryRequestOfAFailedBatchAndOnlyThose() {
    DecisionBatcher batcher = batcher(recording, 128);
    Future<RateLimitDecision> first = batcher.submit(request("a"));
    Future<RateLimitDecision> second = batcher.submit(request("b"));
    runLoop();
    Future<RateLimitDecision> nextTurn = batcher.submit(request("c"));
    runLoop();

    RateLimiterUnavailableException down = new RateLimiterUnavailableException("redis down", null);
    answers.get(0).fail(down);
    answers.get(1).complete(List.of(decision(4)));
    assertThat(first.cause()).isSameAs(down);
    assertThat(second.cause()).isSameAs(down);
    assertThat(nextTurn.result().remaining()).isEqualTo(4);
  }

  @Test
  void shouldFailEveryRequestWhenTheLimiterThrows() {
    RateLimiter throwing = buckets -> {
      throw new IllegalStateException("bug");
    };
    DecisionBatcher batcher = batcher(throwing, 128);
    Future<RateLimitDecision> first = batcher.submit(request("a"));
    Future<RateLimitDecision> second = batcher.submit(request("b"));
    runLoop();
    assertThat(first.cause()).hasMessage("bug");
    assertThat(second.cause()).hasMessage("bug");
  }

  @Test
  void shouldFailEveryRequestWhenTheLimiterAnswersTheWrongNumberOfDecisions() {
    DecisionBatcher batcher = batcher(recording, 128);
    Future<RateLimitDecision> first = batcher.submit(request("a"));
    Future<RateLimitDecision> second = batcher.submit(request("b"));
    runLoop();
    answers.get(0).complete(List.of(decision(4)));
    assertThat(first.cause()).isInstanceOf(IllegalStateException.class).hasMessageContaining("1 decisions for 2");
    assertThat(second.failed()).isTrue();
  }

  @Test
  void shouldFailABatchThatTakesTooLongAndIgnoreItsLateAnswer() {
    DecisionBatcher batcher = batcher(recording, 128);
    Future<RateLimitDecision> first = batcher.submit(request("a"));
    Future<RateLimitDecision> second = batcher.submit(request("b"));
    runLoop();
    timers.get(0).run();
    assertThat(first.cause()).isInstanceOf(RateLimiterUnavailableException.class).hasMessageContaining("2000 ms");
    assertThat(second.cause()).isInstanceOf(RateLimiterUnavailableException.class);

    answers.get(0).complete(List.of(decision(4), decision(3)));
    assertThat(first.failed()).as("the first outcome stands").isTrue();
  }
}
