package io.tollgate.signature;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;

/** Public-key recovery: the signing key's address, and nothing (never a throw) for an r off the curve. */
class EcdsaTest {
  private final SecureRandom random = new SecureRandom();

  private byte[] randomHash() {
    byte[] hash = new byte[32];
    random.nextBytes(hash);
    return hash;
  }

  @Test
  void recoversTheSigningKeysAddress() throws Exception {
    for (int i = 0; i < 50; i++) {
      ECKeyPair key = Keys.createEcKeyPair(random);
      byte[] hash = randomHash();
      Sign.SignatureData signature = Sign.signMessage(hash, key, false);
      byte[] bytes = new byte[65];
      System.arraycopy(signature.getR(), 0, bytes, 0, 32);
      System.arraycopy(signature.getS(), 0, bytes, 32, 32);
      bytes[64] = signature.getV()[0];
      Ecdsa.Parsed parsed = Ecdsa.parse(bytes).parsed();

      String ours = Ecdsa.recover(hash, parsed);
      assertThat(ours).isEqualTo("0x" + Keys.getAddress(key.getPublicKey()));
      // the other parity recovers some other key, never the signer
      Ecdsa.Parsed flipped = new Ecdsa.Parsed(parsed.r(), parsed.s(), 1 - parsed.recoveryId());
      assertThat(Ecdsa.recover(hash, flipped)).isNotEqualTo(ours);
    }
  }

  @Test
  void anROfNoCurvePointRecoversNothing() {
    // x = 5 is not the x-coordinate of a secp256k1 point (5³ + 7 = 132 is no square mod p; web3j throws)
    Ecdsa.Parsed parsed = new Ecdsa.Parsed(BigInteger.valueOf(5), BigInteger.ONE, 0);
    assertThat(Ecdsa.recover(randomHash(), parsed)).isNull();
  }
}
