package io.tollgate.signature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SiweMessagesTest {
  private static final Instant ISSUED = Instant.parse("2026-11-22T17:49:00.123Z");

  private static String golden(String name) {
    try (InputStream in = SiweMessagesTest.class.getResourceAsStream("/siwe/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static SiweMessage.Builder base() {
    return SiweMessage.builder().domain("shop.example.com")
        .address("0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2") // lowercase in, checksummed out
        .uri("https://shop.example.com/checkouts/chk_123").chainId(8453).nonce("a1B2c3D4e5F6g7H8").issuedAt(ISSUED);
  }

  @ParameterizedTest
  @ValueSource(strings = {"minimal.txt", "full.txt", "scheme-localhost-port.txt"})
  void shouldRoundTripTheReferenceLibrariesOutputByteForByte(String name) {
    String text = golden(name);
    assertThat(SiweMessages.format(SiweMessages.parse(text))).isEqualTo(text);
  }

  @Test
  void shouldFormatExactlyWhatViemAndSiweProduce() {
    assertThat(SiweMessages.format(base().build())).isEqualTo(golden("minimal.txt"));
    SiweMessage full = base().statement("Pay 12.50 USD for checkout chk_123 on Base")
        .expirationTime(Instant.parse("2026-11-22T17:59:00.123Z")).notBefore(Instant.parse("2026-11-22T17:49:00Z"))
        .requestId("chk_123").resource("ipfs://bafybeiemxf5abjwjbikoz4mc3a3dla6ual3jsgpdr4cjr3oz3evfyavhwq/")
        .resource("https://example.com/my-web2-claim.json").build();
    assertThat(SiweMessages.format(full)).isEqualTo(golden("full.txt"));
    assertThat(full.address()).isEqualTo("0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2");
  }

  @Test
  void shouldParseEveryField() {
    SiweMessage m = SiweMessages.parse(golden("full.txt"));
    assertThat(m.scheme()).isNull();
    assertThat(m.statement()).isEqualTo("Pay 12.50 USD for checkout chk_123 on Base");
    assertThat(m.chainId()).isEqualTo(8453);
    assertThat(m.expirationTime()).isEqualTo(Instant.parse("2026-11-22T17:59:00.123Z"));
    assertThat(m.notBefore()).isEqualTo(Instant.parse("2026-11-22T17:49:00Z"));
    assertThat(m.requestId()).isEqualTo("chk_123");
    assertThat(m.resources()).hasSize(2);
    SiweMessage local = SiweMessages.parse(golden("scheme-localhost-port.txt"));
    assertThat(local.scheme()).isEqualTo("http");
    assertThat(local.domain()).isEqualTo("localhost:8080");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "trailing newline", "CRLF line ends", "lowercase address", "wrong checksum", "short nonce", "version 2",
      "seconds without millis", "offset instead of Z", "two-space field", "extra blank line", "missing blank line",
      "unknown trailing field", "fields out of order", "empty resources", "chain id with leading zero",
      "statement with a non-ASCII character", "statement with a quote", "relative uri"})
  void shouldRejectAnythingThatIsNotTheCanonicalText(String mutation) {
    String good = golden("full.txt");
    String bad = switch (mutation) {
      case "trailing newline" -> good + "\n";
      case "CRLF line ends" -> good.replace("\n", "\r\n");
      case "lowercase address" -> good.replace("0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2", "0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2");
      case "wrong checksum" -> good.replace("0xC02aaA39", "0xc02aaA39");
      case "short nonce" -> good.replace("Nonce: a1B2c3D4e5F6g7H8", "Nonce: a1B2c3D");
      case "version 2" -> good.replace("Version: 1", "Version: 2");
      case "seconds without millis" -> good.replace("2026-11-22T17:49:00.000Z", "2026-11-22T17:49:00Z");
      case "offset instead of Z" -> good.replace("Issued At: 2026-11-22T17:49:00.123Z", "Issued At: 2026-11-22T18:49:00.123+01:00");
      case "two-space field" -> good.replace("Chain ID: 8453", "Chain ID:  8453");
      case "extra blank line" -> good.replace("\n\nURI:", "\n\n\nURI:");
      case "missing blank line" -> good.replace("\n\nURI:", "\nURI:");
      case "unknown trailing field" -> good.replace("\nRequest ID:", "\nReferrer: x\nRequest ID:");
      case "fields out of order" -> good.replace("Version: 1\nChain ID: 8453", "Chain ID: 8453\nVersion: 1");
      case "empty resources" -> golden("minimal.txt") + "\nResources:";
      case "chain id with leading zero" -> good.replace("Chain ID: 8453", "Chain ID: 08453");
      case "statement with a non-ASCII character" -> good.replace("Pay 12.50 USD", "Pay 12.50 €");
      case "statement with a quote" -> good.replace("Pay 12.50 USD", "Pay \"12.50\" USD");
      case "relative uri" -> good.replace("URI: https://shop.example.com/checkouts/chk_123", "URI: /checkouts/chk_123");
      default -> throw new IllegalArgumentException(mutation);
    };
    assertThat(bad).isNotEqualTo(good);
    assertThatThrownBy(() -> SiweMessages.parse(bad)).isInstanceOf(SiweFormatException.class);
  }

  @Test
  void shouldRefuseToBuildAMessageTheStandardDoesNotAllow() {
    assertThatThrownBy(() -> base().statement("two\nlines").build()).isInstanceOf(SiweFormatException.class);
    assertThatThrownBy(() -> base().nonce("abc-1234").build()).isInstanceOf(SiweFormatException.class);
    assertThatThrownBy(() -> base().chainId(0).build()).isInstanceOf(SiweFormatException.class);
    assertThatThrownBy(() -> base().domain("shop example").build()).isInstanceOf(SiweFormatException.class);
    assertThatThrownBy(() -> base().statement("").build()).isInstanceOf(SiweFormatException.class);
  }

  @Test
  void shouldCheckAPresentedMessageAgainstTheIssuedOne() {
    SiweMessage issued = base().statement("Pay 12.50 USD for checkout chk_123").validFor(Duration.ofMinutes(10)).requestId("chk_123").build();
    String text = SiweMessages.format(issued);
    Instant during = ISSUED.plusSeconds(60);
    assertThat(SiweMessages.check(text, issued, "shop.example.com", during)).isEmpty();
    assertThat(SiweMessages.check(text.replace("12.50", "1.50"), issued, "shop.example.com", during))
        .contains(ChallengeProblem.ALTERED_MESSAGE);
    assertThat(SiweMessages.check(text.replace("Chain ID: 8453", "Chain ID: 1"), issued, "shop.example.com", during))
        .contains(ChallengeProblem.ALTERED_MESSAGE);
    assertThat(SiweMessages.check(text.replace("shop.example.com wants", "evil.example wants"), issued, "shop.example.com", during))
        .contains(ChallengeProblem.WRONG_DOMAIN);
    assertThat(SiweMessages.check(text, issued, "shop.example.com", issued.expirationTime())).contains(ChallengeProblem.EXPIRED);
    assertThat(SiweMessages.check(text + " ", issued, "shop.example.com", during)).contains(ChallengeProblem.MALFORMED_MESSAGE);
    SiweMessage later = base().notBefore(ISSUED.plusSeconds(300)).build();
    assertThat(SiweMessages.check(SiweMessages.format(later), later, "shop.example.com", during)).contains(ChallengeProblem.NOT_YET_VALID);
  }

  @Test
  void shouldMakeNoncesTheStandardAccepts() {
    String nonce = SiweMessages.newNonce();
    assertThat(nonce).matches("[A-Za-z0-9]{16}");
    assertThat(SiweMessages.newNonce()).isNotEqualTo(nonce);
  }

  @Test
  void shouldTruncateTimesToMillisecondsSoFormatAndParseAgree() {
    SiweMessage m = base().issuedAt(Instant.parse("2026-11-22T17:49:00.123456789Z")).build();
    assertThat(m.issuedAt()).isEqualTo(ISSUED);
    assertThat(SiweMessages.parse(SiweMessages.format(m))).isEqualTo(m);
  }
}
