package io.tollgate.merchant;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A merchant's allowed origins: the shop pages that may show the hosted checkout page in an iframe
 * (they become its CSP {@code frame-ancestors}, and the only targets of its {@code postMessage}
 * events). Each is an origin as browsers write it, {@code https://shop.example[:port]}; {@code
 * http} only for a loopback host (a shop developer's machine). Normalised to lower case, without a
 * default port, deduplicated.
 */
public final class AllowedOrigins {
  public static final int MAX = 20;
  private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]");

  private AllowedOrigins() {}

  public static List<String> check(List<String> origins) {
    if (origins == null) return List.of();
    if (origins.size() > MAX) throw new ApiException(ErrorCode.INVALID_ORIGIN, "at most " + MAX + " allowed origins", "allowedOrigins");
    Set<String> out = new LinkedHashSet<>();
    for (String origin : origins) out.add(normalise(origin));
    return new ArrayList<>(out);
  }

  static String normalise(String origin) {
    String problem = "'" + origin + "' is not an origin like https://shop.example";
    if (origin == null || origin.isBlank() || origin.length() > 255) throw invalid(problem);
    String trimmed = origin.strip();
    if (trimmed.endsWith("/")) trimmed = trimmed.substring(0, trimmed.length() - 1);
    URI uri;
    try {
      uri = new URI(trimmed);
    } catch (URISyntaxException e) {
      throw invalid(problem);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    String host = uri.getHost() == null ? null : uri.getHost().toLowerCase(Locale.ROOT);
    if (host == null || uri.getRawUserInfo() != null || !(uri.getRawPath() == null || uri.getRawPath().isEmpty())
        || uri.getRawQuery() != null || uri.getRawFragment() != null || host.contains("*")) {
      throw invalid(problem + " (scheme://host[:port], nothing after it)");
    }
    if (!scheme.equals("https") && !(scheme.equals("http") && LOOPBACK.contains(host))) {
      throw invalid(problem + " (https, or http for localhost only)");
    }
    int port = uri.getPort();
    boolean defaultPort = port == -1 || (scheme.equals("https") && port == 443) || (scheme.equals("http") && port == 80);
    return scheme + "://" + host + (defaultPort ? "" : ":" + port);
  }

  private static ApiException invalid(String detail) {
    return new ApiException(ErrorCode.INVALID_ORIGIN, detail, "allowedOrigins");
  }
}
