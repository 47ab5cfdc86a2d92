package io.tollgate.http.hotpath;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.handler.CorsHandler;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which browser origins may read the buyer API's answers, in the two forms the intake needs:
 * vertx-web's {@link CorsHandler} for the router, and {@link #forActualRequest} for the poll's fast
 * lane, which must put exactly the headers on its answers that the handler would.
 *
 * <p>The fast lane is only told what is certain: no {@code Origin} header; with any origin allowed,
 * an origin of the plain form {@code http(s)://host[:port]} (which the handler always accepts); with
 * a list, an origin spelt exactly as configured. For anything else (a {@code null} origin, one on the
 * list only up to case or a default port, one not on the list) it gets {@code null} and leaves the
 * request to the router, whose handler decides. Preflights never reach the fast lane (they are
 * {@code OPTIONS}).
 *
 * <p>Header names and values are the handler's own (its {@link HttpHeaders} constants, the same
 * joined lists), and the sets are ordered so both forms join them alike.
 */
public final class CorsRules {
  static final Set<HttpMethod> METHODS = ordered(HttpMethod.GET, HttpMethod.POST, HttpMethod.OPTIONS);
  static final Set<String> ALLOWED_HEADERS = ordered("Content-Type", "X-Client-Secret", "If-None-Match");
  static final Set<String> EXPOSED_HEADERS = ordered("ETag", "Retry-After", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset");
  static final int MAX_AGE_SECONDS = 600;

  /** A header to put on an answer. */
  record Header(CharSequence name, CharSequence value) {}

  private static final Header VARY_ORIGIN = new Header(HttpHeaders.VARY, HttpHeaders.ORIGIN);
  private static final Header EXPOSE = new Header(HttpHeaders.ACCESS_CONTROL_EXPOSE_HEADERS,
      HttpHeaders.createOptimized(String.join(",", EXPOSED_HEADERS)));

  private final List<String> origins;
  private final boolean anyOrigin;
  private final List<Header> withoutOrigin;
  private final List<Header> fromAnyOrigin;
  private final Map<String, List<Header>> fromListedOrigin;

  /** @param configured {@code http.cors.allowed-origins}: empty or containing {@code *} means any origin */
  public CorsRules(List<String> configured) {
    origins = List.copyOf(configured);
    anyOrigin = origins.isEmpty() || origins.contains("*");
    // as CorsHandler: with one fixed answer per request (any origin, or a single one) nothing varies
    // on Origin; with several listed origins the answer depends on it, so caches must know
    boolean variesOnOrigin = !anyOrigin && origins.size() > 1;
    withoutOrigin = variesOnOrigin ? List.of(VARY_ORIGIN) : List.of();
    fromAnyOrigin = List.of(new Header(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, "*"), EXPOSE);
    Map<String, List<Header>> listed = new HashMap<>();
    if (!anyOrigin) {
      for (String origin : origins) {
        if (!isPlainOrigin(origin)) continue; // the handler decides about other spellings
        Header allow = new Header(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        listed.put(origin, variesOnOrigin ? List.of(VARY_ORIGIN, allow, EXPOSE) : List.of(allow, EXPOSE));
      }
    }
    fromListedOrigin = Map.copyOf(listed);
  }

  /** The router's handler (it also answers preflights and refuses origins not allowed). */
  public CorsHandler handler() {
    CorsHandler cors = CorsHandler.create()
        .allowedMethods(METHODS)
        .allowedHeaders(ALLOWED_HEADERS)
        .exposedHeaders(EXPOSED_HEADERS)
        .maxAgeSeconds(MAX_AGE_SECONDS);
    if (!anyOrigin) cors.addOrigins(origins);
    return cors;
  }

  /**
   * The headers the handler would add to an actual (not preflight) request whose {@code Origin}
   * header is {@code origin} ({@code null}: none sent), or {@code null} when that is not certain.
   */
  List<Header> forActualRequest(String origin) {
    if (origin == null) return withoutOrigin;
    if (anyOrigin) return isPlainOrigin(origin) ? fromAnyOrigin : null;
    return fromListedOrigin.get(origin);
  }

  static void addTo(HttpServerResponse response, List<Header> headers) {
    for (int i = 0; i < headers.size(); i++) {
      Header h = headers.get(i);
      response.putHeader(h.name(), h.value());
    }
  }

  /**
   * {@code http://} or {@code https://}, then a host of ASCII letters, digits, dots and hyphens,
   * then optionally {@code :} and 1 to 5 digits: a subset of what the handler calls a valid origin.
   */
  static boolean isPlainOrigin(String origin) {
    int hostStart = origin.startsWith("https://") ? 8 : origin.startsWith("http://") ? 7 : -1;
    if (hostStart < 0) return false;
    int i = hostStart;
    while (i < origin.length() && isHostChar(origin.charAt(i))) i++;
    if (i == hostStart) return false;
    if (i == origin.length()) return true;
    if (origin.charAt(i) != ':') return false;
    int digits = origin.length() - i - 1;
    if (digits < 1 || digits > 5) return false;
    for (int j = i + 1; j < origin.length(); j++) {
      char c = origin.charAt(j);
      if (c < '0' || c > '9') return false;
    }
    return true;
  }

  private static boolean isHostChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
  }

  @SafeVarargs
  private static <T> Set<T> ordered(T... values) {
    return java.util.Collections.unmodifiableSet(new LinkedHashSet<>(List.of(values)));
  }
}
