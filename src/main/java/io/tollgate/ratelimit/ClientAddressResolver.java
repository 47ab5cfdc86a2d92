package io.tollgate.ratelimit;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * The address of the client behind a request, for per-IP buckets. Proxy headers are believed only
 * when the socket peer is a configured trusted proxy: from anyone else they are whatever the
 * client chose to write. Then the header is read from the right (the hop nearest to us) and the
 * first address that is not itself a trusted proxy is the client.
 *
 * <p>Only the one header the trusted proxies maintain is read. A proxy that appends to
 * X-Forwarded-For passes a client-written Forwarded header through untouched, and the other way
 * round, so reading both would let a client choose its own address.
 *
 * <p>Entries left of the client are never parsed: they were written by the client or by proxies we
 * do not know, and garbage there must not move a genuine client into the proxy's shared bucket. A
 * hop we cannot read among the trusted ones means a proxy is misconfigured; we then fall back to
 * the socket peer. Results are normalised (RFC 5952 for IPv6, IPv4-mapped as IPv4) so one client
 * maps to one bucket key. Nothing here does I/O or DNS.
 */
public final class ClientAddressResolver {

  /** The header the trusted proxies set. */
  public enum ProxyHeader {
    X_FORWARDED_FOR("X-Forwarded-For"),
    /** RFC 7239; only the {@code for} parameter is used. */
    FORWARDED("Forwarded");

    private final String headerName;

    ProxyHeader(String headerName) {
      this.headerName = headerName;
    }

    public String headerName() {
      return headerName;
    }
  }

  private record Cidr(byte[] network, int prefix) {
    boolean contains(byte[] address) {
      if (address.length != network.length) return false;
      int full = prefix / 8;
      for (int i = 0; i < full; i++) if (address[i] != network[i]) return false;
      int rest = prefix % 8;
      if (rest == 0) return true;
      int mask = (0xff << (8 - rest)) & 0xff;
      return (address[full] & mask) == (network[full] & mask);
    }
  }

  private final List<Cidr> trusted;
  private final ProxyHeader header;

  /**
   * @param trustedProxyCidrs e.g. {@code "10.0.0.0/8"}, {@code "fd00::/8"}, or a single address
   * @throws IllegalArgumentException for an entry that is not an address or CIDR
   */
  public ClientAddressResolver(List<String> trustedProxyCidrs, ProxyHeader header) {
    this.header = Objects.requireNonNull(header, "header");
    List<Cidr> parsed = new ArrayList<>();
    for (String cidr : trustedProxyCidrs) parsed.add(parseCidr(cidr));
    this.trusted = List.copyOf(parsed);
  }

  /**
   * @param peerAddress the socket peer's IP (Vert.x: {@code request.remoteAddress().hostAddress()});
   *     returned unchanged if it is not an IP literal (a Unix socket path, say)
   * @param headers every value of a header by name, in arrival order, empty or null when absent
   *     (Vert.x: {@code request.headers()::getAll})
   */
  public String resolve(String peerAddress, Function<String, List<String>> headers) {
    byte[] peer = IpLiterals.parse(peerAddress);
    if (peer == null) return peerAddress;
    String peerText = IpLiterals.format(peer);
    if (!isTrusted(peer)) return peerText;
    List<String> values = headers.apply(header.headerName());
    if (values == null || values.isEmpty()) return peerText;
    List<String> hops = header == ProxyHeader.FORWARDED ? forwardedHops(values) : forwardedForHops(values);
    for (int i = hops.size() - 1; i >= 0; i--) {
      byte[] hop = parseNode(hops.get(i));
      if (hop == null) return peerText;
      if (!isTrusted(hop)) return IpLiterals.format(hop);
    }
    // Every hop is a trusted proxy: the request began at the first of them.
    return hops.isEmpty() ? peerText : IpLiterals.format(parseNode(hops.get(0)));
  }

  /** Whether a socket peer is one of the trusted proxies (its connections speak for many clients). */
  public boolean isTrustedProxy(String peerAddress) {
    byte[] peer = IpLiterals.parse(peerAddress);
    return peer != null && isTrusted(peer);
  }

  private boolean isTrusted(byte[] address) {
    for (Cidr cidr : trusted) if (cidr.contains(address)) return true;
    return false;
  }

  private static List<String> forwardedForHops(List<String> values) {
    List<String> hops = new ArrayList<>();
    for (String value : values) {
      for (String hop : value.split(",", -1)) hops.add(hop.trim());
    }
    return hops;
  }

  /** The {@code for} node of each element; null stands for an element we cannot read. */
  private static List<String> forwardedHops(List<String> values) {
    List<String> hops = new ArrayList<>();
    for (String value : values) {
      List<List<String>> elements = splitForwarded(value);
      if (elements == null) {
        hops.add(null);
        continue;
      }
      for (List<String> pairs : elements) hops.add(forNode(pairs));
    }
    return hops;
  }

