package io.tollgate.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.ratelimit.ClientAddressResolver.ProxyHeader;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClientAddressResolverTest {
  private static final String PROXY = "10.0.0.1";
  private final ClientAddressResolver xff =
      new ClientAddressResolver(List.of("10.0.0.0/8", "fd00::/8"), ProxyHeader.X_FORWARDED_FOR);
  private final ClientAddressResolver forwarded =
      new ClientAddressResolver(List.of("10.0.0.0/8", "fd00::/8"), ProxyHeader.FORWARDED);

  /** Header look-up as Vert.x does it: case-insensitive names, every value of a repeated header. */
  private static Function<String, List<String>> headers(String name, String... values) {
    Map<String, List<String>> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    map.put(name, List.of(values));
    return n -> map.getOrDefault(n, List.of());
  }

  private static Function<String, List<String>> none() {
    return n -> List.of();
  }

  @Test
  void shouldUseTheSocketPeerWhenItIsNotATrustedProxy() {
    assertThat(xff.resolve("198.51.100.20", none())).isEqualTo("198.51.100.20");
  }

  @Test
  void shouldIgnoreAHeaderFromAnUntrustedPeer() {
    assertThat(xff.resolve("198.51.100.20", headers("X-Forwarded-For", "203.0.113.7"))).isEqualTo("198.51.100.20");
    assertThat(forwarded.resolve("198.51.100.20", headers("Forwarded", "for=203.0.113.7"))).isEqualTo("198.51.100.20");
  }

  @Test
  void shouldBelieveATrustedProxy() {
    assertThat(xff.resolve(PROXY, headers("x-forwarded-for", "203.0.113.7"))).isEqualTo("203.0.113.7");
  }

  @Test
  void shouldUseTheProxyItselfWhenItSendsNoHeader() {
    assertThat(xff.resolve(PROXY, none())).isEqualTo(PROXY);
    assertThat(xff.resolve(PROXY, n -> null)).isEqualTo(PROXY);
  }

  @Test
  void shouldTakeTheRightmostUntrustedHopOfAProxyChain() {
    // The client claimed to be 1.1.1.1; the edge proxy saw 198.51.100.9; an inner proxy 10.0.0.2.
    assertThat(xff.resolve(PROXY, headers("X-Forwarded-For", "1.1.1.1, 198.51.100.9, 10.0.0.2")))
        .isEqualTo("198.51.100.9");
  }

  @Test
  void shouldReadRepeatedHeaderLinesInOrder() {
    assertThat(xff.resolve(PROXY, headers("X-Forwarded-For", "1.1.1.1", "198.51.100.9, 10.0.0.2")))
        .isEqualTo("198.51.100.9");
  }

  @Test
  void shouldTakeTheFirstHopWhenEveryHopIsTrusted() {
    assertThat(xff.resolve(PROXY, headers("X-Forwarded-For", "10.0.0.5, 10.0.0.2"))).isEqualTo("10.0.0.5");
  }

  @Test
  void shouldIgnoreGarbageLeftOfTheClient() {
    assertThat(xff.resolve(PROXY, headers("X-Forwarded-For", "unknown, <script>, 198.51.100.9")))
        .isEqualTo("198.51.100.9");
  }

  @Test
  void shouldFallBackToThePeerWhenATrustedHopIsUnreadable() {
    assertThat(xff.resolve(PROXY, headers("X-Forwarded-For", "198.51.100.9, 10.0.0.2, garbage"))).isEqualTo(PROXY);
  }

  @Test
  void shouldStripPorts() {
    assertThat(xff.resolve(PROXY, headers("X-Forwarded-For", "198.51.100.9:4711"))).isEqualTo("198.51.100.9");
    assertThat(xff.resolve(PROXY, headers("X-Forwarded-For", "[2001:db8::7]:443"))).isEqualTo("2001:db8::7");
  }

  @Test
  void shouldHandleIpv6PeersAndHopsInCanonicalForm() {
    assertThat(xff.resolve("fd00::1", headers("X-Forwarded-For", "2001:DB8:0:0:0:0:0:7"))).isEqualTo("2001:db8::7");
    assertThat(xff.resolve("0:0:0:0:0:0:0:1", none())).isEqualTo("::1");
    assertThat(xff.resolve("2001:db8::1", headers("X-Forwarded-For", "203.0.113.7")))
        .as("an IPv6 peer outside fd00::/8 is not trusted").isEqualTo("2001:db8::1");
  }

  @Test
  void shouldTreatAnIpv4MappedPeerAsIpv4() {
    assertThat(xff.resolve("::ffff:10.0.0.1", headers("X-Forwarded-For", "203.0.113.7"))).isEqualTo("203.0.113.7");
    assertThat(xff.resolve("::ffff:198.51.100.20", none())).isEqualTo("198.51.100.20");
  }

  @Test
  void shouldReadRfc7239Forwarded() {
    String value = "for=192.0.2.60;proto=http;by=203.0.113.43, For=\"[2001:db8:cafe::17]:4711\"";
    assertThat(forwarded.resolve(PROXY, headers("Forwarded", value))).isEqualTo("2001:db8:cafe::17");
    assertThat(forwarded.resolve(PROXY, headers("Forwarded", "for=192.0.2.60, for=10.0.0.2;proto=https")))
        .isEqualTo("192.0.2.60");
  }

  @Test
  void shouldReadOnlyTheConfiguredHeader() {
    Function<String, List<String>> both = n -> switch (n) {
      case "X-Forwarded-For" -> List.of("203.0.113.1");
      case "Forwarded" -> List.of("for=203.0.113.2");
      default -> List.of();
    };
    assertThat(xff.resolve(PROXY, both)).isEqualTo("203.0.113.1");
    assertThat(forwarded.resolve(PROXY, both)).isEqualTo("203.0.113.2");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "for=unknown", "for=\"_hidden\"", "proto=https", "for=\"192.0.2.60", "for=1.2.3.4;for=5.6.7.8", "for=",
      "for=\"[2001:db8::1\"", "for=[1.2.3.4]"})
  void shouldFallBackToThePeerForAnUnreadableForwardedClient(String value) {
    assertThat(forwarded.resolve(PROXY, headers("Forwarded", value))).isEqualTo(PROXY);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", " ", ",", "1.2.3", "256.1.1.1", "1.2.3.04", "1.2.3.4.5", "::1::2", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7",
      "12345::1", "example.com", "localhost", "\u0661.\u0662.\u0663.\u0664", "1.2.3.4:99999", "1.2.3.4:",
      "2001:db8::g", ":1:2:3:4:5:6:7", "1.2.3.4 5.6.7.8"})
  void shouldFallBackToThePeerForGarbage(String value) {
    assertThat(xff.resolve(PROXY, headers("X-Forwarded-For", value))).isEqualTo(PROXY);
  }

  @Test
  void shouldReturnANonIpPeerUnchanged() {
    assertThat(xff.resolve("/run/tollgate.sock", headers("X-Forwarded-For", "203.0.113.7")))
        .isEqualTo("/run/tollgate.sock");
  }

  @Test
  void shouldMatchCidrBoundaries() {
    ClientAddressResolver r = new ClientAddressResolver(List.of("192.168.0.0/16", "2001:db8:ab00::/40"),
        ProxyHeader.X_FORWARDED_FOR);
    Function<String, List<String>> h = headers("X-Forwarded-For", "203.0.113.7");
    assertThat(r.resolve("192.168.255.255", h)).isEqualTo("203.0.113.7");
    assertThat(r.resolve("192.169.0.0", h)).isEqualTo("192.169.0.0");
    assertThat(r.resolve("2001:db8:abff:ffff::1", h)).isEqualTo("203.0.113.7");
    assertThat(r.resolve("2001:db8:ac00::1", h)).isEqualTo("2001:db8:ac00::1");
  }

  @Test
  void shouldTrustASingleAddressAndMaskHostBits() {
    ClientAddressResolver r = new ClientAddressResolver(List.of("127.0.0.1", "172.16.5.9/12"),
        ProxyHeader.X_FORWARDED_FOR);
    Function<String, List<String>> h = headers("X-Forwarded-For", "203.0.113.7");
    assertThat(r.resolve("127.0.0.1", h)).isEqualTo("203.0.113.7");
    assertThat(r.resolve("127.0.0.2", h)).isEqualTo("127.0.0.2");
    assertThat(r.resolve("172.31.255.1", h)).isEqualTo("203.0.113.7");
  }

  @Test
  void shouldTrustNobodyWithAnEmptyList() {
    ClientAddressResolver r = new ClientAddressResolver(List.of(), ProxyHeader.X_FORWARDED_FOR);
    assertThat(r.resolve(PROXY, headers("X-Forwarded-For", "203.0.113.7"))).isEqualTo(PROXY);
  }

  @ParameterizedTest
  @ValueSource(strings = {"10.0.0.0/33", "fd00::/129", "nonsense", "10.0.0.0/", "10.0.0.0/-1", "::ffff:10.0.0.0/8", ""})
  void shouldRefuseABadTrustedProxyEntry(String cidr) {
    assertThatThrownBy(() -> new ClientAddressResolver(List.of(cidr), ProxyHeader.X_FORWARDED_FOR))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
