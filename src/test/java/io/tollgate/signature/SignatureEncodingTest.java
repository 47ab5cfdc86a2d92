package io.tollgate.signature;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/** Encoding and shape rules that need no chain. */
class SignatureEncodingTest {
  private static final Credentials KEY =
      Credentials.create("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");

  @Test
  void shouldHashPersonalSignLikeEveryWallet() {
    // keccak256("\x19Ethereum Signed Message:\n5hello"), as eth_sign/personal_sign compute it
    assertThat(Digest.personalSign("hello").hex())
        .isEqualTo("0x50b2c43fd39106bafbba0da34fc430e1f91e3c96ea2acee2bc34119f92b37750");
  }

  @Test
  void shouldHashEip712LikeTheSpecificationsExample() {
    String mail = """
        {"types":{"EIP712Domain":[{"name":"name","type":"string"},{"name":"version","type":"string"},
          {"name":"chainId","type":"uint256"},{"name":"verifyingContract","type":"address"}],
          "Person":[{"name":"name","type":"string"},{"name":"wallet","type":"address"}],
          "Mail":[{"name":"from","type":"Person"},{"name":"to","type":"Person"},{"name":"contents","type":"string"}]},
         "primaryType":"Mail",
         "domain":{"name":"Ether Mail","version":"1","chainId":1,"verifyingContract":"0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"},
         "message":{"from":{"name":"Cow","wallet":"0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"},
                    "to":{"name":"Bob","wallet":"0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"},"contents":"Hello, Bob!"}}""";
    assertThat(Digest.eip712Json(mail).hex()).isEqualTo("0xbe609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2");
  }

  @Test
  void shouldParseVInEveryAcceptedForm() {
    byte[] hash = Hash.sha3("x".getBytes());
    byte[] signature = TestSigner.sign(hash, KEY.getEcKeyPair());
    for (int v : new int[] {0, 1, 27, 28}) {
      byte[] copy = signature.clone();
      copy[64] = (byte) v;
      Ecdsa.Shape shape = Ecdsa.parse(copy);
      assertThat(shape.problem()).as("v=" + v).isNull();
      assertThat(shape.parsed().recoveryId()).isEqualTo(v % 27 == 0 || v == 0 ? 0 : 1);
    }
    int recoveryId = signature[64] - 27;
    assertThat(Ecdsa.recover(hash, Ecdsa.parse(signature).parsed())).isEqualTo(KEY.getAddress());
    byte[] flipped = signature.clone();
    flipped[64] = (byte) (recoveryId == 0 ? 28 : 27);
    assertThat(Ecdsa.recover(hash, Ecdsa.parse(flipped).parsed())).isNotEqualTo(KEY.getAddress());
  }

  @Test
  void shouldRefuseBadShapes() {
    byte[] signature = TestSigner.sign(Hash.sha3("x".getBytes()), KEY.getEcKeyPair());
    assertThat(Ecdsa.parse(TestSigner.highS(signature)).problem()).isEqualTo(InvalidReason.MALLEABLE_SIGNATURE);
    byte[] v2 = signature.clone();
    v2[64] = 2;
    assertThat(Ecdsa.parse(v2).problem()).isEqualTo(InvalidReason.MALFORMED_SIGNATURE);
    byte[] rTooBig = signature.clone();
    System.arraycopy(Numeric.toBytesPadded(Ecdsa.N, 32), 0, rTooBig, 0, 32);
    assertThat(Ecdsa.parse(rTooBig).problem()).isEqualTo(InvalidReason.MALFORMED_SIGNATURE);
    assertThat(Ecdsa.parse(Arrays.copyOf(signature, 64)).problem()).isEqualTo(InvalidReason.MALFORMED_SIGNATURE);
  }

  @Test
  void shouldRecogniseOnlySafeStaticShapes() {
    byte[] approved = new byte[65];
    approved[31] = 7;
    approved[64] = 1;
    assertThat(Ecdsa.isSafeStaticShape(approved)).isTrue();
    approved[64] = 0;
    assertThat(Ecdsa.isSafeStaticShape(approved)).isTrue();
    approved[64] = 27;
    assertThat(Ecdsa.isSafeStaticShape(approved)).isFalse();
    approved[64] = 1;
    approved[63] = 1; // s != 0
    assertThat(Ecdsa.isSafeStaticShape(approved)).isFalse();
    assertThat(Ecdsa.isSafeStaticShape(new byte[66])).isFalse();
  }

