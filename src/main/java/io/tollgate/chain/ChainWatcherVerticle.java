package io.tollgate.chain;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one {@link ChainWatcher} on this verticle's event loop (the watcher is confined to it).
 * Deploy one per chain, on the instance holding that chain's leadership.
 *
 * <p>Every head announced by the chain's {@link NewHeadsSubscription}, when one is configured, goes
 * to {@link ChainWatcher#headAnnounced} at once; a timer asks {@link ChainWatcher#poll()}. While
 * the subscription is live the timer is only a safety net and runs at the slower fallback interval;
 * while it is down (or when there is none) it runs at the normal poll interval, and each change of
 * state asks for a round at once, so heads announced while the socket was down are not waited for.
 *
 * <p>Two things still need a poll within the normal interval while the timer is slow, and get one
 * shared one-shot poll ("poll soon"): a submitted payment's catch-up round, and an announced head
 * that its round could not process (the HTTP endpoint, often another node of the provider, did
 * not serve that block yet), which is polled for again until HTTP has caught up.
 */
public final class ChainWatcherVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ChainWatcherVerticle.class);

  /**
   * How the verticle learns of new heads.
   *
   * @param pollInterval how often to ask for the head without a live subscription; about a third
   *     of the chain's block time notices a new block soon without asking much in between
   * @param wsUrl the new-heads WebSocket URL, or null to poll only
   * @param fallbackPollInterval how often to ask while the subscription is live (the subscription
   *     brings the heads; this catches one that stalls without closing)
   * @param subscription reconnect, timeout and keep-alive settings of the subscription
   */
  public record HeadSource(Duration pollInterval, String wsUrl, Duration fallbackPollInterval,
      NewHeadsSubscription.Options subscription) {
    public HeadSource {
      Objects.requireNonNull(pollInterval, "pollInterval");
      Objects.requireNonNull(fallbackPollInterval, "fallbackPollInterval");
      Objects.requireNonNull(subscription, "subscription");
      if (pollInterval.toMillis() < 1) throw new IllegalArgumentException("pollInterval must be at least 1 ms");
      if (fallbackPollInterval.compareTo(pollInterval) < 0) throw new IllegalArgumentException("fallbackPollInterval < pollInterval");
    }

    /** Polling only, every {@code pollInterval}. */
    public static HeadSource polling(Duration pollInterval) {
      return new HeadSource(pollInterval, null, pollInterval, NewHeadsSubscription.Options.defaults());
    }

    /** As the chain's settings say: its poll interval, and its new-heads subscription if it has a ws-url. */
    public static HeadSource of(ChainConfig chain) {
      return new HeadSource(chain.pollInterval(), chain.wsUrl(), chain.wsFallbackPollInterval(),
          NewHeadsSubscription.Options.defaults());
    }

    public Optional<String> newHeadsUrl() {
      return Optional.ofNullable(wsUrl);
    }
  }

  private final ChainWatcher watcher;
  private final HeadSource source;
  private volatile Context watcherContext;
  private volatile boolean stopped;
  /** Written once in start(); read by {@link #subscriptionLive()} from any thread. */
  private volatile NewHeadsSubscription subscription;
  // confined to the verticle's context
  private long timerId = -1;
  private Duration timerInterval;
  private long soonTimer = -1;
  private boolean submissionWaiting;
  private long highestAnnounced = -1;

  /** Polls every {@code pollInterval}, with no subscription. */
  public ChainWatcherVerticle(ChainWatcher watcher, Duration pollInterval) {
    this(watcher, HeadSource.polling(pollInterval));
  }

  public ChainWatcherVerticle(ChainWatcher watcher, HeadSource source) {
    this.watcher = Objects.requireNonNull(watcher);
    this.source = Objects.requireNonNull(source);
  }

  public ChainWatcher watcher() { return watcher; }

  /** Whether heads currently arrive by subscription (false without one). Readable from any thread. */
  public boolean subscriptionLive() {
    NewHeadsSubscription current = subscription;
    return current != null && current.isLive();
  }

  /**
   * Ready after the first round ran. An unreachable node does not fail deployment (the watcher
   * skips rounds until it answers), nor does an unreachable WebSocket (the timer polls at the normal
   * interval until it connects); an error in the watcher's own dependencies (the payment store)
   * does, because the verticle would only repeat it every tick.
   */
  @Override
  public Future<?> start() {
    watcherContext = context;
    return watcher.poll().onSuccess(first -> {
      pollEvery(source.pollInterval());
      source.newHeadsUrl().ifPresentOrElse(url -> {
        subscription = NewHeadsSubscription.start(vertx, watcher.chainId(), url, source.subscription(), new Heads());
        LOG.info("chain {}: watching on new heads from {}; polling every {} ms while that is down, every {} ms while it is live",
            watcher.chainId(), subscription.displayUrl(), source.pollInterval().toMillis(),
            source.fallbackPollInterval().toMillis());
      }, () -> LOG.info("chain {}: watching every {} ms", watcher.chainId(), source.pollInterval().toMillis()));
    });
  }

  /**
   * Tells the watcher a payment was submitted (from any thread). Its catch-up round (for a
   * transaction already in the processed head) runs at the next poll; while the subscription is live
   * the timer is slow, so this asks for one poll within the normal interval. Submissions arriving
   * together share that poll, so the RPC cost stays at most one head poll per normal interval.
   */
  public void paymentSubmitted() {
    watcher.paymentSubmitted();
    Context ctx = watcherContext;
    if (ctx == null || stopped) return;
    ctx.runOnContext(v -> {
      if (stopped || !subscriptionLive()) return;
      submissionWaiting = true;
      pollSoon();
    });
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    if (timerId >= 0) vertx.cancelTimer(timerId);
    if (soonTimer >= 0) vertx.cancelTimer(soonTimer);
    Future<Void> closed = subscription == null ? Future.succeededFuture() : subscription.close();
    return closed.compose(v -> watcher.idle());
  }

  /** The subscription's events, on this verticle's context. */
  private final class Heads implements NewHeadsSubscription.Listener {
    @Override
    public void onHead(long number) {
      if (stopped) return;
      highestAnnounced = Math.max(highestAnnounced, number);
      watcher.headAnnounced(number)
          .onFailure(e -> LOG.error("chain {}: watcher round failed", watcher.chainId(), e))
          // Not processed: skipped (HTTP behind the socket) or folded into a round still running.
          .onComplete(done -> { if (watcher.lastHead() < number) pollSoon(); });
    }

    @Override
    public void onLive(boolean live) {
      if (stopped) return;
      pollEvery(live ? source.fallbackPollInterval() : source.pollInterval());
      poll(); // heads may have come and gone while the socket was down or connecting
    }
  }

  private Future<Void> poll() {
    if (stopped) return Future.succeededFuture();
    return watcher.poll().onFailure(e -> LOG.error("chain {}: watcher round failed", watcher.chainId(), e));
  }

  /**
   * One poll within the normal interval, shared by every reason to want one; at that time it polls
   * only if a submission waits or an announced head is still unprocessed (a folded round has
   * usually done it by then, at no cost), and it asks again while HTTP stays behind the socket.
   */
  private void pollSoon() {
    if (stopped || soonTimer >= 0) return;
    soonTimer = vertx.setTimer(source.pollInterval().toMillis(), t -> {
      soonTimer = -1;
      boolean lagging = watcher.lastHead() < highestAnnounced;
      if (!submissionWaiting && !lagging) return;
      submissionWaiting = false;
      // Caught up with the announcements: a submission's catch-up needs no head call.
      Future<Void> round = lagging ? poll()
          : watcher.catchUp().onFailure(e -> LOG.error("chain {}: watcher round failed", watcher.chainId(), e));
      round.onComplete(done -> { if (watcher.lastHead() < highestAnnounced) pollSoon(); });
    });
  }

  private void pollEvery(Duration interval) {
    if (stopped || interval.equals(timerInterval)) return;
    if (timerId >= 0) vertx.cancelTimer(timerId);
    timerInterval = interval;
    timerId = vertx.setPeriodic(interval.toMillis(), tick -> poll());
  }
}
