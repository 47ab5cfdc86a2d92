package io.tollgate.gasless;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.tollgate.chain.Hex;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.StructuredDataEncoder;

/** The checks that need no chain: the signed terms against the checkout, the nonces, the wire forms. */
class GaslessTermsTest {
  private static final String RECIPIENT = "0xa0ee7a142d267c1f36714e4a8f75612f20a79720";
  private static final String PAYER = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
  private static final String TOKEN = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
  private static final Instant NOW = Instant.parse("2026-12-06T18:00:00Z");
  private static final Instant EXPIRY = NOW.plus(Duration.ofMinutes(30));
  private static final UUID CHECKOUT = UUID.randomUUID();
  private static final GaslessSettings SETTINGS = new GaslessSettings(Duration.ofSeconds(30), Duration.ofSeconds(60),
      Set.of("0x1111111111111111111111111111111111111111"), Duration.ofSeconds(60), Duration.ofSeconds(5),
      Duration.ofSeconds(15), 16 * 1024);
  private final AuthorizationNonces nonces = new AuthorizationNonces(new byte[32]);

  private GaslessLedger.Facts facts(String status, String payer) {
    return new GaslessLedger.Facts(status, payer, EXPIRY, false, "required", TOKEN, new BigDecimal("12500000"), RECIPIENT, null);
  }

  private TransferAuthorization good() {
    return new TransferAuthorization(PAYER, RECIPIENT, BigInteger.valueOf(12_500_000), NOW.getEpochSecond() - 60,
        EXPIRY.getEpochSecond(), nonces.issue(CHECKOUT, 31337, "USDC"));
  }

  private Optional<ApiException> check(GaslessLedger.Facts f, TransferAuthorization a) {
    return AuthorizationTerms.refusal(new AuthorizationTerms.Input(CHECKOUT, 31337, "USDC", f, a, NOW, SETTINGS, nonces));
  }

  private void assertRefused(GaslessLedger.Facts f, TransferAuthorization a, ErrorCode code) {
    assertThat(check(f, a)).get().extracting(ApiException::error).isEqualTo(code);
  }

  @Nested
  class Terms {
    @Test
    void shouldAcceptTheOfferedTermsForAnUnboundAndForTheBoundPayer() {
      assertThat(check(facts("open", null), good())).isEmpty();
      assertThat(check(facts("failed", PAYER), good())).isEmpty();
    }

    @Test
    void shouldRefuseEachWrongTermWithItsOwnCode() {
      TransferAuthorization a = good();
      assertRefused(facts("open", null), new TransferAuthorization(a.from(), PAYER, a.value(), a.validAfter(), a.validBefore(),
          a.nonce()), ErrorCode.AUTHORIZATION_WRONG_RECIPIENT);
      assertRefused(facts("open", null), new TransferAuthorization(a.from(), a.to(), a.value().add(BigInteger.ONE),
          a.validAfter(), a.validBefore(), a.nonce()), ErrorCode.AUTHORIZATION_WRONG_VALUE);
      assertRefused(facts("open", null), new TransferAuthorization(a.from(), a.to(), a.value().subtract(BigInteger.ONE),
          a.validAfter(), a.validBefore(), a.nonce()), ErrorCode.AUTHORIZATION_WRONG_VALUE);
      assertRefused(facts("open", RECIPIENT), a, ErrorCode.AUTHORIZATION_WRONG_PAYER);
      assertRefused(facts("open", null), new TransferAuthorization(a.from(), a.to(), a.value(), NOW.getEpochSecond() + 1,
          a.validBefore(), a.nonce()), ErrorCode.AUTHORIZATION_NOT_YET_VALID);
      assertRefused(facts("open", null), new TransferAuthorization(a.from(), a.to(), a.value(), a.validAfter(),
          NOW.getEpochSecond() + 30, a.nonce()), ErrorCode.AUTHORIZATION_EXPIRED);
      assertRefused(facts("open", null), new TransferAuthorization(a.from(), a.to(), a.value(), a.validAfter(),
          EXPIRY.getEpochSecond() + 1, a.nonce()), ErrorCode.AUTHORIZATION_OUTLIVES_CHECKOUT);
      assertRefused(facts("open", null), new TransferAuthorization(a.from(), a.to(), a.value(), a.validAfter(),
          a.validBefore(), Hex.encode(new byte[32])), ErrorCode.AUTHORIZATION_NONCE_NOT_ISSUED);
    }

    @Test
    void shouldRefuseACheckoutThatCannotBePaidNowOrAnOptionItDoesNotHave() {
      assertRefused(facts("pending", null), good(), ErrorCode.CHECKOUT_NOT_PAYABLE);
      assertRefused(facts("paid", null), good(), ErrorCode.CHECKOUT_NOT_PAYABLE);
      assertRefused(new GaslessLedger.Facts("open", null, NOW.minusSeconds(1), true, "required", TOKEN,
          new BigDecimal("12500000"), RECIPIENT, null), good(), ErrorCode.CHECKOUT_NOT_PAYABLE);
      assertRefused(new GaslessLedger.Facts("open", null, EXPIRY, false, "required", null, null, null, null), good(),
          ErrorCode.PAYMENT_METHOD_NOT_AVAILABLE);
    }

    @Test
    void shouldAllowUndeployedWalletsOnlyFromAllowlistedFactories() {
      assertThat(AuthorizationTerms.factoryRefusal(Optional.empty(), SETTINGS)).isEmpty();
      assertThat(AuthorizationTerms.factoryRefusal(Optional.of("0x1111111111111111111111111111111111111111"), SETTINGS)).isEmpty();
      assertThat(AuthorizationTerms.factoryRefusal(Optional.of("0x2222222222222222222222222222222222222222"), SETTINGS))
          .get().extracting(ApiException::error).isEqualTo(ErrorCode.FACTORY_NOT_ALLOWED);
    }
  }

