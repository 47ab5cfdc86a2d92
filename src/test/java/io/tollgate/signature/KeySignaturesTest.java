package io.tollgate.signature;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.Keys;
import org.web3j.utils.Numeric;

/** The key-only check keeps the verifier's rules for an account without code, with no chain at all. */
class KeySignaturesTest {
  private static final Credentials KEY = Credentials.create("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
  private static final byte[] HASH = Hash.sha3(new byte[] {1, 2, 3});

  private static SignatureCheck check(String signer, byte[] signature) {
    return KeySignatures.check(new SignatureRequest(signer, Digest.raw(HASH), Numeric.toHexString(signature)), 31337);
  }

  @Test
  void theKeysOwnSignatureIsValidInAnyCaseOfTheAddress() {
    byte[] signature = TestSigner.sign(HASH, KEY.getEcKeyPair());
    assertThat(check(KEY.getAddress(), signature)).isInstanceOf(SignatureCheck.Valid.class);
    assertThat(check(Keys.toChecksumAddress(KEY.getAddress()), signature)).isInstanceOf(SignatureCheck.Valid.class);
    byte[] v01 = signature.clone();
    v01[64] = (byte) (v01[64] - 27);
    assertThat(check(KEY.getAddress(), v01)).isInstanceOf(SignatureCheck.Valid.class);
  }

  @Test
  void aRepeatedCheckNeedsNoRecoveryAndAnswersTheSame() {
    byte[] hash = Hash.sha3(java.util.UUID.randomUUID().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    byte[] signature = TestSigner.sign(hash, KEY.getEcKeyPair());
    SignatureRequest request = new SignatureRequest(KEY.getAddress(), Digest.raw(hash), Numeric.toHexString(signature));
    SignatureRequest byOther = new SignatureRequest("0x" + "1".repeat(40), Digest.raw(hash), Numeric.toHexString(signature));
    assertThat(KeySignatures.checkWithoutRecovery(request, 31337)).as("never recovered: the worker must").isNull();
    assertThat(KeySignatures.check(request, 31337)).isInstanceOf(SignatureCheck.Valid.class);
    assertThat(KeySignatures.checkWithoutRecovery(request, 31337)).isInstanceOf(SignatureCheck.Valid.class);
    assertThat(reason(KeySignatures.checkWithoutRecovery(byOther, 31337))).isEqualTo(InvalidReason.WRONG_SIGNER);
    // a refused shape needs no recovery either
    assertThat(reason(KeySignatures.checkWithoutRecovery(new SignatureRequest(KEY.getAddress(), Digest.raw(hash),
        Numeric.toHexString(TestSigner.highS(signature))), 31337))).isEqualTo(InvalidReason.MALLEABLE_SIGNATURE);
  }

  @Test
  void everythingElseIsRefusedWithTheVerifiersReason() {
    byte[] signature = TestSigner.sign(HASH, KEY.getEcKeyPair());
    assertThat(reason(check("0x" + "1".repeat(40), signature))).isEqualTo(InvalidReason.WRONG_SIGNER);
    assertThat(reason(check(KEY.getAddress(), TestSigner.highS(signature)))).isEqualTo(InvalidReason.MALLEABLE_SIGNATURE);
    String badChecksum = "0x" + Keys.toChecksumAddress(KEY.getAddress()).substring(2, 41) + flipCase(KEY.getAddress());
    assertThat(reason(check(badChecksum, signature))).isEqualTo(InvalidReason.MALFORMED_ADDRESS);
    assertThat(reason(check("0x" + "0".repeat(40), signature))).isEqualTo(InvalidReason.MALFORMED_ADDRESS);
    assertThat(reason(check(KEY.getAddress(), java.util.Arrays.copyOf(signature, 64)))).isEqualTo(InvalidReason.MALFORMED_SIGNATURE);
    byte[] safeStatic = new byte[65];
    System.arraycopy(Numeric.hexStringToByteArray("0x" + "0".repeat(24) + KEY.getAddress().substring(2)), 0, safeStatic, 0, 32);
    safeStatic[64] = 1;
    assertThat(reason(check(KEY.getAddress(), safeStatic))).isEqualTo(InvalidReason.SAFE_STATIC_SIGNATURE);
    // r = 5 is no curve point's x: nobody's key recovers, a wrong signer (not a thrown exception, which
    // would fail a whole batch of other buyers' checks on the worker)
    byte[] offCurve = signature.clone();
    java.util.Arrays.fill(offCurve, 0, 32, (byte) 0);
    offCurve[31] = 5;
    assertThat(reason(check(KEY.getAddress(), offCurve))).isEqualTo(InvalidReason.WRONG_SIGNER);
  }

  private static InvalidReason reason(SignatureCheck check) {
    assertThat(check).isInstanceOf(SignatureCheck.Invalid.class);
    return ((SignatureCheck.Invalid) check).reason();
  }

  /** The last hex digit of the checksummed address with its case flipped (a letter), or a wrong letter. */
  private static String flipCase(String address) {
    char last = Keys.toChecksumAddress(address).charAt(41);
    if (Character.isLetter(last)) return String.valueOf(Character.isUpperCase(last) ? Character.toLowerCase(last) : Character.toUpperCase(last));
    return "A";
  }
}
