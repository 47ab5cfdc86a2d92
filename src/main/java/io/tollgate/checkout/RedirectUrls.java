package io.tollgate.checkout;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.tollgate.merchant.KeyMode;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;

/**
 * A checkout's {@code successUrl} and {@code cancelUrl}: where the hosted payment page sends the
 * buyer. Absolute {@code https} URLs; {@code http} only to a loopback host and only for test-mode
 * checkouts (a shop developer's machine), so a live buyer is never sent over plain HTTP. No user
 * info (a URL like {@code https://shop.example@evil.example} misleads people).
 */
final class RedirectUrls {
  static final int MAX_LENGTH = 2048;
  private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]");

  private RedirectUrls() {}

  /** {@code url} checked (null stays null), or an {@code invalid_url} naming {@code field}. */
  static String check(String url, String field, KeyMode mode) {
    if (url == null) return null;
    String problem = field + " must be an absolute https URL like https://shop.example/thanks";
    if (url.isBlank() || url.length() > MAX_LENGTH) throw new ApiException(ErrorCode.INVALID_URL, problem, field);
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new ApiException(ErrorCode.INVALID_URL, problem, field);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    String host = uri.getHost() == null ? null : uri.getHost().toLowerCase(Locale.ROOT);
    if (host == null || uri.getRawUserInfo() != null) throw new ApiException(ErrorCode.INVALID_URL, problem, field);
    if (scheme.equals("https")) return url;
    if (scheme.equals("http") && LOOPBACK.contains(host)) {
      if (mode == KeyMode.TEST) return url;
      throw new ApiException(ErrorCode.INVALID_URL, field + " may use http://" + host + " only for test-mode checkouts", field);
    }
    throw new ApiException(ErrorCode.INVALID_URL, problem, field);
  }
}
