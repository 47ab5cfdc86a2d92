package io.tollgate.payer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.tollgate.config.Settings;
import io.tollgate.signature.ChallengeProblem;
import io.tollgate.signature.InvalidReason;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PayerSettingsTest {

  @Test
  void shouldDefaultToTenMinutesFiveAttemptsAndTheRequestsHost() {
    PayerSettings s = PayerSettings.fromSettings(Settings.of(Map.of()));
    assertThat(s.challengeTtl()).isEqualTo(Duration.ofMinutes(10));
    assertThat(s.maxFailedAttempts()).isEqualTo(5);
    assertThat(s.domainFor("Pay.Example.COM")).isEqualTo("pay.example.com");
    assertThat(s.domainFor("::1")).isEqualTo("[::1]");
    assertThat(s.domainFor(null)).isEqualTo("localhost");
    assertThat(s.uriFor("pay.example.com", "abc")).isEqualTo("https://pay.example.com/v1/checkouts/abc");
  }

  @Test
  void shouldPreferTheConfiguredDomainAndUriWhateverTheRequestSays() {
    PayerSettings s = PayerSettings.fromSettings(Settings.of(Map.of(
        "payer.siwe-domain", "tickets.example", "payer.siwe-uri", "https://api.tickets.example/", "payer.max-failed-attempts", "3")));
    assertThat(s.domainFor("evil.example")).isEqualTo("tickets.example");
    assertThat(s.uriFor("tickets.example", "abc")).isEqualTo("https://api.tickets.example/v1/checkouts/abc");
    assertThat(s.maxFailedAttempts()).isEqualTo(3);
  }

  @Test
  void shouldRefuseSettingsThatWouldDisableTheLimits() {
    assertThatThrownBy(() -> new PayerSettings(null, null, Duration.ZERO, 5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PayerSettings(null, null, Duration.ofMinutes(1), 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldGiveEveryRefusalItsOwnClientErrorCode() {
    var signatureCodes = Arrays.stream(InvalidReason.values())
        .map(r -> BindingRefusals.of(r, "d")).map(ApiException::error).toList();
    var challengeCodes = Arrays.stream(ChallengeProblem.values()).map(BindingRefusals::of).map(ApiException::error).toList();

    assertThat(signatureCodes).doesNotHaveDuplicates();
    assertThat(challengeCodes).doesNotHaveDuplicates();
    assertThat(signatureCodes).doesNotContainAnyElementsOf(challengeCodes);
    assertThat(signatureCodes).allSatisfy(c -> assertThat(c.httpStatus()).isBetween(400, 499));
    assertThat(challengeCodes).allSatisfy(c -> assertThat(c.httpStatus()).isBetween(400, 499));
    // the wire codes of the signature library and of the API agree where both exist
    for (InvalidReason r : InvalidReason.values()) {
      if (r != InvalidReason.MALFORMED_ADDRESS) assertThat(BindingRefusals.of(r, "d").error().code()).isEqualTo(r.code());
    }
    for (ChallengeProblem p : ChallengeProblem.values()) assertThat(BindingRefusals.of(p).error().code()).isEqualTo(p.code());
    assertThat(ErrorCode.SIGNATURE_CHECK_UNAVAILABLE.code()).isEqualTo(io.tollgate.signature.SignatureCheck.Unavailable.CODE);
    assertThat(ErrorCode.SIGNATURE_CHECK_UNAVAILABLE.httpStatus()).isEqualTo(503);
  }
}
