package io.tollgate.ratelimit;

/**
 * IP address literals to bytes and back, without {@link java.net.InetAddress#getByName}: that
 * method falls back to a DNS lookup for anything that is not a literal, which would let a header
 * value make the event loop block on the resolver.
 */
final class IpLiterals {
  private static final int MAX_LENGTH = 64;

  private IpLiterals() {}

  /**
   * 4 bytes for IPv4, 16 for IPv6, or null when {@code text} is not a literal. IPv4-mapped IPv6
   * ({@code ::ffff:192.0.2.1}) becomes its 4-byte IPv4 address so one client gets one bucket
   * whichever way its stack spells it. A zone ({@code %eth0}) is dropped.
   */
  static byte[] parse(String text) {
    if (text == null || text.isEmpty() || text.length() > MAX_LENGTH) return null;
    if (text.indexOf(':') < 0) return parseV4(text);
    byte[] v6 = parseV6(text);
    return v6 != null && isV4Mapped(v6) ? java.util.Arrays.copyOfRange(v6, 12, 16) : v6;
  }

  /** Dotted quad, or RFC 5952 text for IPv6 (lower case, longest zero run as "::"). */
  static String format(byte[] address) {
    if (address.length == 4) {
      return (address[0] & 0xff) + "." + (address[1] & 0xff) + "." + (address[2] & 0xff) + "." + (address[3] & 0xff);
    }
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) groups[i] = ((address[2 * i] & 0xff) << 8) | (address[2 * i + 1] & 0xff);
    int bestStart = -1;
    int bestLength = 1; // RFC 5952: a single zero group is not shortened
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && groups[j] == 0) j++;
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j;
    }
    StringBuilder out = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        out.append("::");
        i += bestLength - 1;
        continue;
      }
      if (out.length() > 0 && out.charAt(out.length() - 1) != ':') out.append(':');
      out.append(Integer.toHexString(groups[i]));
    }
    return out.toString();
  }

  private static byte[] parseV4(String text) {
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) return null;
    byte[] out = new byte[4];
    for (int i = 0; i < 4; i++) {
      String part = parts[i];
      // A leading zero reads as octal to some stacks and decimal to others: refuse the ambiguity.
      if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0')) return null;
      int value = 0;
      for (int k = 0; k < part.length(); k++) {
        char c = part.charAt(k);
        if (c < '0' || c > '9') return null;
        value = value * 10 + (c - '0');
      }
      if (value > 255) return null;
      out[i] = (byte) value;
    }
    return out;
  }

  private static byte[] parseV6(String text) {
    int zone = text.indexOf('%');
    if (zone >= 0) {
      if (zone == text.length() - 1) return null;
      text = text.substring(0, zone);
    }
    byte[] v4Tail = null;
    if (text.indexOf('.') >= 0) {
      int lastColon = text.lastIndexOf(':');
      v4Tail = parseV4(text.substring(lastColon + 1));
      if (v4Tail == null) return null;
      // Stand-in groups keep the counting below uniform; the real bytes are put back at the end.
      text = text.substring(0, lastColon + 1) + "0:0";
    }
    int gap = text.indexOf("::");
    if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) return null;
    int[] head = groups(gap < 0 ? text : text.substring(0, gap));
    int[] tail = gap < 0 ? new int[0] : groups(text.substring(gap + 2));
    if (head == null || tail == null) return null;
    if (gap < 0 ? head.length != 8 : head.length + tail.length > 7) return null;
    byte[] out = new byte[16];
    for (int i = 0; i < head.length; i++) putGroup(out, i, head[i]);
    for (int i = 0; i < tail.length; i++) putGroup(out, 8 - tail.length + i, tail[i]);
    if (v4Tail != null) System.arraycopy(v4Tail, 0, out, 12, 4);
    return out;
  }

  private static int[] groups(String text) {
    if (text.isEmpty()) return new int[0];
    String[] parts = text.split(":", -1);
    int[] out = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i];
      if (part.isEmpty() || part.length() > 4) return null;
      int value = 0;
      for (int k = 0; k < part.length(); k++) {
        int digit = hexDigit(part.charAt(k));
        if (digit < 0) return null;
        value = (value << 4) | digit;
      }
      out[i] = value;
    }
    return out;
  }

  // Character.digit would accept non-ASCII digits, which no address contains.
  private static int hexDigit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  private static void putGroup(byte[] out, int index, int value) {
    out[2 * index] = (byte) (value >>> 8);
    out[2 * index + 1] = (byte) value;
  }

  private static boolean isV4Mapped(byte[] v6) {
    for (int i = 0; i < 10; i++) if (v6[i] != 0) return false;
    return (v6[10] & 0xff) == 0xff && (v6[11] & 0xff) == 0xff;
  }
}