  @Test
  void shouldWrapAndUnwrapErc6492Signatures() {
    Erc6492.Wrapped wrapped = new Erc6492.Wrapped("0x" + "ab".repeat(20), new byte[] {1, 2, 3, 4, 5}, new byte[70]);
    byte[] encoded = Erc6492.wrap(wrapped);
    assertThat(Erc6492.hasMagic(encoded)).isTrue();
    assertThat(encoded.length % 32).isZero();
    Erc6492.Wrapped back = Erc6492.unwrapOrNull(encoded);
    assertThat(back.factory()).isEqualTo(wrapped.factory());
    assertThat(back.factoryCalldata()).containsExactly(1, 2, 3, 4, 5);
    assertThat(back.innerSignature()).hasSize(70);
    // compare with the ABI encoder of web3j for the body
    String body = org.web3j.abi.FunctionEncoder.encodeConstructor(java.util.List.of(
        new org.web3j.abi.datatypes.Address(wrapped.factory()),
        new org.web3j.abi.datatypes.DynamicBytes(wrapped.factoryCalldata()),
        new org.web3j.abi.datatypes.DynamicBytes(wrapped.innerSignature())));
    assertThat(Numeric.toHexString(Arrays.copyOf(encoded, encoded.length - 32))).isEqualTo("0x" + body);
  }

  @Test
  void shouldRefuseHostileErc6492Wrappers() {
    byte[] good = Erc6492.wrap(new Erc6492.Wrapped("0x" + "ab".repeat(20), new byte[] {1}, new byte[65]));
    byte[] dirtyAddress = good.clone();
    dirtyAddress[0] = 1;
    assertThat(Erc6492.unwrapOrNull(dirtyAddress)).isNull();
    byte[] offsetOutside = good.clone();
    offsetOutside[63] = (byte) 0xff; // calldata offset points past the body
    assertThat(Erc6492.unwrapOrNull(offsetOutside)).isNull();
    byte[] lengthOutside = good.clone();
    lengthOutside[96 + 30] = 0x10; // calldata length 4097
    assertThat(Erc6492.unwrapOrNull(lengthOutside)).isNull();
    byte[] hugeOffset = good.clone();
    hugeOffset[32] = 0x7f;
    assertThat(Erc6492.unwrapOrNull(hugeOffset)).isNull();
    assertThat(Erc6492.unwrapOrNull(TestSigner.concat(new byte[64], Erc6492.MAGIC))).isNull();
  }

  @Test
  void shouldClassifyCodeAndPinItsPrefix() {
    WalletCode eoa = WalletCode.of(new byte[0]);
    assertThat(eoa.kind()).isEqualTo(WalletCode.Kind.EOA);
    assertThat(eoa.codeHash()).isEqualTo("0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
    byte[] delegation = Numeric.hexStringToByteArray("0xef0100" + "12".repeat(20));
    WalletCode delegated = WalletCode.of(delegation);
    assertThat(delegated.kind()).isEqualTo(WalletCode.Kind.DELEGATED);
    assertThat(delegated.delegate()).contains("0x" + "12".repeat(20));
    WalletCode contract = WalletCode.of(Numeric.hexStringToByteArray("0x6080604052" + "00".repeat(40)));
    assertThat(contract.kind()).isEqualTo(WalletCode.Kind.CONTRACT);
    assertThat(contract.prefix()).hasSize(2 + 46);
    assertThat(WalletCode.of(Numeric.hexStringToByteArray("0xef0100" + "12".repeat(21))).kind()).isEqualTo(WalletCode.Kind.CONTRACT);

    WalletCode redelegated = WalletCode.of(Numeric.hexStringToByteArray("0xef0100" + "34".repeat(20)));
    assertThat(delegated.permits(delegated)).isTrue();
    assertThat(delegated.permits(redelegated)).isFalse();
    assertThat(eoa.permits(delegated)).as("an EOA delegated after binding").isFalse();
    assertThat(eoa.asCounterfactual().permits(contract)).as("a counterfactual wallet deployed after binding").isTrue();
    assertThat(eoa.asCounterfactual().permits(delegated)).isFalse();
  }

  @Test
  void shouldExpireAndBoundCachedOutcomesAndNeverKeepUnavailable() {
    MutableClock clock = new MutableClock();
    ResultCache cache = new ResultCache(2, Duration.ofSeconds(60), clock);
    SignatureCheck valid = new SignatureCheck.Valid(VerificationMethod.ECDSA, 1, WalletCode.of(new byte[0]));
    ResultCache.Key a = new ResultCache.Key("0xa", "0x1", "0x2", 1, "0x3");
    ResultCache.Key b = new ResultCache.Key("0xb", "0x1", "0x2", 1, "0x3");
    ResultCache.Key c = new ResultCache.Key("0xc", "0x1", "0x2", 1, "0x3");
    cache.put(a, valid);
    cache.put(b, valid);
    assertThat(cache.get(a)).isEqualTo(valid); // a is now the most recently used
    cache.put(c, valid);
    assertThat(cache.get(b)).as("least recently used is evicted").isNull();
    assertThat(cache.get(a)).isEqualTo(valid);
    clock.now = clock.now.plusSeconds(60);
    assertThat(cache.get(a)).as("expired").isNull();
    cache.put(a, new SignatureCheck.Unavailable("down"));
    assertThat(cache.get(a)).isNull();
  }

  private static final class MutableClock extends Clock {
    Instant now = Instant.parse("2026-11-22T00:00:00Z");

    @Override
    public ZoneOffset getZone() { return ZoneOffset.UTC; }

    @Override
    public Clock withZone(java.time.ZoneId zone) { return this; }

    @Override
    public Instant instant() { return now; }
  }
}
