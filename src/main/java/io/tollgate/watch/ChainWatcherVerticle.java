package io.tollgate.watch;

import io.tollgate.chain.ChainConfig;
import io.tollgate.chain.NewHeadsSubscription;
import io.vertx.core.Context;
import io.tollgate.eventbus.Addresses;
import io.tollgate.payment.PaymentSubmitted;
import io.vertx.core.Future;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link ChainWatcher} on this verticle's event loop (the watcher is confined to it), as
 * its {@link WatchSchedule} says: heads announced by the chain's {@link NewHeadsSubscription}, when
 * one is configured, a poll timer, and catch-up rounds for submitted payments. This class only
 * wires them to Vert.x (context, timers, the subscription's lifecycle). Deploy one per chain, on
 * the instance holding that chain's leadership.
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
  /** Created in start(), when the timers exist; confined to the verticle's context. */
  private WatchSchedule schedule;

  /** Polls every {@code pollInterval}, with no subscription. */
  public ChainWatcherVerticle(ChainWatcher watcher, Duration pollInterval) {
    this(watcher, HeadSource.polling(pollInterval));
  }

  public ChainWatcherVerticle(ChainWatcher watcher, HeadSource source) {
    this.watcher = Objects.requireNonNull(watcher);
    this.source = Objects.requireNonNull(source);
  }

  ChainWatcher watcher() { return watcher; }

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
    schedule = new WatchSchedule(watcher, new VertxTimers(), source.pollInterval(), source.fallbackPollInterval(),
        this::subscriptionLive);
    watcher.reportNewHeads(this::subscriptionLive);
    // Every instance's status feed announces submissions; only the leading instance has this consumer.
    MessageConsumer<PaymentSubmitted> submitted = vertx.eventBus().localConsumer(Addresses.PAYMENT_SUBMITTED,
        message -> { if (message.body().chainId() == watcher.chainId()) paymentSubmitted(); });
    return submitted.completion().compose(registered -> schedule.start()).onSuccess(first -> source.newHeadsUrl().ifPresentOrElse(url -> {
      subscription = NewHeadsSubscription.start(vertx, watcher.chainId(), url, source.subscription(), new Heads());
      LOG.info("chain {}: watching on new heads from {}; polling every {} ms while that is down, every {} ms while it is live",
          watcher.chainId(), subscription.displayUrl(), source.pollInterval().toMillis(),
          source.fallbackPollInterval().toMillis());
    }, () -> LOG.info("chain {}: watching every {} ms", watcher.chainId(), source.pollInterval().toMillis())));
  }

  /**
   * Tells the watcher a payment was submitted (from any thread); the schedule, on the verticle's
   * context, asks for its catch-up round soon if the timer is slow.
   */
  public void paymentSubmitted() {
    watcher.paymentSubmitted();
    Context ctx = watcherContext;
    if (ctx == null || stopped) return;
    ctx.runOnContext(v -> schedule.paymentSubmitted());
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    watcher.reportNewHeads(() -> false);
    if (schedule != null) schedule.stop();
    Future<Void> closed = subscription == null ? Future.succeededFuture() : subscription.close();
    return closed.compose(v -> watcher.idle());
  }

  /** The subscription's events, on this verticle's context. */
  private final class Heads implements NewHeadsSubscription.Listener {
    @Override
    public void onHead(long number) {
      schedule.headAnnounced(number);
    }

    @Override
    public void onLive(boolean live) {
      schedule.subscriptionLive(live);
    }
  }

  /** Vert.x timers; set from the verticle's context, so they fire there. */
  private final class VertxTimers implements WatchTimers {
    @Override
    public long once(Duration delay, Runnable task) {
      return vertx.setTimer(delay.toMillis(), id -> task.run());
    }

    @Override
    public long every(Duration interval, Runnable task) {
      return vertx.setPeriodic(interval.toMillis(), id -> task.run());
    }

    @Override
    public void cancel(long id) {
      vertx.cancelTimer(id);
    }
  }
}