  /** Elements (split on commas) of pairs (split on semicolons), minding quoted strings. */
  private static List<List<String>> splitForwarded(String value) {
    List<List<String>> elements = new ArrayList<>();
    List<String> pairs = new ArrayList<>();
    StringBuilder pair = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (quoted) {
        pair.append(c);
        if (c == '\\' && i + 1 < value.length()) {
          pair.append(value.charAt(++i));
        } else if (c == '"') {
          quoted = false;
        }
      } else if (c == '"') {
        quoted = true;
        pair.append(c);
      } else if (c == ';' || c == ',') {
        pairs.add(pair.toString().trim());
        pair.setLength(0);
        if (c == ',') {
          elements.add(pairs);
          pairs = new ArrayList<>();
        }
      } else {
        pair.append(c);
      }
    }
    if (quoted) return null;
    pairs.add(pair.toString().trim());
    elements.add(pairs);
    return elements;
  }

  private static String forNode(List<String> pairs) {
    String node = null;
    for (String pair : pairs) {
      int eq = pair.indexOf('=');
      if (eq < 0) continue;
      if (!pair.substring(0, eq).trim().toLowerCase(Locale.ROOT).equals("for")) continue;
      if (node != null) return null; // two "for" in one element: which one would be true?
      node = unquote(pair.substring(eq + 1).trim());
      if (node == null) return null;
    }
    return node;
  }

  private static String unquote(String value) {
    if (!value.startsWith("\"")) return value;
    if (value.length() < 2 || !value.endsWith("\"")) return null;
    StringBuilder out = new StringBuilder(value.length());
    for (int i = 1; i < value.length() - 1; i++) {
      char c = value.charAt(i);
      if (c == '\\' && i + 1 < value.length() - 1) c = value.charAt(++i);
      out.append(c);
    }
    return out.toString();
  }

  /** An address with an optional port: {@code 192.0.2.1}, {@code 192.0.2.1:80}, {@code [::1]:80}, {@code ::1}. */
  private static byte[] parseNode(String node) {
    if (node == null || node.isEmpty()) return null;
    if (node.startsWith("[")) {
      int close = node.indexOf(']');
      if (close < 0 || !validPort(node.substring(close + 1))) return null;
      byte[] address = IpLiterals.parse(node.substring(1, close));
      return address != null && node.substring(1, close).indexOf(':') >= 0 ? address : null;
    }
    int colon = node.indexOf(':');
    if (colon >= 0 && colon == node.lastIndexOf(':') && node.indexOf('.') >= 0) {
      return validPort(node.substring(colon)) ? IpLiterals.parse(node.substring(0, colon)) : null;
    }
    return IpLiterals.parse(node);
  }

  // ":" then a port number or (RFC 7239) an obfuscated port such as "_abc"; or nothing at all.
  private static boolean validPort(String suffix) {
    if (suffix.isEmpty()) return true;
    if (suffix.length() < 2 || suffix.length() > 33 || suffix.charAt(0) != ':') return false;
    String port = suffix.substring(1);
    if (port.charAt(0) == '_') return port.chars().allMatch(c -> c == '_' || c == '.' || c == '-'
        || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
    return port.length() <= 5 && port.chars().allMatch(c -> c >= '0' && c <= '9') && Integer.parseInt(port) <= 65_535;
  }

  private static Cidr parseCidr(String text) {
    String trimmed = Objects.requireNonNull(text, "trusted proxy CIDR").trim();
    int slash = trimmed.indexOf('/');
    String addressText = slash < 0 ? trimmed : trimmed.substring(0, slash);
    byte[] address = IpLiterals.parse(addressText);
    if (address == null) throw new IllegalArgumentException("not an IP address or CIDR: " + text);
    int bits = addressText.indexOf(':') >= 0 ? 128 : 32;
    int prefix = bits;
    if (slash >= 0) {
      String prefixText = trimmed.substring(slash + 1);
      if (prefixText.isEmpty() || prefixText.length() > 3 || !prefixText.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw new IllegalArgumentException("bad prefix length in " + text);
      }
      prefix = Integer.parseInt(prefixText);
    }
    if (prefix > bits) throw new IllegalArgumentException("prefix longer than the address in " + text);
    if (bits == 128 && address.length == 4) {
      // An IPv4-mapped range: addresses are compared as IPv4, so the prefix is too.
      if (prefix < 96) throw new IllegalArgumentException("IPv4-mapped CIDR shorter than /96: " + text);
      prefix -= 96;
    }
    byte[] network = address.clone();
    for (int bit = prefix; bit < network.length * 8; bit++) network[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
    return new Cidr(network, prefix);
  }
}
