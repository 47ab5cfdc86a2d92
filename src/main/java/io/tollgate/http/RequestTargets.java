package io.tollgate.http;

/**
 * The request target's percent-escapes, checked before anything decodes them: Vert.x's router
 * and Netty's query decoder throw on {@code %zz} or a trailing {@code %}, which used to surface as
 * a 500 and a stack trace per request.
 */
final class RequestTargets {
  static final String PROBLEM = "the request target has a malformed percent-escape (% must be followed by two hex digits)";

  private RequestTargets() {}

  static boolean valid(String uri) {
    for (int i = 0, n = uri.length(); i < n; i++) {
      if (uri.charAt(i) == '%') {
        if (i + 2 >= n || !hex(uri.charAt(i + 1)) || !hex(uri.charAt(i + 2))) return false;
        i += 2;
      }
    }
    return true;
  }

  private static boolean hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}
