package io.tollgate.webhook;

import io.tollgate.webhook.EndpointRefusedException.Reason;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The SSRF guard for merchant-supplied webhook URLs. {@link #validate} checks the URL's shape
 * (for the endpoints API); {@link #check} also resolves the host and refuses it when any of its
 * addresses is non-public. The caller must connect to {@link ResolvedEndpoint#address()}, the
 * address that was checked, and never resolve the name again: otherwise a DNS answer that
 * changes between check and connect (rebinding) walks straight past the guard.
 */
public final class EndpointUrlPolicy {
  private static final Pattern DOTTED_QUAD = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  /**
   * A host that some clients read as an IPv4 address: decimal, octal (leading zero) or hex parts,
   * one to four of them, perhaps a trailing dot. curl and browsers read {@code 0177.0.0.1} as
   * 127.0.0.1 where the JDK reads 177.0.0.1, so only the canonical dotted decimal form is accepted.
   */
  private static final Pattern NUMERIC_HOST = Pattern.compile("(?i)(0x[0-9a-f]*|\\d+)(\\.(0x[0-9a-f]*|\\d+))*\\.?");

  /**
   * @param allowHttp accept {@code http://} URLs (development only)
   * @param allowPrivateAddresses accept loopback/private/link-local targets (development, tests)
   */
  public record Options(boolean allowHttp, boolean allowPrivateAddresses) {
    public static Options production() {
      return new Options(false, false);
    }

    public static Options development() {
      return new Options(true, true);
    }
  }

  /** Name resolution, non-blocking. Tests substitute their own to pin names to addresses. */
  @FunctionalInterface
  public interface HostResolver {
    Future<List<InetAddress>> resolve(String host);

    /**
     * The JVM resolver (honours {@code /etc/hosts}, so {@code localhost} is caught) run on a
     * worker thread, unordered so slow lookups do not queue behind each other.
     */
    static HostResolver system(Vertx vertx) {
      return host -> vertx.executeBlocking(() -> List.of(InetAddress.getAllByName(host)), false);
    }
  }

  /** A URL that passed, with the one address to connect to. */
  public record ResolvedEndpoint(
      URI uri, boolean ssl, String host, int port, String requestUri, InetAddress address) {}

  private final HostResolver resolver;
  private final Options options;

  public EndpointUrlPolicy(HostResolver resolver, Options options) {
    this.resolver = Objects.requireNonNull(resolver);
    this.options = Objects.requireNonNull(options);
  }

  Options options() {
    return options;
  }

  /** Shape only, no I/O: absolute http(s) URL with a host, no credentials; https unless allowed. */
  URI validate(String url) {
    URI uri;
    try {
      uri = new URI(url == null ? "" : url.trim());
    } catch (URISyntaxException e) {
      throw new EndpointRefusedException(Reason.INVALID_URL, "not a valid URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http")) {
      throw new EndpointRefusedException(Reason.INVALID_URL, "URL must be absolute http(s)");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new EndpointRefusedException(Reason.INVALID_URL, "URL has no host");
    }
    if (uri.getRawUserInfo() != null) {
      throw new EndpointRefusedException(Reason.INVALID_URL, "URL must not carry credentials");
    }
    if (NUMERIC_HOST.matcher(uri.getHost()).matches() && !canonicalDottedDecimal(uri.getHost())) {
      throw new EndpointRefusedException(Reason.INVALID_URL,
          "a numeric host must be four decimal numbers from 0 to 255 without leading zeros, like 203.0.113.7");
    }
    if (scheme.equals("http") && !options.allowHttp()) {
      throw new EndpointRefusedException(Reason.HTTPS_REQUIRED, "URL must use https");
    }
    return uri;
  }

  /** Validates, resolves and checks every address; fails with {@link EndpointRefusedException}. */
  Future<ResolvedEndpoint> check(String url) {
    URI uri;
    try {
      uri = validate(url);
    } catch (EndpointRefusedException e) {
      return Future.failedFuture(e);
    }
    boolean ssl = uri.getScheme().equalsIgnoreCase("https");
    String host = uri.getHost();
    String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    int port = uri.getPort() == -1 ? (ssl ? 443 : 80) : uri.getPort();
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    String requestUri = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    return addresses(bare)
        .recover(e -> Future.failedFuture(e instanceof EndpointRefusedException
            ? e : new EndpointRefusedException(Reason.UNRESOLVABLE, "host does not resolve")))
        .compose(addresses -> {
          if (addresses.isEmpty()) {
            return Future.failedFuture(new EndpointRefusedException(Reason.UNRESOLVABLE, "host does not resolve"));
          }
          // Every address must pass: a name answering with one public and one private address
          // would otherwise be a coin toss away from the internal network.
          if (!options.allowPrivateAddresses() && addresses.stream().anyMatch(AddressRules::isForbidden)) {
            return Future.failedFuture(new EndpointRefusedException(
                Reason.FORBIDDEN_ADDRESS, "host resolves to a loopback, private or reserved address"));
          }
          if (ssl && bare.contains(":")) {
            // Checked after the address rules, so a forbidden address is refused as such. TLS SNI
            // cannot carry an IP address and the delivery client checks certificates against the
            // URL's host name: such an endpoint could never be delivered to.
            return Future.failedFuture(new EndpointRefusedException(Reason.INVALID_URL,
                "an https URL needs a host name, not an IPv6 address: the TLS certificate is checked against the name"));
          }
          return Future.succeededFuture(new ResolvedEndpoint(uri, ssl, bare, port, requestUri, addresses.get(0)));
        });
  }

  private static boolean canonicalDottedDecimal(String host) {
    if (!DOTTED_QUAD.matcher(host).matches()) return false;
    for (String part : host.split("\\.")) {
      if ((part.length() > 1 && part.charAt(0) == '0') || Integer.parseInt(part) > 255) return false;
    }
    return true;
  }

  private Future<List<InetAddress>> addresses(String host) {
    // Literals are parsed here (no lookup, no worker thread); only names go to the resolver.
    if (host.contains(":") || DOTTED_QUAD.matcher(host).matches()) {
      try {
        // Brackets make the JDK insist on an IPv6 literal instead of falling back to a lookup.
        return Future.succeededFuture(List.of(InetAddress.getByName(host.contains(":") ? "[" + host + "]" : host)));
      } catch (UnknownHostException e) {
        return Future.failedFuture(new EndpointRefusedException(Reason.INVALID_URL, "not a valid IP address"));
      }
    }
    return resolver.resolve(host);
  }
}
