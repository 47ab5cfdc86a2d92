package io.tollgate.signature;

import java.util.HexFormat;

/** Strict hex: "0x" then an even number of hex digits. web3j's Numeric is lenient by design. */
final class Hex {
  private static final HexFormat LOWER = HexFormat.of();

  private Hex() {}

  /** The bytes, or null when the text is not strict 0x-prefixed even-length hex. */
  static byte[] decodeOrNull(String text) {
    if (text == null || text.length() < 2 || text.charAt(0) != '0' || text.charAt(1) != 'x'
        || (text.length() & 1) != 0) {
      return null;
    }
    for (int i = 2; i < text.length(); i++) {
      if (Character.digit(text.charAt(i), 16) < 0) return null;
    }
    return LOWER.parseHex(text, 2, text.length());
  }

  static byte[] decode(String text) {
    byte[] bytes = decodeOrNull(text);
    if (bytes == null) throw new IllegalArgumentException("not 0x-prefixed hex: " + abbreviate(text));
    return bytes;
  }

  static String encode(byte[] bytes) {
    return "0x" + LOWER.formatHex(bytes);
  }

  static String abbreviate(String text) {
    if (text == null) return "null";
    return text.length() <= 80 ? text : text.substring(0, 77) + "...";
  }
}
