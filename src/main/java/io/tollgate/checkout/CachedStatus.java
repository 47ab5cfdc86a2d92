package io.tollgate.checkout;

/**
 * One checkout in the {@link StatusCache}: its snapshot, plus what every poll of it would otherwise
 * compute again: the client secret to compare with (an HMAC) and the rendered answer (JSON body and
 * ETag). Both are derived on the first poll that needs them and live exactly as long as the
 * snapshot: a newer snapshot is a new {@code CachedStatus}, and eviction drops them together, so
 * nothing here can outlive or contradict the snapshot it was derived from.
 *
 * <p>Thread-safe without locks: derived values are immutable and published through volatile
 * fields. Two event loops deriving one at the same moment compute equal values; either may win.
 */
public final class CachedStatus {
  private final CheckoutStatus snapshot;
  private volatile byte[] clientSecret;
  /** {@link StatusView}'s memo: the last answer rendered, with the time-dependent state it was rendered for. */
  volatile StatusView.Rendering rendering;

  CachedStatus(CheckoutStatus snapshot) {
    this.snapshot = snapshot;
  }

  CheckoutStatus snapshot() {
    return snapshot;
  }

  public java.util.UUID checkoutId() {
    return snapshot.id();
  }

  /** Constant-time check that {@code candidate} is this checkout's client secret; the secret is derived once. */
  public boolean matchesClientSecret(String candidate, ClientSecrets secrets) {
    byte[] expected = clientSecret;
    if (expected == null) clientSecret = expected = secrets.expected(snapshot.id());
    return ClientSecrets.matches(expected, candidate);
  }
}
