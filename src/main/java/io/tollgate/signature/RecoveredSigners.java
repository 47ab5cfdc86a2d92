package io.tollgate.signature;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.bouncycastle.util.BigIntegers;

/**
 * The signers of the signatures recovered lately, by their exact input (hash, r, s, recovery id):
 * recovery is a pure function, so a hit is the answer itself, never a stale one. A payment is
 * checked more than once in the ordinary course (an x402 payload at verify and again at settle, a
 * client's retry), and one recovery costs 0.15-0.3 ms of a core; a hit costs a hash and a
 * comparison, cheap enough for an event loop.
 *
 * <p>Direct-mapped: each input has one slot, a newer input takes it over, so memory stays fixed
 * (about 1 MB at the default 4,096 slots) without locks or eviction bookkeeping.
 */
final class RecoveredSigners {
  /** A recovery that found no key, kept as such. */
  static final String NOBODY = "";

  private record Entry(byte[] input, String signer) {}

  private final AtomicReferenceArray<Entry> slots;
  private final int mask;

  /** {@code slots} rounded up to a power of two; 0 keeps nothing. */
  RecoveredSigners(int slots) {
    int size = slots <= 0 ? 0 : Integer.highestOneBit(Math.max(1, slots - 1)) << 1;
    this.slots = new AtomicReferenceArray<>(size);
    this.mask = size - 1;
  }

  /** The exact input of a recovery: hash ‖ r ‖ s ‖ recovery id. */
  static byte[] input(byte[] hash, Ecdsa.Parsed parsed) {
    byte[] input = new byte[97];
    System.arraycopy(hash, 0, input, 0, 32);
    System.arraycopy(BigIntegers.asUnsignedByteArray(32, parsed.r()), 0, input, 32, 32);
    System.arraycopy(BigIntegers.asUnsignedByteArray(32, parsed.s()), 0, input, 64, 32);
    input[96] = (byte) parsed.recoveryId();
    return input;
  }

  /** The signer recovered from {@code input} ({@link #NOBODY} when none), or null when not kept. */
  String get(byte[] input) {
    if (mask < 0) return null;
    Entry entry = slots.get(slot(input));
    return entry != null && Arrays.equals(entry.input, input) ? entry.signer : null;
  }

  void put(byte[] input, String signer) {
    if (mask >= 0) slots.set(slot(input), new Entry(input, signer == null ? NOBODY : signer));
  }

  private int slot(byte[] input) {
    // the hash's first bytes are already uniform; mixing in s spreads two signatures of one hash
    int h = (input[0] & 0xff) | (input[1] & 0xff) << 8 | (input[2] & 0xff) << 16 | (input[3] & 0xff) << 24;
    h ^= (input[64] & 0xff) | (input[65] & 0xff) << 8 | (input[66] & 0xff) << 16 | (input[67] & 0xff) << 24;
    return h & mask;
  }
}
