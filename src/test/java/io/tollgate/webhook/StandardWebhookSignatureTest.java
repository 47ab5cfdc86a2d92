package io.tollgate.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.webhook.WebhookSignatureException.Reason;
import io.vertx.core.MultiMap;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

public class StandardWebhookSignatureTest {
  // The published vector every official Standard Webhooks library tests against.
  public static final WebhookSecret SECRET = WebhookSecret.parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  static final long TS = 1614265330L;
  static final byte[] BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);
  static final String EXPECTED = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

  static Clock at(long epochSecond) {
    return Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC);
  }

  @Test
  void signerReproducesThePublishedVector() {
    StandardWebhookHeaders headers = new StandardWebhookSigner(at(TS)).sign(ID, BODY, List.of(SECRET));
    assertThat(headers.signature()).isEqualTo(EXPECTED);
    assertThat(headers.id()).isEqualTo(ID);
    MultiMap wire = headers.applyTo(MultiMap.caseInsensitiveMultiMap());
    assertThat(wire.get("webhook-timestamp")).isEqualTo("1614265330");
    assertThat(wire.get("webhook-signature")).isEqualTo(EXPECTED);
  }

  @Test
  void verifierAcceptsThePublishedVector() {
    StandardWebhookHeaders verified = new StandardWebhookVerifier(at(TS + 10))
        .verify(ID, "1614265330", EXPECTED, BODY, List.of(SECRET));
    assertThat(verified.timestamp()).isEqualTo(Instant.ofEpochSecond(TS));
  }

  @Test
  void duringRotationEverySecretSignsAndEitherVerifies() {
    WebhookSecret next = WebhookSecret.generate(new SecureRandom());
    String both = StandardWebhookSigner.signature(ID, TS, BODY, List.of(SECRET, next));
    assertThat(both.split(" ")).hasSize(2).startsWith(EXPECTED);
    StandardWebhookVerifier verifier = new StandardWebhookVerifier(at(TS));
    verifier.verify(ID, "1614265330", both, BODY, List.of(SECRET));
    verifier.verify(ID, "1614265330", both, BODY, List.of(next));
  }

  @Test
  void rejectsWrongSecretTamperedBodyAndOtherId() {
    StandardWebhookVerifier verifier = new StandardWebhookVerifier(at(TS));
    WebhookSecret other = WebhookSecret.generate(new SecureRandom());
    assertReason(() -> verifier.verify(ID, "1614265330", EXPECTED, BODY, List.of(other)), Reason.NO_MATCHING_SIGNATURE);
    byte[] tampered = "{\"test\": 2432232315}".getBytes(StandardCharsets.UTF_8);
    assertReason(() -> verifier.verify(ID, "1614265330", EXPECTED, tampered, List.of(SECRET)), Reason.NO_MATCHING_SIGNATURE);
    assertReason(() -> verifier.verify("msg_other", "1614265330", EXPECTED, BODY, List.of(SECRET)), Reason.NO_MATCHING_SIGNATURE);
    assertReason(() -> verifier.verify(ID, "1614265331", EXPECTED, BODY, List.of(SECRET)), Reason.NO_MATCHING_SIGNATURE);
  }

  @Test
  void ignoresOtherVersionsAndGarbageButFindsTheMatchingV1() {
    StandardWebhookVerifier verifier = new StandardWebhookVerifier(at(TS));
    String header = "v2,abc v1,notbase64!! v1,AAAA " + EXPECTED;
    verifier.verify(ID, "1614265330", header, BODY, List.of(SECRET));
    // The right bytes under another version label must not pass.
    assertReason(() -> verifier.verify(ID, "1614265330", EXPECTED.replace("v1,", "v2,"), BODY, List.of(SECRET)),
        Reason.NO_MATCHING_SIGNATURE);
  }

  @Test
  void timestampToleranceIsFiveMinutesBothWays() {
    assertThat(new StandardWebhookVerifier(at(TS + 300)).verify(ID, "1614265330", EXPECTED, BODY, List.of(SECRET)))
        .isNotNull();
    assertThat(new StandardWebhookVerifier(at(TS - 300)).verify(ID, "1614265330", EXPECTED, BODY, List.of(SECRET)))
        .isNotNull();
    assertReason(() -> new StandardWebhookVerifier(at(TS + 301)).verify(ID, "1614265330", EXPECTED, BODY, List.of(SECRET)),
        Reason.TIMESTAMP_TOO_OLD);
    assertReason(() -> new StandardWebhookVerifier(at(TS - 301)).verify(ID, "1614265330", EXPECTED, BODY, List.of(SECRET)),
        Reason.TIMESTAMP_TOO_NEW);
  }

  @Test
  void malformedAndMissingHeaders() {
    StandardWebhookVerifier verifier = new StandardWebhookVerifier(at(TS));
    assertReason(() -> verifier.verify(ID, "16142653x0", EXPECTED, BODY, List.of(SECRET)), Reason.MALFORMED_HEADER);
    assertReason(() -> verifier.verify(ID, "-1614265330", EXPECTED, BODY, List.of(SECRET)), Reason.MALFORMED_HEADER);
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().set("Webhook-Id", ID).set("Webhook-Timestamp", "1614265330");
    assertReason(() -> verifier.verify(headers, BODY, List.of(SECRET)), Reason.MISSING_HEADER);
    headers.set("WEBHOOK-SIGNATURE", EXPECTED);
    assertThat(verifier.verify(headers, BODY, List.of(SECRET)).id()).isEqualTo(ID);
  }

  @Test
  void secretsAreGeneratedParsedAndNeverPrinted() {
    WebhookSecret generated = WebhookSecret.generate(new SecureRandom());
    assertThat(generated.serialized()).startsWith("whsec_");
    assertThat(WebhookSecret.parse(generated.serialized())).isEqualTo(generated);
    assertThat(generated.toString()).doesNotContain(generated.serialized().substring(6, 20));
    assertThatThrownBy(() -> WebhookSecret.parse("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> WebhookSecret.parse("whsec_c2hvcnQ=")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("c2hvcnQ");
    assertThatThrownBy(() -> WebhookSecret.parse("whsec_***")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void failuresMapToTheWireErrorWithOnlyTheReasonCode() {
    WebhookSignatureException e = new WebhookSignatureException(Reason.TIMESTAMP_TOO_OLD, "timestamp outside tolerance");
    assertThat(e.toApiException().error()).isEqualTo(io.tollgate.api.ErrorCode.INVALID_WEBHOOK_SIGNATURE);
    assertThat(e.toApiException().error().httpStatus()).isEqualTo(400);
    assertThat(e.toApiException().detail()).isEqualTo("timestamp_too_old");
  }

  @Test
  void signerRefusesIdsThatWouldMakeTheSignedContentAmbiguous() {
    assertThatThrownBy(() -> StandardWebhookSigner.signature("evt.1", TS, BODY, List.of(SECRET)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  public static void assertReason(Runnable call, Reason reason) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(WebhookSignatureException.class,
        e -> assertThat(e.reason()).isEqualTo(reason));
  }
}
