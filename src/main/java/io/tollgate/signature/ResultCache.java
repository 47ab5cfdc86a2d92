package io.tollgate.signature;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Bounded LRU of outcomes keyed by everything they depend on that is cheap to know: signer,
 * digest, signature, chain and the signer's code hash (a re-delegation or deployment misses).
 * Contract storage is not in the key (an owner rotation keeps the code hash), hence the TTL.
 * Synchronized: it is shared by every event loop that verifies.
 */
final class ResultCache {
  record Key(String signer, String digest, String signature, long chainId, String codeHash) {}

  private record Entry(SignatureCheck check, Instant expires) {}

  private final int capacity;
  private final Duration ttl;
  private final Clock clock;
  private final LinkedHashMap<Key, Entry> entries;

  ResultCache(int capacity, Duration ttl, Clock clock) {
    this.capacity = capacity;
    this.ttl = ttl;
    this.clock = clock;
    this.entries = new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Key, Entry> eldest) {
        return size() > ResultCache.this.capacity;
      }
    };
  }

  synchronized SignatureCheck get(Key key) {
    Entry entry = entries.get(key);
    if (entry == null) return null;
    if (!clock.instant().isBefore(entry.expires())) {
      entries.remove(key);
      return null;
    }
    return entry.check();
  }

  /** Only final outcomes are kept: an Unavailable must be retried, never replayed. */
  synchronized void put(Key key, SignatureCheck check) {
    if (check instanceof SignatureCheck.Unavailable) return;
    entries.put(key, new Entry(check, clock.instant().plus(ttl)));
  }

  synchronized int size() {
    return entries.size();
  }
}
