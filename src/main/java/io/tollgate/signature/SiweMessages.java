package io.tollgate.signature;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * EIP-4361 text: formatting, strict parsing and the check of a signed message against the one
 * issued. Pure: no I/O, time passed in.
 *
 * <p>Canonical form (what the EIP's ABNF allows and the reference libraries, viem and siwe,
 * produce): LF line ends, no trailing newline; a blank line after the address, then the statement
 * and another blank line, or, without a statement, just the second blank line; times as
 * {@code yyyy-MM-ddTHH:mm:ss.SSSZ} (JavaScript's {@code toISOString}). {@link #parse} accepts
 * exactly the texts {@link #format} produces, so a message that survives parsing is the one
 * that was signed, byte for byte.
 */
public final class SiweMessages {
  private static final String HEADER_SUFFIX = " wants you to sign in with your Ethereum account:";
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final char[] ALPHANUMERIC =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private SiweMessages() {}

  public static String format(SiweMessage m) {
    StringBuilder text = new StringBuilder(512);
    if (m.scheme() != null) text.append(m.scheme()).append("://");
    text.append(m.domain()).append(HEADER_SUFFIX).append('\n')
        .append(m.address()).append('\n')
        .append('\n');
    if (m.statement() != null) text.append(m.statement()).append('\n');
    text.append('\n')
        .append("URI: ").append(m.uri()).append('\n')
        .append("Version: ").append(m.version()).append('\n')
        .append("Chain ID: ").append(m.chainId()).append('\n')
        .append("Nonce: ").append(m.nonce()).append('\n')
        .append("Issued At: ").append(TIME.format(m.issuedAt()));
    if (m.expirationTime() != null) text.append("\nExpiration Time: ").append(TIME.format(m.expirationTime()));
    if (m.notBefore() != null) text.append("\nNot Before: ").append(TIME.format(m.notBefore()));
    if (m.requestId() != null) text.append("\nRequest ID: ").append(m.requestId());
    if (!m.resources().isEmpty()) {
      text.append("\nResources:");
      for (String resource : m.resources()) text.append("\n- ").append(resource);
    }
    return text.toString();
  }

  /** Parses canonical EIP-4361 text; anything else throws {@link SiweFormatException}. */
  public static SiweMessage parse(String text) {
    if (text == null) throw new SiweFormatException("no message");
    Lines lines = new Lines(text.split("\n", -1));
    String header = lines.next("header");
    if (!header.endsWith(HEADER_SUFFIX)) throw new SiweFormatException("line 1 must end with '" + HEADER_SUFFIX.trim() + "'");
    String origin = header.substring(0, header.length() - HEADER_SUFFIX.length());
    String scheme = null;
    String domain = origin;
    int schemeEnd = origin.indexOf("://");
    if (schemeEnd >= 0) {
      scheme = origin.substring(0, schemeEnd);
      domain = origin.substring(schemeEnd + 3);
    }
    String address = lines.next("address");
    lines.expectBlank();
    String statement = null;
    if (!lines.peekIsBlank()) {
      statement = lines.next("statement");
    }
    lines.expectBlank();
    String uri = lines.field("URI: ");
    String version = lines.field("Version: ");
    long chainId = parseChainId(lines.field("Chain ID: "));
    String nonce = lines.field("Nonce: ");
    Instant issuedAt = parseTime("Issued At", lines.field("Issued At: "));
    Instant expirationTime = lines.hasField("Expiration Time: ")
        ? parseTime("Expiration Time", lines.field("Expiration Time: ")) : null;
    Instant notBefore = lines.hasField("Not Before: ") ? parseTime("Not Before", lines.field("Not Before: ")) : null;
    String requestId = lines.hasField("Request ID: ") ? lines.field("Request ID: ") : null;
    List<String> resources = new ArrayList<>();
    if (lines.hasField("Resources:")) {
      if (!lines.next("resources").equals("Resources:")) throw new SiweFormatException("malformed Resources line");
      while (lines.hasMore()) {
        String line = lines.next("resource");
        if (!line.startsWith("- ")) throw new SiweFormatException("a resource line starts with '- '");
        resources.add(line.substring(2));
      }
      if (resources.isEmpty()) throw new SiweFormatException("an empty Resources section is not produced");
    }
    if (lines.hasMore()) throw new SiweFormatException("unexpected text after the last field: " + Texts.abbreviate(lines.peek()));

    SiweMessage message = new SiweMessage(scheme, domain, address, statement, uri, version, chainId, nonce,
        issuedAt, expirationTime, notBefore, requestId, resources);
    if (!format(message).equals(text)) {
      throw new SiweFormatException("not in canonical EIP-4361 form (times as yyyy-MM-ddTHH:mm:ss.SSSZ, no extra whitespace)");
    }
    return message;
  }

  /**
   * Checks a presented (signed) message against the one issued for the challenge, in the order
   * that gives the buyer the most useful answer. Empty means it is the issued message and
   * currently valid; the signature itself is the verifier's business.
   */
  public static Optional<ChallengeProblem> check(String presented, SiweMessage issued, String expectedDomain, Instant now) {
    SiweMessage message;
    try {
      message = parse(presented);
    } catch (SiweFormatException e) {
      return Optional.of(ChallengeProblem.MALFORMED_MESSAGE);
    }
    if (!message.domain().equals(expectedDomain)) return Optional.of(ChallengeProblem.WRONG_DOMAIN);
    if (!message.equals(issued)) return Optional.of(ChallengeProblem.ALTERED_MESSAGE);
    if (message.isExpiredAt(now)) return Optional.of(ChallengeProblem.EXPIRED);
    if (message.isNotYetValidAt(now)) return Optional.of(ChallengeProblem.NOT_YET_VALID);
    return Optional.empty();
  }

  /** A single-use nonce: 16 letters and digits from a CSPRNG (about 95 bits). */
  public static String newNonce() {
    char[] nonce = new char[16];
    for (int i = 0; i < nonce.length; i++) nonce[i] = ALPHANUMERIC[RANDOM.nextInt(ALPHANUMERIC.length)];
    return new String(nonce);
  }

  private static long parseChainId(String text) {
    if (!text.matches("[1-9][0-9]{0,18}")) throw new SiweFormatException("chain id must be a positive decimal: " + Texts.abbreviate(text));
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new SiweFormatException("chain id out of range: " + text);
    }
  }

  private static Instant parseTime(String field, String text) {
    try {
      return DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(text, Instant::from);
    } catch (DateTimeParseException e) {
      throw new SiweFormatException(field + " is not an RFC 3339 date-time: " + Texts.abbreviate(text));
    }
  }

  /** A cursor over the message's lines. */
  private static final class Lines {
    private final String[] lines;
    private int index;

    Lines(String[] lines) {
      this.lines = lines;
    }

    boolean hasMore() { return index < lines.length; }

    String peek() { return lines[index]; }

    boolean peekIsBlank() { return hasMore() && lines[index].isEmpty(); }

    String next(String what) {
      if (!hasMore()) throw new SiweFormatException("message ends before its " + what);
      return lines[index++];
    }

    void expectBlank() {
      if (!next("blank line").isEmpty()) throw new SiweFormatException("expected a blank line at line " + index);
    }

    boolean hasField(String prefix) { return hasMore() && lines[index].startsWith(prefix); }

    String field(String prefix) {
      String line = next(prefix.trim());
      if (!line.startsWith(prefix)) throw new SiweFormatException("expected '" + prefix.trim() + "' at line " + index);
      return line.substring(prefix.length());
    }
  }
}
