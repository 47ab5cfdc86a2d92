package io.tollgate.inbound;

import io.tollgate.webhook.Hmac;
import io.tollgate.webhook.StandardWebhookSignatureTest;
import io.tollgate.webhook.StandardWebhookSigner;
import io.tollgate.webhook.WebhookSecret;
import static io.tollgate.webhook.StandardWebhookSignatureTest.assertReason;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.webhook.WebhookSignatureException.Reason;
import io.vertx.core.MultiMap;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Expected signatures are constants computed outside Java ({@code openssl dgst -sha256 -hmac}),
 * so a shared bug in our HMAC path cannot make both sides agree.
 */
class InboundSignatureSchemeTest {

  static MultiMap headers(String... pairs) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < pairs.length; i += 2) {
      headers.add(pairs[i], pairs[i + 1]);
    }
    return headers;
  }

  static Clock at(Instant instant) {
    return Clock.fixed(instant, ZoneOffset.UTC);
  }

  @Nested
  class Stripe {
    static final String SECRET = "whsec_stripe_test_secret_0123456789";
    static final String BODY =
        "{\"id\":\"evt_1Stripe\",\"type\":\"payment_intent.succeeded\",\"data\":{\"object\":{\"id\":\"pi_1\"}}}";
    // printf '%s' "1700000000.$BODY" | openssl dgst -sha256 -hmac "$SECRET" -hex
    static final String SIG = "53d09d26ad252ebe52ab1a457cae8aa202352f837bd5d9cb39015272c861c484";
    static final Instant T = Instant.ofEpochSecond(1_700_000_000L);

    final StripeSignatureScheme scheme = new StripeSignatureScheme(List.of(SECRET), at(T.plusSeconds(30)));

    VerifiedEvent verify(StripeSignatureScheme s, String header, String body) {
      return s.verify(headers("Stripe-Signature", header), body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void acceptsAnIndependentlyComputedSignatureAndExtractsIdAndType() {
      VerifiedEvent event = verify(scheme, "t=1700000000,v1=" + SIG, BODY);
      assertThat(event.eventId()).isEqualTo("evt_1Stripe");
      assertThat(event.kind()).isEqualTo("payment_intent.succeeded");
      assertThat(event.signedAt()).isEqualTo(T);
      assertThat(event.payload().getJsonObject("data").getJsonObject("object").getString("id")).isEqualTo("pi_1");
    }

    @Test
    void oneMatchingV1AmongSeveralIsEnoughAndOtherSchemesAreIgnored() {
      String other = "0".repeat(64);
      verify(scheme, "t=1700000000,v1=" + other + ",v0=" + other + ",v1=" + SIG.toUpperCase(), BODY);
      // The right digest labelled v0 must not count.
      assertReason(() -> verify(scheme, "t=1700000000,v1=" + other + ",v0=" + SIG, BODY), Reason.NO_MATCHING_SIGNATURE);
    }

    @Test
    void acceptsAnyOfSeveralConfiguredSecrets() {
      StripeSignatureScheme rolling = new StripeSignatureScheme(List.of("whsec_new_one", SECRET), at(T));
      assertThat(verify(rolling, "t=1700000000,v1=" + SIG, BODY).eventId()).isEqualTo("evt_1Stripe");
    }

    @Test
    void rejectsWrongSecretAndTamperedBodyAndTimestamp() {
      StripeSignatureScheme wrong = new StripeSignatureScheme(List.of("whsec_stripe_test_secret_0123456780"), at(T));
      assertReason(() -> verify(wrong, "t=1700000000,v1=" + SIG, BODY), Reason.NO_MATCHING_SIGNATURE);
      assertReason(() -> verify(scheme, "t=1700000000,v1=" + SIG, BODY.replace("pi_1", "pi_2")), Reason.NO_MATCHING_SIGNATURE);
      assertReason(() -> verify(scheme, "t=1700000001,v1=" + SIG, BODY), Reason.NO_MATCHING_SIGNATURE);
    }

    @Test
    void toleranceIs300SecondsInBothDirections() {
      verify(new StripeSignatureScheme(List.of(SECRET), at(T.plusSeconds(300))), "t=1700000000,v1=" + SIG, BODY);
      verify(new StripeSignatureScheme(List.of(SECRET), at(T.minusSeconds(300))), "t=1700000000,v1=" + SIG, BODY);
      assertReason(() -> verify(new StripeSignatureScheme(List.of(SECRET), at(T.plusSeconds(301))),
          "t=1700000000,v1=" + SIG, BODY), Reason.TIMESTAMP_TOO_OLD);
      assertReason(() -> verify(new StripeSignatureScheme(List.of(SECRET), at(T.minusSeconds(301))),
          "t=1700000000,v1=" + SIG, BODY), Reason.TIMESTAMP_TOO_NEW);
    }

    @Test
    void malformedHeaders() {
      assertReason(() -> scheme.verify(headers(), BODY.getBytes(StandardCharsets.UTF_8)), Reason.MISSING_HEADER);
      assertReason(() -> verify(scheme, "v1=" + SIG, BODY), Reason.MALFORMED_HEADER);
      assertReason(() -> verify(scheme, "t=1700000000", BODY), Reason.MALFORMED_HEADER);
      assertReason(() -> verify(scheme, "t=1700000000,t=1700000000,v1=" + SIG, BODY), Reason.MALFORMED_HEADER);
      assertReason(() -> verify(scheme, "t=17OOOOOOOO,v1=" + SIG, BODY), Reason.MALFORMED_HEADER);
      assertReason(() -> verify(scheme, "garbage", BODY), Reason.MALFORMED_HEADER);
      assertReason(() -> verify(scheme, "t=1700000000,v1=zz" + SIG.substring(2), BODY), Reason.NO_MATCHING_SIGNATURE);
    }

    @Test
    void authenticButNotAnEventIsAPayloadError() {
      String body = "[1,2]";
      // printf '%s' '1700000000.[1,2]' | openssl dgst -sha256 -hmac "$SECRET"
      String sig = Hmac.hex(Hmac.sha256(SECRET.getBytes(StandardCharsets.UTF_8),
          "1700000000.[1,2]".getBytes(StandardCharsets.UTF_8)));
      assertReason(() -> verify(scheme, "t=1700000000,v1=" + sig, body), Reason.MALFORMED_PAYLOAD);
    }
  }

  @Nested
  class NodeRails {
    static final String SECRET = "nr_whsec_test_secret";
    static final String BODY = "{\"event\":\"payment.captured\",\"paymentIntentId\":\"pi_nr_1\",\"checkoutSessionId\":\"cs_nr_1\"}";
    // printf '%s' "1700000000123.$BODY" | openssl dgst -sha256 -hmac "$SECRET" -hex
    static final String SIG = "f42efe42f949dce07ed02b98253d1af885b2d9090a8103f9a97ca3b4091c082f";
    // printf '%s' "$BODY" | sha256sum, first 32 hex digits
    static final String BODY_ID = "nr_f28f3e0d71808ad2baba9e23a5b38392";
    static final Instant T = Instant.ofEpochMilli(1_700_000_000_123L);

    final NodeRailsSignatureScheme scheme = new NodeRailsSignatureScheme(List.of(SECRET), at(T.plusSeconds(2)));

    VerifiedEvent verify(NodeRailsSignatureScheme s, String ts, String sig, String body) {
      return s.verify(headers("X-NodeRails-Timestamp", ts, "X-NodeRails-Signature", sig),
          body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void acceptsMillisecondTimestampsAndDerivesAStableIdFromTheBody() {
      VerifiedEvent event = verify(scheme, "1700000000123", SIG, BODY);
      assertThat(event.kind()).isEqualTo("payment.captured");
      assertThat(event.eventId()).isEqualTo(BODY_ID);
      assertThat(event.signedAt()).isEqualTo(T);
      assertThat(verify(scheme, "1700000000123", "sha256=" + SIG, BODY).eventId()).isEqualTo(BODY_ID);
    }

    @Test
    void aBodyIdWinsOverTheDerivedOne() {
      String body = "{\"id\":\"whe_42\",\"event\":\"payment.refunded\"}";
      String sig = Hmac.hex(Hmac.sha256(SECRET.getBytes(StandardCharsets.UTF_8),
          ("1700000000123." + body).getBytes(StandardCharsets.UTF_8)));
      assertThat(verify(scheme, "1700000000123", sig, body).eventId()).isEqualTo("whe_42");
    }

    @Test
    void rejectsWrongSecretTamperingAndReplays() {
      assertReason(() -> verify(new NodeRailsSignatureScheme(List.of("other"), at(T)), "1700000000123", SIG, BODY),
          Reason.NO_MATCHING_SIGNATURE);
      assertReason(() -> verify(scheme, "1700000000123", SIG, BODY.replace("cs_nr_1", "cs_nr_2")), Reason.NO_MATCHING_SIGNATURE);
      // Seconds instead of milliseconds change the signed content.
      assertReason(() -> verify(scheme, "1700000000", SIG, BODY), Reason.NO_MATCHING_SIGNATURE);
      assertReason(() -> verify(new NodeRailsSignatureScheme(List.of(SECRET), at(T.plusSeconds(301))),
          "1700000000123", SIG, BODY), Reason.TIMESTAMP_TOO_OLD);
      assertReason(() -> verify(new NodeRailsSignatureScheme(List.of(SECRET), at(T.minusSeconds(301))),
          "1700000000123", SIG, BODY), Reason.TIMESTAMP_TOO_NEW);
      verify(new NodeRailsSignatureScheme(List.of(SECRET), at(T.plusSeconds(299))), "1700000000123", SIG, BODY);
    }

    @Test
    void malformedHeaders() {
      assertReason(() -> scheme.verify(headers("X-NodeRails-Signature", SIG), BODY.getBytes(StandardCharsets.UTF_8)),
          Reason.MISSING_HEADER);
      assertReason(() -> verify(scheme, "1700000000123", "not-hex", BODY), Reason.MALFORMED_HEADER);
      assertReason(() -> verify(scheme, "2023-11-14T22:13:20Z", SIG, BODY), Reason.MALFORMED_HEADER);
    }
  }

  @Nested
  class StandardWebhooks {
    @Test
    void usesTheHeaderIdAndTheBodyType() {
      WebhookSecret secret = StandardWebhookSignatureTest.SECRET;
      String body = "{\"type\":\"invoice.paid\",\"data\":{}}";
      Instant now = Instant.ofEpochSecond(1_700_000_000L);
      InboundSignatureScheme scheme = InboundSignatureScheme.create(
          InboundProvider.STANDARD_WEBHOOKS, List.of(secret.serialized()), at(now));
      MultiMap headers = new StandardWebhookSigner(at(now))
          .sign("msg_abc", body.getBytes(StandardCharsets.UTF_8), List.of(secret))
          .applyTo(MultiMap.caseInsensitiveMultiMap());
      VerifiedEvent event = scheme.verify(headers, body.getBytes(StandardCharsets.UTF_8));
      assertThat(event.eventId()).isEqualTo("msg_abc");
      assertThat(event.kind()).isEqualTo("invoice.paid");
      assertReason(() -> scheme.verify(headers, "{\"type\":\"invoice.void\",\"data\":{}}".getBytes(StandardCharsets.UTF_8)),
          Reason.NO_MATCHING_SIGNATURE);
    }
  }

  @Test
  void schemesNeverPrintTheirSecrets() {
    InboundSignatureScheme stripe = InboundSignatureScheme.create(InboundProvider.STRIPE, List.of("whsec_topsecret"), Clock.systemUTC());
    assertThat(stripe.toString()).doesNotContain("topsecret");
    assertThat(InboundProvider.fromConfigName("noderails")).isEqualTo(InboundProvider.NODERAILS);
  }
}