  @Nested
  class Nonces {
    @Test
    void shouldNameTheirCheckoutOptionAndKey() {
      String nonce = nonces.issue(CHECKOUT, 31337, "USDC");
      assertThat(nonce).matches("0x[0-9a-f]{64}");
      assertThat(nonces.issue(CHECKOUT, 31337, "USDC")).isNotEqualTo(nonce); // fresh per offer
      assertThat(nonces.wasIssuedFor(nonce, CHECKOUT, 31337, "USDC")).isTrue();
      assertThat(nonces.wasIssuedFor(nonce, UUID.randomUUID(), 31337, "USDC")).isFalse();
      assertThat(nonces.wasIssuedFor(nonce, CHECKOUT, 1, "USDC")).isFalse();
      assertThat(nonces.wasIssuedFor(nonce, CHECKOUT, 31337, "USDT0")).isFalse();
      byte[] otherKey = new byte[32];
      otherKey[0] = 1;
      assertThat(new AuthorizationNonces(otherKey).wasIssuedFor(nonce, CHECKOUT, 31337, "USDC")).isFalse();
      byte[] flipped = Hex.decode(nonce);
      flipped[31] ^= 1;
      assertThat(nonces.wasIssuedFor(Hex.encode(flipped), CHECKOUT, 31337, "USDC")).isFalse();
    }
  }

  @Nested
  class WireForms {
    @Test
    void shouldAcceptEverySignatureFormKeepingItsBytes() {
      String r = "0x" + "11".repeat(32);
      String s = "0x" + "22".repeat(32);
      String expected = "0x" + "11".repeat(32) + "22".repeat(32) + "1c";
      assertThat(AuthorizationSignature.parse(new JsonObject().put("v", 28).put("r", r).put("s", s), 1024)).isEqualTo(expected);
      String raw01 = "0x" + "11".repeat(32) + "22".repeat(32) + "01";
      assertThat(AuthorizationSignature.parse(new JsonObject().put("v", 1).put("r", r).put("s", s), 1024)).isEqualTo(raw01);
      assertThat(AuthorizationSignature.parse(new JsonObject().put("v", "0x1c").put("r", r).put("s", s), 1024)).isEqualTo(expected);
      assertThat(AuthorizationSignature.parse(raw01, 1024)).isEqualTo(raw01);
      assertThat(AuthorizationSignature.parse(expected, 1024)).isEqualTo(expected);
      String contract = "0x" + "ab".repeat(200);
      assertThat(AuthorizationSignature.parse(contract, 1024)).isEqualTo(contract);
    }

    @Test
    void shouldRefuseMalformedSignatures() {
      for (Object bad : new Object[] {"0x1234", "zz", "0x" + "11".repeat(2000),
          new JsonObject().put("v", 29).put("r", "0x" + "11".repeat(32)).put("s", "0x" + "22".repeat(32)),
          new JsonObject().put("v", 27).put("r", "0x11").put("s", "0x" + "22".repeat(32))}) {
        assertThatThrownBy(() -> AuthorizationSignature.parse(bad, 1024)).isInstanceOf(ApiException.class)
            .extracting(e -> ((ApiException) e).error()).isEqualTo(ErrorCode.MALFORMED_SIGNATURE);
      }
      assertThatThrownBy(() -> AuthorizationSignature.parse(42, 1024)).extracting(e -> ((ApiException) e).error())
          .isEqualTo(ErrorCode.INVALID_REQUEST);
    }

    @Test
    void shouldReadAuthorizationsAsSignedAndRefuseOthers() {
      JsonObject json = good().toJson();
      assertThat(TransferAuthorization.fromJson(json)).isEqualTo(good().withNonce(json.getString("nonce")));
      JsonObject numbers = json.copy().put("value", 12_500_000).put("validAfter", good().validAfter());
      assertThat(TransferAuthorization.fromJson(numbers).value()).isEqualTo(BigInteger.valueOf(12_500_000));
      assertThatThrownBy(() -> TransferAuthorization.fromJson(json.copy().put("value", "-1")))
          .extracting(e -> ((ApiException) e).error()).isEqualTo(ErrorCode.INVALID_REQUEST);
      assertThatThrownBy(() -> TransferAuthorization.fromJson(json.copy().put("to", "0x12")))
          .extracting(e -> ((ApiException) e).error()).isEqualTo(ErrorCode.INVALID_REQUEST);
      assertThatThrownBy(() -> TransferAuthorization.fromJson(json.copy().put("validBefore", "1" + "0".repeat(30))))
          .extracting(e -> ((ApiException) e).error()).isEqualTo(ErrorCode.INVALID_REQUEST);
    }

    /** Our digest of the offered typed data is the one a second EIP-712 implementation computes. */
    @Test
    void shouldHashTheOfferedTypedDataAsAnotherEip712ImplementationDoes() throws Exception {
      for (TokenDomain domain : new TokenDomain[] {new TokenDomain("USD Coin", "2", 8453, TOKEN),
          new TokenDomain(GaslessTokens.USDT0_NAME, "1", 42161, TOKEN)}) {
        TransferAuthorization a = good();
        JsonObject typed = TypedData.of(domain, a);
        byte[] theirs = new StructuredDataEncoder(typed.encode()).hashStructuredData();
        byte[] ours = io.tollgate.signature.TestSigner.envelope(domain.separator(), a.structHash());
        assertThat(Hex.encode(ours)).isEqualTo(Hex.encode(theirs));
      }
    }
  }
}
