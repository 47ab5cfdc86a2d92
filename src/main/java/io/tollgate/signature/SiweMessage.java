package io.tollgate.signature;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import org.web3j.crypto.Keys;

/**
 * A Sign-In with Ethereum (EIP-4361) message. The constructor enforces the EIP's ABNF plus the
 * canonical choices that make text ↔ record a bijection (see {@link SiweMessages}): optional
 * fields are null (never empty), times are UTC with millisecond precision, the address is in
 * its EIP-55 checksum form.
 *
 * @param scheme optional URI scheme before the domain ({@code https} in {@code https://shop.example}), or null
 * @param domain the RFC 3986 authority asking for the signature
 * @param address the signer, EIP-55 checksummed
 * @param statement human-readable ASCII assertion without line breaks, or null
 * @param uri the RFC 3986 URI the signature is about
 * @param chainId EIP-155 chain id the binding is for (where contract accounts are resolved)
 * @param nonce at least 8 ASCII letters or digits, chosen by the relying party
 * @param resources URIs, possibly empty (then the {@code Resources:} section is absent)
 */
public record SiweMessage(
    String scheme,
    String domain,
    String address,
    String statement,
    String uri,
    String version,
    long chainId,
    String nonce,
    Instant issuedAt,
    Instant expirationTime,
    Instant notBefore,
    String requestId,
    List<String> resources) {

  private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*");
  // RFC 3986 authority = [ userinfo "@" ] host [ ":" port ]; character-level check plus a host.
  private static final Pattern AUTHORITY = Pattern.compile("[A-Za-z0-9\\-._~%!$&'()*+,;=:@\\[\\]]+");
  private static final Pattern STATEMENT = Pattern.compile("[A-Za-z0-9\\-._~:/?#\\[\\]@!$&'()*+,;= ]+");
  private static final Pattern NONCE = Pattern.compile("[A-Za-z0-9]{8,}");
  private static final Pattern PCHARS = Pattern.compile("(?:[A-Za-z0-9\\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})+");
  private static final Pattern URI_CHARS = Pattern.compile("[A-Za-z0-9\\-._~:/?#\\[\\]@!$&'()*+,;=%]+");

  public SiweMessage {
    if (scheme != null && !SCHEME.matcher(scheme).matches()) throw invalid("scheme", scheme);
    Objects.requireNonNull(domain, "domain");
    if (!AUTHORITY.matcher(domain).matches() || domain.startsWith("@") || domain.endsWith("@")) throw invalid("domain", domain);
    Objects.requireNonNull(address, "address");
    if (!address.matches("0x[0-9a-fA-F]{40}") || !Keys.toChecksumAddress(address).equals(address)) {
      throw invalid("address (EIP-55 checksum form required)", address);
    }
    if (statement != null && !STATEMENT.matcher(statement).matches()) throw invalid("statement", statement);
    requireUri("uri", uri);
    if (!"1".equals(version)) throw invalid("version", version);
    if (chainId < 1) throw invalid("chain id", Long.toString(chainId));
    if (nonce == null || !NONCE.matcher(nonce).matches()) throw invalid("nonce (8+ letters or digits)", nonce);
    Objects.requireNonNull(issuedAt, "issuedAt");
    issuedAt = issuedAt.truncatedTo(ChronoUnit.MILLIS);
    expirationTime = expirationTime == null ? null : expirationTime.truncatedTo(ChronoUnit.MILLIS);
    notBefore = notBefore == null ? null : notBefore.truncatedTo(ChronoUnit.MILLIS);
    if (requestId != null && !PCHARS.matcher(requestId).matches()) throw invalid("request id", requestId);
    resources = resources == null ? List.of() : List.copyOf(resources);
    for (String resource : resources) requireUri("resource", resource);
  }

  /** A builder for the messages Tollgate issues; the address may be given in any case. */
  public static Builder builder() {
    return new Builder();
  }

  /** True once {@code now} reaches the expiration time. */
  public boolean isExpiredAt(Instant now) {
    return expirationTime != null && !now.isBefore(expirationTime);
  }

  /** True while {@code now} is before the not-before time. */
  public boolean isNotYetValidAt(Instant now) {
    return notBefore != null && now.isBefore(notBefore);
  }

  private static void requireUri(String field, String value) {
    if (value == null || !URI_CHARS.matcher(value).matches()) throw invalid(field, value);
    try {
      if (!new URI(value).isAbsolute()) throw invalid(field + " (absolute URI required)", value);
    } catch (URISyntaxException e) {
      throw invalid(field, value);
    }
  }

  private static SiweFormatException invalid(String field, String value) {
    return new SiweFormatException("invalid " + field + ": " + (value == null ? "missing" : Texts.abbreviate(value)));
  }

  public static final class Builder {
    private String scheme;
    private String domain;
    private String address;
    private String statement;
    private String uri;
    private long chainId;
    private String nonce;
    private Instant issuedAt;
    private Instant expirationTime;
    private Instant notBefore;
    private String requestId;
    private final List<String> resources = new ArrayList<>();

    private Builder() {}

    public Builder scheme(String value) { scheme = value; return this; }

    public Builder domain(String value) { domain = value; return this; }

    /** Any case; stored in its EIP-55 checksum form. */
    public Builder address(String value) {
      address = value != null && value.matches("0x[0-9a-fA-F]{40}")
          ? Keys.toChecksumAddress(value.toLowerCase(Locale.ROOT)) : value;
      return this;
    }

    public Builder statement(String value) { statement = value; return this; }

    public Builder uri(String value) { uri = value; return this; }

    public Builder chainId(long value) { chainId = value; return this; }

    public Builder nonce(String value) { nonce = value; return this; }

    public Builder issuedAt(Instant value) { issuedAt = value; return this; }

    public Builder expirationTime(Instant value) { expirationTime = value; return this; }

    /** Expiration = issued-at + {@code ttl}; call after {@link #issuedAt}. */
    public Builder validFor(Duration ttl) {
      expirationTime = Objects.requireNonNull(issuedAt, "issuedAt first").plus(ttl);
      return this;
    }

    public Builder notBefore(Instant value) { notBefore = value; return this; }

    public Builder requestId(String value) { requestId = value; return this; }

    public Builder resource(String value) { resources.add(value); return this; }

    public SiweMessage build() {
      return new SiweMessage(scheme, domain, address, statement, uri, "1", chainId, nonce,
          issuedAt, expirationTime, notBefore, requestId, resources);
    }
  }
}
