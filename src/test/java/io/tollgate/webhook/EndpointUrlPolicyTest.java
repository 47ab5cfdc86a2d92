package io.tollgate.webhook;

import static io.tollgate.testing.Async.await;
import static io.tollgate.testing.Async.awaitFailure;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.webhook.EndpointRefusedException.Reason;
import io.tollgate.webhook.EndpointUrlPolicy.HostResolver;
import io.tollgate.webhook.EndpointUrlPolicy.Options;
import io.tollgate.webhook.EndpointUrlPolicy.ResolvedEndpoint;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(VertxExtension.class)
class EndpointUrlPolicyTest {

  /** Names pinned to addresses, so no test depends on real DNS. */
  static HostResolver pinned(Map<String, List<String>> names) {
    return host -> {
      List<String> ips = names.get(host);
      if (ips == null) {
        return Future.failedFuture(new UnknownHostException(host));
      }
      return Future.succeededFuture(ips.stream().map(EndpointUrlPolicyTest::ip).toList());
    };
  }

  static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  static final HostResolver NAMES = pinned(Map.of(
      "shop.example", List.of("93.184.215.14"),
      "internal.example", List.of("10.1.2.3"),
      "split.example", List.of("93.184.215.14", "192.168.1.10"),
      "metadata.example", List.of("169.254.169.254"),
      "empty.example", List.of()));

  static Reason refusal(Future<?> future) {
    Throwable cause = awaitFailure(future);
    assertThat(cause).isInstanceOf(EndpointRefusedException.class);
    assertThat(cause.getMessage()).doesNotContain("10.1.2.3").doesNotContain("192.168");
    return ((EndpointRefusedException) cause).reason();
  }

  final EndpointUrlPolicy production = new EndpointUrlPolicy(NAMES, Options.production());

  @ParameterizedTest
  @ValueSource(strings = {
      "https://127.0.0.1/hook",
      "https://127.9.9.9/hook",
      "https://10.0.0.1/hook",
      "https://172.16.5.4/hook",
      "https://192.168.0.1/hook",
      "https://169.254.169.254/latest/meta-data/",
      "https://100.64.0.1/hook",
      "https://0.0.0.0/hook",
      "https://224.0.0.1/hook",
      "https://255.255.255.255/hook",
      "https://[::1]/hook",
      "https://[::]/hook",
      "https://[::ffff:127.0.0.1]/hook",
      "https://[::ffff:169.254.169.254]/hook",
      "https://[fe80::1]/hook",
      "https://[fc00::1]/hook",
      "https://[fd12:3456::1]/hook",
      "https://[ff02::1]/hook",
      "https://[64:ff9b::a00:1]/hook",
      "https://[2002:7f00:1::1]/hook",
      "https://internal.example/hook",
      "https://metadata.example/hook",
      "https://split.example/hook"})
  void refusesNonPublicTargets(String url) {
    assertThat(refusal(production.check(url))).isEqualTo(Reason.FORBIDDEN_ADDRESS);
  }

  @Test
  void refusesANameThatResolvesToLoopbackThroughTheSystemResolver(Vertx vertx) {
    EndpointUrlPolicy system = new EndpointUrlPolicy(HostResolver.system(vertx), Options.production());
    assertThat(refusal(system.check("https://localhost:8443/hook"))).isEqualTo(Reason.FORBIDDEN_ADDRESS);
  }

  @Test
  void acceptsPublicTargetsAndPinsTheCheckedAddress() {
    ResolvedEndpoint endpoint = await(production.check("https://shop.example/webhooks/tollgate?x=1"));
    assertThat(endpoint.address()).isEqualTo(ip("93.184.215.14"));
    assertThat(endpoint.host()).isEqualTo("shop.example");
    assertThat(endpoint.port()).isEqualTo(443);
    assertThat(endpoint.ssl()).isTrue();
    assertThat(endpoint.requestUri()).isEqualTo("/webhooks/tollgate?x=1");
    assertThat(await(production.check("https://1.1.1.1:8443")).address()).isEqualTo(ip("1.1.1.1"));
    assertThat(await(production.check("https://1.1.1.1")).requestUri()).isEqualTo("/");
  }

  /**
   * TLS SNI cannot carry an IP address and certificates are checked against the URL's host name:
   * an https endpoint on an IPv6 literal could never be delivered to (each attempt used to fail with
   * a stack trace), so it is refused at registration, public address or not; plain http may use one.
   */
  @Test
  void refusesHttpsOnAnIpv6LiteralEvenAPublicOne(Vertx vertx) {
    EndpointUrlPolicy.Options anything = new Options(true, true);
    EndpointUrlPolicy lenient = new EndpointUrlPolicy(HostResolver.system(vertx), anything);
    Throwable refused = awaitFailure(production.check("https://[2606:4700:4700::1111]:8443/hook"));
    assertThat(((EndpointRefusedException) refused).reason()).isEqualTo(Reason.INVALID_URL);
    assertThat(refused.getMessage()).contains("IPv6");
    assertThat(refusal(lenient.check("https://[::1]/hook"))).isEqualTo(Reason.INVALID_URL);
    assertThat(await(lenient.check("http://[::1]/hook")).address()).isEqualTo(ip("::1"));
  }

