package io.tollgate.x402;

import io.tollgate.chain.Hex;
import io.tollgate.gasless.Eip3009Facts;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One chain's verify facts, every entry valid at the same block (the base), which {@link FactsFeed}
 * moves forward by applying the watched tokens' logs of the blocks after it. Read lock-free from any
 * event loop; every change (insert, logs applied, rebase, sweep) holds this object's monitor, and
 * none does I/O under it, so an event loop waits at most for one block's logs to be applied in memory.
 *
 * <p>Two clocks bound what is served: an entry read longer than {@code maxAgeMillis} ago is a miss
 * (a payer's code can change without a log: EIP-7702 delegation, a wallet deployed), and so is every
 * entry while the feed has not confirmed the base for that long (it may be behind the chain).
 */
final class FactsCache {
  /** Most entries per chain; past it misses are answered but not kept until entries age out. */
  static final int MAX_ENTRIES = 50_000;

  /** One authorization's facts: the token, the payer and the nonce, lowercase hex. */
  record Key(String token, String from, String nonce) {}

  /**
   * The block every entry is valid at, and the clear it belongs to (a reorg or a failure clears the
   * cache and starts a new generation, so a read made at an older base is never kept).
   */
  record Base(long block, String hash, long generation) {
    /** The block as {@code eth_call} takes it. */
    String tag() {
      return Hex.quantity(block);
    }
  }

  /** The base and when a feed round that started at {@code confirmedAtMillis} found it to be the chain's head. */
  record State(Base base, long confirmedAtMillis) {}

  private record Holder(String token, String address) {}

  private record Entry(Eip3009Facts facts, long readAtMillis) {}

  private final long maxAgeMillis;
  private final int maxEntries;
  private final Map<Key, Entry> entries = new ConcurrentHashMap<>();
  /** Which nonces are cached per (token, payer): a Transfer changes all of their balances. Guarded by this. */
  private final Map<Holder, Set<String>> nonces = new HashMap<>();
  private volatile State state;
  private long generation; // guarded by this

  FactsCache(long maxAgeMillis, int maxEntries) {
    this.maxAgeMillis = maxAgeMillis;
    this.maxEntries = maxEntries;
  }

  long maxAgeMillis() {
    return maxAgeMillis;
  }

  /** The facts of {@code key} if cached, read at most the max age ago, and the feed is current. */
  Optional<Eip3009Facts> get(Key key, long nowMillis) {
    if (fresh(nowMillis) == null) return Optional.empty();
    Entry entry = entries.get(key);
    if (entry == null || nowMillis - entry.readAtMillis() > maxAgeMillis) return Optional.empty();
    return Optional.of(entry.facts());
  }

  /** Whether the entry kept for {@code key} is past half its max age: worth reading again before it expires. */
  boolean aging(Key key, long nowMillis) {
    Entry entry = entries.get(key);
    return entry != null && nowMillis - entry.readAtMillis() > maxAgeMillis / 2;
  }

  /** The base a miss may read at and keep, when the feed confirmed it within the max age; else null. */
  State fresh(long nowMillis) {
    State s = state;
    return s != null && nowMillis - s.confirmedAtMillis() <= maxAgeMillis ? s : null;
  }

  /** The base as it stands, confirmed recently or not; null when there is none. */
  State state() {
    return state;
  }

  boolean isEmpty() {
    return entries.isEmpty();
  }

  int size() {
    return entries.size();
  }

  /**
   * Keeps facts read at {@code readAt}'s block, only if that is still the base (the feed has applied
   * no log since the read, and nothing was cleared) and the facts are of a working EIP-3009 token;
   * the entry's age counts from when that base was confirmed, never later.
   */
  synchronized boolean put(Key key, Eip3009Facts facts, State readAt) {
    State now = state;
    if (now == null || !now.base().equals(readAt.base())) return false;
    if (!facts.stateReadable() || !facts.balanceReadable() || facts.tokenCodeSize() == 0) return false;
    if (entries.size() >= maxEntries && !entries.containsKey(key)) return false;
    entries.put(key, new Entry(facts, readAt.confirmedAtMillis()));
    nonces.computeIfAbsent(new Holder(key.token(), key.from()), h -> new HashSet<>()).add(key.nonce());
    return true;
  }

  /** Drops every entry and starts again at this block (the feed's first round, or after a clear). */
  synchronized void rebase(long block, String hash, long confirmedAtMillis) {
    dropAll();
    state = new State(new Base(block, hash, generation), confirmedAtMillis);
  }

  /** Drops every entry and the base: misses read at "latest" and keep nothing until the feed rebases. */
  synchronized void clear() {
    dropAll();
    state = null;
  }

  /** The head is still the base block, with the same hash. */
  synchronized void confirm(long confirmedAtMillis) {
    State s = state;
    if (s != null) state = new State(s.base(), confirmedAtMillis);
  }

  /**
   * Applies the logs of the blocks after the base up to {@code block}, in chain order, and makes that
   * block the base. False when a balance would go below zero (a token whose balances move without
   * Transfer logs, or a log missed): the entries are then half moved, and the caller clears them.
   */
  synchronized boolean advance(long block, String hash, List<FactLogs.Change> changes, long confirmedAtMillis) {
    State s = state;
    if (s == null || block <= s.base().block()) return false;
    for (FactLogs.Change change : changes) {
      if (change instanceof FactLogs.Moved moved) {
        if (moved.from().equals(moved.to())) continue;
        if (!adjust(new Holder(moved.token(), moved.from()), moved.value().negate())) return false;
        adjust(new Holder(moved.token(), moved.to()), moved.value());
      } else if (change instanceof FactLogs.Used used) {
        Key key = new Key(used.token(), used.authorizer(), used.nonce());
        Entry entry = entries.get(key);
        if (entry != null && !entry.facts().nonceUsed()) entries.put(key, new Entry(with(entry.facts(), true, entry.facts().balance()),
            entry.readAtMillis()));
      }
    }
    state = new State(new Base(block, hash, s.base().generation()), confirmedAtMillis);
    return true;
  }

  /** Removes entries older than the max age; returns how many are left. */
  synchronized int sweep(long nowMillis) {
    entries.entrySet().removeIf(e -> nowMillis - e.getValue().readAtMillis() > maxAgeMillis);
    nonces.entrySet().removeIf(h -> {
      h.getValue().removeIf(nonce -> !entries.containsKey(new Key(h.getKey().token(), h.getKey().address(), nonce)));
      return h.getValue().isEmpty();
    });
    return entries.size();
  }

  /** Adds {@code delta} to the cached balance of every entry of the holder; false if one would go negative. */
  private boolean adjust(Holder holder, BigInteger delta) {
    Set<String> cached = nonces.get(holder);
    if (cached == null) return true;
    for (String nonce : cached) {
      Key key = new Key(holder.token(), holder.address(), nonce);
      Entry entry = entries.get(key);
      if (entry == null) continue;
      BigInteger balance = entry.facts().balance().add(delta);
      if (balance.signum() < 0) return false;
      entries.put(key, new Entry(with(entry.facts(), entry.facts().nonceUsed(), balance), entry.readAtMillis()));
    }
    return true;
  }

  private static Eip3009Facts with(Eip3009Facts f, boolean nonceUsed, BigInteger balance) {
    return new Eip3009Facts(f.stateReadable(), nonceUsed, f.balanceReadable(), balance, f.payerCodeSize(), f.tokenCodeSize());
  }

  private void dropAll() {
    entries.clear();
    nonces.clear();
    generation++;
  }
}
