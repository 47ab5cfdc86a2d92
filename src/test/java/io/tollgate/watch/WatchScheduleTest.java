package io.tollgate.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The watcher's schedule on a hand-driven clock: which rounds it asks for, and when. */
class WatchScheduleTest {
  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration FALLBACK = Duration.ofSeconds(5);

  private final FakeTimers timers = new FakeTimers();
  private final Rounds rounds = new Rounds();
  private boolean live;
  private final WatchSchedule schedule = new WatchSchedule(rounds, timers, POLL, FALLBACK, () -> live);

  /** Records the rounds asked for; every round processes the newest head it knows unless held. */
  private static final class Rounds implements HeadRounds {
    final List<String> asked = new ArrayList<>();
    long lastHead = 100;
    /** The head the node serves over HTTP: a round processes at most this one. */
    long served = 100;
    Future<Void> next;

    @Override public long chainId() { return 31337; }

    @Override public Future<Void> poll() {
      asked.add("poll");
      lastHead = Math.max(lastHead, served);
      return outcome();
    }

    @Override public Future<Void> headAnnounced(long head) {
      asked.add("announced " + head);
      if (head <= served) lastHead = Math.max(lastHead, head);
      return outcome();
    }

    @Override public Future<Void> catchUp() {
      asked.add("catch-up");
      return outcome();
    }

    @Override public long lastHead() { return lastHead; }

    private Future<Void> outcome() {
      Future<Void> result = next == null ? Future.succeededFuture() : next;
      next = null;
      return result;
    }
  }

  private void started() {
    assertThat(schedule.start().succeeded()).isTrue();
    rounds.asked.clear();
  }

  @Test
  void shouldLogARoundThatFailsWhileRunningButNotOneThatFailsAfterTheStop() {
    ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(ChainWatcherVerticle.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines = new ch.qos.logback.core.read.ListAppender<>();
    lines.start();
    log.addAppender(lines);
    try {
      started();
      rounds.next = Future.failedFuture(new IllegalStateException("node down"));
      timers.advance(POLL);
      assertThat(lines.list).extracting(e -> e.getLevel().toString()).containsExactly("ERROR");

      io.vertx.core.Promise<Void> inFlight = io.vertx.core.Promise.promise();
      rounds.next = inFlight.future();
      timers.advance(POLL);
      schedule.stop();
      inFlight.fail("Pool closed");
      assertThat(lines.list).as("only the first failure is an error").extracting(e -> e.getLevel().toString())
          .containsExactly("ERROR");
    } finally {
      log.detachAppender(lines);
    }
  }

  @Test
  void shouldPollAtTheNormalIntervalOnceTheFirstRoundRan() {
    assertThat(schedule.start().succeeded()).isTrue();
    assertThat(rounds.asked).containsExactly("poll");

    timers.advance(POLL.multipliedBy(3));

    assertThat(rounds.asked).containsExactly("poll", "poll", "poll", "poll");
  }

  @Test
  void shouldSetNoTimerWhenTheFirstRoundFails() {
    rounds.next = Future.failedFuture(new IllegalStateException("store down"));

    assertThat(schedule.start().failed()).isTrue();
    timers.advance(Duration.ofMinutes(1));

    assertThat(rounds.asked).containsExactly("poll");
    assertThat(timers.pending()).isZero();
  }

  @Test
  void shouldPollAtOnceAndThenOnlyAtTheFallbackIntervalWhileTheSubscriptionIsLive() {
    started();

    live = true;
    schedule.subscriptionLive(true);
    assertThat(rounds.asked).as("heads may have come while it connected").containsExactly("poll");

    timers.advance(FALLBACK.minusMillis(1));
    assertThat(rounds.asked).hasSize(1);
    timers.advance(Duration.ofMillis(1));
    assertThat(rounds.asked).hasSize(2);
  }

  @Test
  void shouldPollAtOnceAndReturnToTheNormalIntervalWhenTheSubscriptionGoesDown() {
    started();
    live = true;
    schedule.subscriptionLive(true);
    rounds.asked.clear();

    live = false;
    schedule.subscriptionLive(false);
    assertThat(rounds.asked).containsExactly("poll");

    timers.advance(POLL);
    assertThat(rounds.asked).containsExactly("poll", "poll");
  }

  @Test
  void shouldRunTheRoundOfEveryAnnouncedHeadAtOnceAndNothingMoreWhenItWasProcessed() {
    started();
    live = true;
    schedule.subscriptionLive(true);
    rounds.asked.clear();
    rounds.served = 102;

    schedule.headAnnounced(101);
    schedule.headAnnounced(102);
    timers.advance(POLL.multipliedBy(2));

    assertThat(rounds.asked).containsExactly("announced 101", "announced 102");
  }

  @Test
  void shouldPollSoonAgainAndAgainForAnAnnouncedHeadHttpDoesNotServeYet() {
    started();
    live = true;
    schedule.subscriptionLive(true);
    rounds.asked.clear();

    schedule.headAnnounced(101); // the socket's node is ahead of the HTTP one
    timers.advance(POLL);
    assertThat(rounds.asked).containsExactly("announced 101", "poll");
    timers.advance(POLL);
    assertThat(rounds.asked).containsExactly("announced 101", "poll", "poll");

    rounds.served = 101;
    timers.advance(POLL);
    assertThat(rounds.asked).as("caught up at the third poll").containsExactly("announced 101", "poll", "poll", "poll");
    timers.advance(POLL.multipliedBy(5));
    assertThat(rounds.asked).as("then only the slow timer").hasSize(4);
  }

  @Test
  void shouldRunOneCatchUpWithinTheNormalIntervalForSubmissionsWhileTheSubscriptionIsLive() {
    started();
    live = true;
    schedule.subscriptionLive(true);
    rounds.asked.clear();

    schedule.paymentSubmitted();
    schedule.paymentSubmitted();
    timers.advance(POLL.minusMillis(1));
    assertThat(rounds.asked).isEmpty();
    timers.advance(Duration.ofMillis(1));

    assertThat(rounds.asked).as("shared, and without asking the head number").containsExactly("catch-up");
  }

  @Test
  void shouldLeaveASubmissionToTheNormalTimerWithoutALiveSubscription() {
    started();

    schedule.paymentSubmitted();
    timers.advance(POLL);

    assertThat(rounds.asked).as("the timer's poll runs the catch-up").containsExactly("poll");
  }

  @Test
  void shouldPollRatherThanCatchUpWhenAnAnnouncedHeadIsStillUnprocessed() {
    started();
    live = true;
    schedule.subscriptionLive(true);
    rounds.asked.clear();

    schedule.headAnnounced(101); // not served over HTTP yet
    schedule.paymentSubmitted();
    timers.advance(POLL);

    assertThat(rounds.asked).as("one poll serves both").containsExactly("announced 101", "poll");
  }

  @Test
  void shouldAskForNoRoundOnceStopped() {
    started();
    live = true;
    schedule.subscriptionLive(true);
    schedule.paymentSubmitted();
    rounds.asked.clear();

    schedule.stop();
    schedule.headAnnounced(101);
    schedule.subscriptionLive(false);
    schedule.paymentSubmitted();
    timers.advance(Duration.ofMinutes(1));

    assertThat(rounds.asked).isEmpty();
    assertThat(timers.pending()).isZero();
  }
}