  @Test
  void refusesMalformedInsecureAndUnresolvableUrls() {
    assertThat(refusal(production.check("http://shop.example/hook"))).isEqualTo(Reason.HTTPS_REQUIRED);
    assertThat(refusal(production.check("ftp://shop.example/hook"))).isEqualTo(Reason.INVALID_URL);
    assertThat(refusal(production.check("https://user:pw@shop.example/hook"))).isEqualTo(Reason.INVALID_URL);
    assertThat(refusal(production.check("shop.example/hook"))).isEqualTo(Reason.INVALID_URL);
    assertThat(refusal(production.check("https:///hook"))).isEqualTo(Reason.INVALID_URL);
    assertThat(refusal(production.check("https://exa mple.com/"))).isEqualTo(Reason.INVALID_URL);
    assertThat(refusal(production.check("https://nowhere.example/"))).isEqualTo(Reason.UNRESOLVABLE);
    assertThat(refusal(production.check("https://empty.example/"))).isEqualTo(Reason.UNRESOLVABLE);
  }

  @Test
  void developmentConfigurationAllowsPrivateTargetsAndHttp(Vertx vertx) {
    EndpointUrlPolicy dev = new EndpointUrlPolicy(HostResolver.system(vertx), Options.development());
    ResolvedEndpoint loop = await(dev.check("http://127.0.0.1:8080/hook"));
    assertThat(loop.address()).isEqualTo(ip("127.0.0.1"));
    assertThat(loop.ssl()).isFalse();
    assertThat(await(dev.check("http://localhost:8080/hook")).address().isLoopbackAddress()).isTrue();
    assertThat(await(dev.check("http://[::1]/hook")).address()).isEqualTo(ip("::1"));
    // Private allowed does not mean http allowed, and vice versa.
    EndpointUrlPolicy privateOnly = new EndpointUrlPolicy(NAMES, new Options(false, true));
    assertThat(await(privateOnly.check("https://internal.example/")).address()).isEqualTo(ip("10.1.2.3"));
    assertThat(refusal(privateOnly.check("http://internal.example/"))).isEqualTo(Reason.HTTPS_REQUIRED);
  }

  /** The five forms a fault run found accepted with production settings (issue 22), and their kin. */
  @ParameterizedTest
  @ValueSource(strings = {
      "https://[::ffff:0:7f00:1]/hook",        // IPv4-translated ::ffff:0:0/96 embedding 127.0.0.1
      "https://[::ffff:0:a9fe:a9fe]/hook",     // ... embedding 169.254.169.254
      "https://[64:ff9b:1::7f00:1]/hook",      // local-use NAT64 64:ff9b:1::/48
      "https://[64:ff9b:1:ffff::1]/hook",
      "https://[2001:0:4136:e378:8000:63bf:80ff:fffe]/hook", // Teredo, client 127.0.0.1 (bits inverted)
      "https://[2001:0:7f00:1::1]/hook",       // Teredo, server 127.0.0.1
      "https://[100::1]/hook",                 // discard-only 100::/64
      "https://[2001:db8::1]/hook",            // documentation
      "https://[fec0::1]/hook",                // site-local
      "https://[ff0e::1]/hook"})               // global multicast
  void refusesIpv6FormsThatEmbedOrTranslateAForbiddenAddressAndReservedPrefixes(String url) {
    assertThat(refusal(production.check(url))).isEqualTo(Reason.FORBIDDEN_ADDRESS);
  }

  /** Numeric hosts that curl and browsers read as IPv4 in other ways than the JDK does. */
  @ParameterizedTest
  @ValueSource(strings = {
      "https://0177.0.0.1/hook",               // octal 127.0.0.1
      "https://0x7f.0.0.1/hook",               // hex
      "https://0x7f000001/hook",
      "https://2130706433/hook",               // one decimal number
      "https://127.1/hook",                    // short form
      "https://127.0.1/hook",
      "https://010.0.0.1/hook",                // a leading zero: octal 8.0.0.1 to some, 10.0.0.1 to others
      "https://8.8.8.08/hook",
      "https://1.2.3.4.5/hook",
      "https://256.1.1.1/hook",
      "https://127.0.0.1./hook"})              // trailing dot
  void refusesNumericHostFormsOtherThanCanonicalDottedDecimal(String url) {
    assertThat(refusal(production.check(url))).isEqualTo(Reason.INVALID_URL);
  }

  @Test
  void stillAcceptsPublicAddressesInCanonicalFormsAndPublicIpv6() {
    assertThat(await(production.check("https://8.8.8.8/hook")).address()).isEqualTo(ip("8.8.8.8"));
    EndpointUrlPolicy httpAllowed = new EndpointUrlPolicy(NAMES, new Options(true, false));
    assertThat(await(httpAllowed.check("http://[2606:4700::1111]/hook")).address()).isEqualTo(ip("2606:4700::1111"));
    // A Teredo address whose server and client are both public is not refused for being Teredo.
    assertThat(AddressRules.isForbidden(ip("2001:0:4136:e378:8000:63bf:f7f7:f7f7"))).isFalse();
    // 64:ff9b::/96 (the well-known NAT64 prefix) embedding a public address is public.
    assertThat(AddressRules.isForbidden(ip("64:ff9b::808:808"))).isFalse();
  }

  @Test
  void classifiesAddressRangesAtTheirEdges() {
    for (String forbidden : List.of("100.64.0.0", "100.127.255.255", "172.16.0.0", "172.31.255.255",
        "169.254.0.1", "198.18.0.1", "192.0.0.8", "240.0.0.1", "::127.0.0.1", "fec0::1")) {
      assertThat(AddressRules.isForbidden(ip(forbidden))).as(forbidden).isTrue();
    }
    for (String allowed : List.of("100.63.255.255", "100.128.0.0", "172.15.255.255", "172.32.0.0",
        "8.8.8.8", "192.169.0.1", "2606:4700::1111", "2a00:1450::1")) {
      assertThat(AddressRules.isForbidden(ip(allowed))).as(allowed).isFalse();
    }
  }
}
