package io.tollgate.watch;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a watcher's rounds run. Every head the subscription announces gets its round at once; a
 * timer polls, at the normal interval while no subscription is live and at the slow fallback
 * interval while one is (then it only catches a subscription that stalls without closing). Each
 * change of the subscription's state switches the timer and polls at once, so heads announced
 * while the socket was down are not waited for.
 *
 * <p>Two things still need a poll within the normal interval while the timer is slow, and share
 * one one-shot "poll soon": a submitted payment's catch-up round, and an announced head whose round
 * could not process it (the HTTP endpoint, often another node of the provider, did not serve that
 * block yet), polled for again until HTTP has caught up.
 *
 * <p>Confined to one context (the verticle's event loop), like the watcher it drives.
 */
final class WatchSchedule {
  // The verticle's category, so operators' log settings keep applying to these lines.
  private static final Logger LOG = LoggerFactory.getLogger(ChainWatcherVerticle.class);

  private final HeadRounds rounds;
  private final WatchTimers timers;
  private final Duration pollInterval;
  private final Duration fallbackPollInterval;
  private final BooleanSupplier subscriptionLive;
  private boolean stopped;
  private long timerId = -1;
  private Duration timerInterval;
  private long soonTimer = -1;
  private boolean submissionWaiting;
  private long highestAnnounced = -1;

  /**
   * @param subscriptionLive whether heads currently arrive by subscription (always false without one)
   */
  WatchSchedule(HeadRounds rounds, WatchTimers timers, Duration pollInterval, Duration fallbackPollInterval,
      BooleanSupplier subscriptionLive) {
    this.rounds = Objects.requireNonNull(rounds);
    this.timers = Objects.requireNonNull(timers);
    this.pollInterval = Objects.requireNonNull(pollInterval);
    this.fallbackPollInterval = Objects.requireNonNull(fallbackPollInterval);
    this.subscriptionLive = Objects.requireNonNull(subscriptionLive);
  }

  /**
   * The first round, then the timer at the normal interval. Fails as the first round does: an
   * error in the watcher's own dependencies would only repeat every tick.
   */
  Future<Void> start() {
    return rounds.poll().onSuccess(first -> pollEvery(pollInterval));
  }

  /**
   * A payment was submitted (the watcher already knows). Its catch-up round runs at the next poll;
   * while the subscription is live the timer is slow, so this asks for one poll within the normal
   * interval. Submissions arriving together share it: at most one head poll per normal interval.
   */
  void paymentSubmitted() {
    if (stopped || !subscriptionLive.getAsBoolean()) return;
    submissionWaiting = true;
    pollSoon();
  }

  void headAnnounced(long number) {
    if (stopped) return;
    highestAnnounced = Math.max(highestAnnounced, number);
    rounds.headAnnounced(number)
        .onFailure(this::roundFailed)
        // Not processed: skipped (HTTP behind the socket) or folded into a round still running.
        .onComplete(done -> { if (rounds.lastHead() < number) pollSoon(); });
  }

  void subscriptionLive(boolean live) {
    if (stopped) return;
    pollEvery(live ? fallbackPollInterval : pollInterval);
    poll(); // heads may have come and gone while the socket was down or connecting
  }

  /** No round is started after this; one already running is the caller's to wait for. */
  void stop() {
    stopped = true;
    if (timerId >= 0) timers.cancel(timerId);
    if (soonTimer >= 0) timers.cancel(soonTimer);
    timerId = -1;
    soonTimer = -1;
  }

  private Future<Void> poll() {
    if (stopped) return Future.succeededFuture();
    return rounds.poll().onFailure(this::roundFailed);
  }

  /**
   * One poll within the normal interval, shared by every reason to want one; at that time it polls
   * only if a submission waits or an announced head is still unprocessed (a folded round has
   * usually done it by then, at no cost), and it asks again while HTTP stays behind the socket.
   */
  private void pollSoon() {
    if (stopped || soonTimer >= 0) return;
    soonTimer = timers.once(pollInterval, () -> {
      soonTimer = -1;
      boolean lagging = rounds.lastHead() < highestAnnounced;
      if (!submissionWaiting && !lagging) return;
      submissionWaiting = false;
      // Caught up with the announcements: a submission's catch-up needs no head call.
      Future<Void> round = lagging ? poll() : rounds.catchUp().onFailure(this::roundFailed);
      round.onComplete(done -> { if (rounds.lastHead() < highestAnnounced) pollSoon(); });
    });
  }

  private void pollEvery(Duration interval) {
    if (stopped || interval.equals(timerInterval)) return;
    if (timerId >= 0) timers.cancel(timerId);
    timerInterval = interval;
    timerId = timers.every(interval, this::poll);
  }

  /** A round that fails once the watcher stopped ran into the stop itself (its pool or node closing): no news. */
  private void roundFailed(Throwable e) {
    if (stopped) LOG.debug("chain {}: a watcher round in flight at the stop failed: {}", rounds.chainId(), e.toString());
    else LOG.error("chain {}: watcher round failed", rounds.chainId(), e);
  }
}
