package io.tollgate.checkout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ClientSecretsTest {
  private final byte[] key = filled(7);
  private final ClientSecrets secrets = new ClientSecrets(key);

  @Test
  void aSecretMatchesOnlyItsOwnCheckout() {
    UUID a = UUID.randomUUID();
    UUID b = UUID.randomUUID();
    String secret = secrets.secretFor(a);
    assertThat(secret).startsWith(a + "_secret_");
    assertThat(secrets.matches(a, secret)).isTrue();
    assertThat(secrets.matches(b, secret)).isFalse();
    assertThat(secrets.matches(a, secret.substring(0, secret.length() - 1) + "x")).isFalse();
    assertThat(secrets.matches(a, null)).isFalse();
  }

  @Test
  void secretsAreDerivedSoEveryInstanceWithTheKeyAgreesAndAnotherKeyDoesNot() {
    UUID id = UUID.randomUUID();
    assertThat(new ClientSecrets(filled(7)).secretFor(id)).isEqualTo(secrets.secretFor(id));
    assertThat(new ClientSecrets(filled(8)).matches(id, secrets.secretFor(id))).isFalse();
  }

  @Test
  void shortKeysAreRefused() {
    assertThatThrownBy(() -> new ClientSecrets(new byte[16])).isInstanceOf(IllegalArgumentException.class);
  }

  private static byte[] filled(int value) {
    byte[] bytes = new byte[32];
    Arrays.fill(bytes, (byte) value);
    return bytes;
  }
}
