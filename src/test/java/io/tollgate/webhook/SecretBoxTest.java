package io.tollgate.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.webhook.SecretBox.SecretBoxException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretBoxTest {
  static final byte[] K1 = filled(1);
  static final byte[] K2 = filled(2);
  static final String CTX = "webhook_endpoint:we_1";

  static byte[] filled(int value) {
    byte[] key = new byte[32];
    java.util.Arrays.fill(key, (byte) value);
    return key;
  }

  final SecretBox box = new SecretBox(Map.of(1, K1), 1, new SecureRandom());

  @Test
  void roundTripsAWebhookSecretWithoutLeavingItInTheClear() {
    WebhookSecret secret = WebhookSecret.generate(new SecureRandom());
    byte[] sealed = box.seal(secret, CTX);
    assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("whsec_");
    assertThat(sealed[0]).isEqualTo((byte) 1);
    assertThat(sealed[1]).isEqualTo((byte) 1);
    assertThat(box.openWebhookSecret(sealed, CTX)).isEqualTo(secret);
  }

  @Test
  void everySealUsesAFreshNonce() {
    byte[] a = box.seal("same".getBytes(StandardCharsets.UTF_8), CTX);
    byte[] b = box.seal("same".getBytes(StandardCharsets.UTF_8), CTX);
    assertThat(a).isNotEqualTo(b);
    assertThat(java.util.Arrays.copyOfRange(a, 2, 14)).isNotEqualTo(java.util.Arrays.copyOfRange(b, 2, 14));
  }

  @Test
  void detectsEveryFlippedBitOfNonceCiphertextAndTag() {
    byte[] sealed = box.seal("whsec_abc".getBytes(StandardCharsets.UTF_8), CTX);
    for (int i = 2; i < sealed.length; i++) {
      byte[] tampered = sealed.clone();
      tampered[i] ^= 0x01;
      assertThatThrownBy(() -> box.open(tampered, CTX)).isInstanceOf(SecretBoxException.class);
    }
    assertThatThrownBy(() -> box.open(java.util.Arrays.copyOf(sealed, sealed.length - 1), CTX))
        .isInstanceOf(SecretBoxException.class);
    assertThatThrownBy(() -> box.open(new byte[5], CTX)).isInstanceOf(SecretBoxException.class);
  }

  @Test
  void aValueMovedToAnotherRowDoesNotOpen() {
    byte[] sealed = box.seal("whsec_abc".getBytes(StandardCharsets.UTF_8), CTX);
    assertThatThrownBy(() -> box.open(sealed, "webhook_endpoint:we_2"))
        .isInstanceOf(SecretBoxException.class).hasMessageNotContaining("whsec");
  }

  @Test
  void rotatesMasterKeysThroughTheKeyId() {
    SecretBox old = new SecretBox(Map.of(1, K1), 1, new SecureRandom());
    byte[] sealedUnder1 = old.seal("whsec_abc".getBytes(StandardCharsets.UTF_8), CTX);

    SecretBox rotated = SecretBox.fromConfig("1:" + Base64.getEncoder().encodeToString(K1)
        + ", 2:" + Base64.getEncoder().encodeToString(K2), 2);
    assertThat(rotated.needsReseal(sealedUnder1)).isTrue();
    assertThat(new String(rotated.open(sealedUnder1, CTX), StandardCharsets.UTF_8)).isEqualTo("whsec_abc");
    byte[] resealed = rotated.seal(rotated.open(sealedUnder1, CTX), CTX);
    assertThat(resealed[1]).isEqualTo((byte) 2);
    assertThat(rotated.needsReseal(resealed)).isFalse();

    // Rewriting the key id byte is caught by the associated data, not silently decrypted.
    byte[] relabelled = resealed.clone();
    relabelled[1] = 1;
    assertThatThrownBy(() -> rotated.open(relabelled, CTX)).isInstanceOf(SecretBoxException.class);
    // A box that no longer has key 1 cannot open old values, and says which key is missing.
    SecretBox onlyTwo = new SecretBox(Map.of(2, K2), 2, new SecureRandom());
    assertThatThrownBy(() -> onlyTwo.open(sealedUnder1, CTX)).hasMessageContaining("unknown master key 1");
  }

  @Test
  void rejectsBadKeyringsWithoutEchoingKeys() {
    String shortKey = Base64.getEncoder().encodeToString(new byte[16]);
    assertThatThrownBy(() -> SecretBox.fromConfig("1:" + shortKey, 1)).hasMessageNotContaining(shortKey)
        .hasMessageContaining("32 bytes");
    assertThatThrownBy(() -> SecretBox.fromConfig("1:" + Base64.getEncoder().encodeToString(K1), 2))
        .hasMessageContaining("active");
    assertThatThrownBy(() -> SecretBox.fromConfig("one:xyz", 1)).isInstanceOf(IllegalArgumentException.class);
    String k1 = Base64.getEncoder().encodeToString(K1);
    assertThatThrownBy(() -> SecretBox.fromConfig("1:" + k1 + ",1:" + k1, 1)).hasMessageContaining("twice");
    assertThat(box.toString()).doesNotContain(Base64.getEncoder().encodeToString(K1));
  }
}
