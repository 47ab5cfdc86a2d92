package io.tollgate.checkout;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Live interest in checkouts' statuses on this instance: one subscription per watched checkout (a
 * {@link Topic}), however many subscribers it has, fed by what already keeps the {@link
 * StatusCache} current (the status feed's notifications, chain heads, the clock at expiry). So a
 * change costs no database query or RPC call per subscriber: the changed entry is read from the
 * cache and handed to each subscriber on its own event loop, one task per event loop and change.
 *
 * <p>Subscribers are told "look again", not what changed: they render the cached entry ({@link
 * StatusView#render(CachedStatus, long)}, memoised per entry) and compare its {@code sequence} with
 * what they sent last, so a late, repeated or coalesced notice costs nothing and misses nothing.
 *
 * <p>Threads: topics are found and created through a concurrent map; each event loop's
 * subscribers of a topic ({@link Group}) are touched only on that event loop.
 */
public final class StatusSubscriptions {
  /** Told, on the context it subscribed from, that its checkout's cached entry may have changed. */
  public interface Subscriber {
    void changed(CachedStatus entry);
  }

  /** Ends a subscription; call it on the context the subscription was made from. */
  public interface Subscription {
    void cancel();
  }

  private final Vertx vertx;
  private final StatusCache cache;
  private final Clock clock;
  private final ConcurrentHashMap<UUID, Topic> topics = new ConcurrentHashMap<>();
  private final AtomicInteger subscribers = new AtomicInteger();

  public StatusSubscriptions(Vertx vertx, StatusCache cache, ChainHeads heads, Clock clock) {
    this.vertx = vertx;
    this.cache = cache;
    this.clock = clock;
    heads.onAdvance(this::headAdvanced);
  }

  /**
   * Subscribes to a checkout the cache holds ({@code entry}, just read by the caller), from {@code
   * context}, which must be the calling event loop's context (an HTTP verticle's).
   */
  public Subscription subscribe(CachedStatus entry, Context context, Subscriber subscriber) {
    UUID id = entry.snapshot().id();
    Topic topic;
    while (true) {
      topic = topics.computeIfAbsent(id, Topic::new);
      synchronized (topic) {
        if (!topic.closed) {
          topic.count++;
          break;
        }
      }
    }
    subscribers.incrementAndGet();
    Topic mine = topic;
    mine.armExpiry(entry.snapshot().expiresAtMillis());
    Group group = mine.groups.computeIfAbsent(context, Group::new);
    group.members.add(subscriber);
    return () -> {
      if (!group.members.remove(subscriber)) return;
      subscribers.decrementAndGet();
      if (group.members.isEmpty()) mine.groups.remove(context, group);
      synchronized (mine) {
        if (--mine.count == 0) {
          mine.closed = true;
          topics.remove(id, mine);
          if (mine.expiryTimer >= 0) vertx.cancelTimer(mine.expiryTimer);
        }
      }
    };
  }

  /** A snapshot arrived from the status feed (already applied to the cache). */
  public void changed(CheckoutStatus status) {
    Topic topic = topics.get(status.id());
    if (topic != null) topic.tell();
  }

  /**
   * The status feed reconnected and the cache was emptied: notifications may have been lost, so
   * every watched checkout is read again (one query each, only on this rare event) and told.
   */
  public void resync() {
    for (Topic topic : topics.values()) {
      cache.get(topic.id).onSuccess(ignored -> topic.tell());
    }
  }

  /**
   * A chain's head moved: checkouts whose payment is mined but not yet confirmed on it show one
   * more confirmation. One pass over this instance's watched checkouts per block, no I/O.
   */
  private void headAdvanced(long chainId) {
    for (Topic topic : topics.values()) {
      CachedStatus entry = cache.peek(topic.id);
      CheckoutStatus.Payment p = entry == null ? null : entry.snapshot().payment();
      if (p != null && p.chainId() == chainId && p.blockNumber() != null && !"confirmed".equals(p.status())) topic.tell();
    }
  }

  /** Subscribers on this instance. */
  public int subscribers() {
    return subscribers.get();
  }

  /** Checkouts with at least one subscriber on this instance. */
  public int checkouts() {
    return topics.size();
  }

  /** One watched checkout: its subscribers by context, and a timer for the moment its expiry shows. */
  private final class Topic {
    final UUID id;
    final Map<Context, Group> groups = new ConcurrentHashMap<>();
    /** Subscribers across groups; guarded by this. */
    int count;
    /** Removed from the map: a subscriber must make a new topic. Guarded by this. */
    boolean closed;
    /** Guarded by this. */
    long expiryTimer = -1;

    Topic(UUID id) {
      this.id = id;
    }

    /** The poll shows expired as soon as the time is up, before the sweep writes it: so must a stream. */
    synchronized void armExpiry(long expiresAtMillis) {
      if (expiryTimer >= 0 || closed) return;
      long delay = expiresAtMillis - clock.millis() + 1;
      if (delay <= 0) return;
      expiryTimer = vertx.setTimer(delay, t -> tell());
    }

    void tell() {
      for (Group group : groups.values()) group.context.runOnContext(v -> group.deliver(id));
    }
  }

  /** A topic's subscribers on one context (event loop); touched only there. */
  private final class Group {
    final Context context;
    final List<Subscriber> members = new ArrayList<>();

    Group(Context context) {
      this.context = context;
    }

    void deliver(UUID id) {
      if (members.isEmpty()) return;
      CachedStatus entry = cache.peek(id);
      if (entry != null) {
        tellAll(entry);
      } else {
        // evicted or invalidated since the notice: one read, shared with every other miss of it
        cache.get(id).onSuccess(loaded -> context.runOnContext(v -> tellAll(loaded)));
      }
    }

    private void tellAll(CachedStatus entry) {
      // a copy: a subscriber may end its subscription (a terminal status) while being told
      for (Subscriber s : List.copyOf(members)) s.changed(entry);
    }
  }
}
