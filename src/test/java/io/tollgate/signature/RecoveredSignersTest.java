package io.tollgate.signature;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/** The memo of recoveries answers only for the exact input it saw, and stays within its slots. */
class RecoveredSignersTest {
  private static byte[] hash(int seed) {
    byte[] hash = new byte[32];
    for (int i = 0; i < 32; i++) hash[i] = (byte) (seed * 31 + i * 7);
    return hash;
  }

  private static Ecdsa.Parsed sig(long r, long s, int id) {
    return new Ecdsa.Parsed(BigInteger.valueOf(r), BigInteger.valueOf(s), id);
  }

  @Test
  void aKeptRecoveryIsAnsweredOnlyForItsExactInput() {
    RecoveredSigners memo = new RecoveredSigners(16);
    byte[] input = RecoveredSigners.input(hash(1), sig(5, 6, 0));
    assertThat(memo.get(input)).isNull();
    memo.put(input, "0xabc");
    assertThat(memo.get(RecoveredSigners.input(hash(1), sig(5, 6, 0)))).isEqualTo("0xabc");
    // any other hash, r, s or recovery id is another question
    assertThat(memo.get(RecoveredSigners.input(hash(2), sig(5, 6, 0)))).isNull();
    assertThat(memo.get(RecoveredSigners.input(hash(1), sig(7, 6, 0)))).isNull();
    assertThat(memo.get(RecoveredSigners.input(hash(1), sig(5, 8, 0)))).isNull();
    assertThat(memo.get(RecoveredSigners.input(hash(1), sig(5, 6, 1)))).isNull();
    memo.put(RecoveredSigners.input(hash(3), sig(5, 6, 0)), null);
    assertThat(memo.get(RecoveredSigners.input(hash(3), sig(5, 6, 0)))).as("no key recovered, kept as such")
        .isEqualTo(RecoveredSigners.NOBODY);
  }

  @Test
  void itKeepsAtMostItsSlotsAndNothingWhenSizedZero() {
    RecoveredSigners memo = new RecoveredSigners(8);
    for (int i = 0; i < 1_000; i++) memo.put(RecoveredSigners.input(hash(i), sig(5, i + 1, 0)), "0x" + i);
    int kept = 0;
    for (int i = 0; i < 1_000; i++) {
      String signer = memo.get(RecoveredSigners.input(hash(i), sig(5, i + 1, 0)));
      if (signer != null) {
        assertThat(signer).isEqualTo("0x" + i);
        kept++;
      }
    }
    assertThat(kept).isBetween(1, 8);
    RecoveredSigners none = new RecoveredSigners(0);
    none.put(RecoveredSigners.input(hash(1), sig(5, 6, 0)), "0xabc");
    assertThat(none.get(RecoveredSigners.input(hash(1), sig(5, 6, 0)))).isNull();
  }
}
