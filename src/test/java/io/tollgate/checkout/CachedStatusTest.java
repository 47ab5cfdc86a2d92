package io.tollgate.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CachedStatusTest {
  private final ClientSecrets secrets = new ClientSecrets(filled(7));
  private final UUID id = UUID.randomUUID();
  private final StatusCache cache = new StatusCache(null);

  @Test
  void onlyTheWholeSecretOfThisCheckoutMatches() {
    cache.apply(open(1));
    CachedStatus entry = cache.peek(id);
    String secret = secrets.secretFor(id);
    assertThat(entry.matchesClientSecret(secret, secrets)).isTrue();
    assertThat(entry.matchesClientSecret(secret + "x", secrets)).isFalse();
    assertThat(entry.matchesClientSecret(secret.substring(0, secret.length() - 1), secrets)).isFalse();
    assertThat(entry.matchesClientSecret(secrets.secretFor(UUID.randomUUID()), secrets)).isFalse();
    assertThat(entry.matchesClientSecret("", secrets)).isFalse();
    assertThat(entry.matchesClientSecret(null, secrets)).isFalse();
  }

  @Test
  void theSecretIsDerivedOnceAndKeptWithTheSnapshot() {
    cache.apply(open(1));
    CachedStatus entry = cache.peek(id);
    String secret = secrets.secretFor(id);
    assertThat(entry.matchesClientSecret(secret, secrets)).isTrue();
    // kept: a second check does not derive again (with another key it would no longer match)
    ClientSecrets otherKey = new ClientSecrets(filled(8));
    assertThat(entry.matchesClientSecret(secret, otherKey)).isTrue();
    // a newer snapshot is a new entry and derives again
    cache.apply(open(2));
    assertThat(cache.peek(id)).isNotSameAs(entry);
    assertThat(cache.peek(id).matchesClientSecret(secret, otherKey)).isFalse();
  }

  @Test
  void peekNeverLoadsAndTheNewestVersionWins() {
    assertThat(cache.peek(id)).isNull(); // no pool here: a load would throw
    cache.apply(open(3));
    cache.apply(open(2)); // a late notification
    assertThat(cache.peek(id).snapshot().version()).isEqualTo(3);
    assertThat(cache.get(id).result()).isSameAs(cache.peek(id));
  }

  private CheckoutStatus open(int version) {
    return new CheckoutStatus(id, version, "open", null, Long.MAX_VALUE, null, null);
  }

  private static byte[] filled(int value) {
    byte[] bytes = new byte[32];
    Arrays.fill(bytes, (byte) value);
    return bytes;
  }
}
