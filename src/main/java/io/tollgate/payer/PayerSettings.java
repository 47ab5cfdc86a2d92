package io.tollgate.payer;

import io.tollgate.config.Settings;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Tuning of payer binding.
 *
 * @param siweDomain the EIP-4361 {@code domain} of every challenge (the shop's checkout site, which is
 *     what a wallet compares with the page asking for the signature), or null to use the host of the
 *     request's {@code Host} header without its port
 * @param siweUri base of the challenge's {@code URI} (the checkout's resource URI is appended), or
 *     null for {@code https://} + the domain
 * @param challengeTtl time from issue to expiration of a challenge
 * @param maxFailedAttempts invalid signatures a challenge tolerates; the next attempt is refused
 *     whatever its signature
 */
public record PayerSettings(String siweDomain, String siweUri, Duration challengeTtl, int maxFailedAttempts) {

  public PayerSettings {
    Objects.requireNonNull(challengeTtl, "challengeTtl");
    if (challengeTtl.isNegative() || challengeTtl.isZero()) throw new IllegalArgumentException("challenge TTL must be positive");
    if (maxFailedAttempts < 1) throw new IllegalArgumentException("maxFailedAttempts must be at least 1");
  }

  /** {@code payer.siwe-domain}, {@code payer.siwe-uri}, {@code payer.challenge-ttl-ms} (10 min), {@code payer.max-failed-attempts} (5). */
  public static PayerSettings fromSettings(Settings s) {
    return new PayerSettings(s.optional("payer.siwe-domain"), s.optional("payer.siwe-uri"),
        s.millis("payer.challenge-ttl-ms", Duration.ofMinutes(10).toMillis()), s.integer("payer.max-failed-attempts", 5));
  }

  /**
   * The domain challenges are issued for and checked against. Without a configured domain it is
   * the request's host: the same at issue and at binding when the browser talks to one address,
   * and a message presented through another host is refused as {@code wrong_domain}.
   */
  String domainFor(String requestHost) {
    if (siweDomain != null) return siweDomain;
    if (requestHost == null || requestHost.isBlank()) return "localhost";
    String host = requestHost.toLowerCase(Locale.ROOT);
    // an IPv6 literal is bracketed in an RFC 3986 authority
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  /** The challenge's URI: the checkout as a resource of the domain (or of the configured base). */
  String uriFor(String domain, String checkoutId) {
    String base = siweUri != null ? siweUri : "https://" + domain;
    return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/v1/checkouts/" + checkoutId;
  }
}
