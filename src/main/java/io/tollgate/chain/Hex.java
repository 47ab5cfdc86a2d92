package io.tollgate.chain;

import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.util.HexFormat;

/**
 * Strict readers for the hex encodings of Ethereum JSON-RPC. Anything else is a
 * {@link ChainDataException}: a lenient parser ({@code new BigInteger(s, 16)} accepts signs, and
 * web3j's decoders accept missing prefixes) would let a broken node's answer decide a payment.
 */
public final class Hex {
  private static final int MAX_QUANTITY_DIGITS = 64; // uint256
  private static final HexFormat LOWER = HexFormat.of();

  private Hex() {}

  /**
   * A QUANTITY: {@code 0x} followed by 1 to 64 hex digits. Leading zeros are tolerated although the
   * spec forbids them: the value is still unambiguous, and refusing it would stall payments forever
   * on a node that pads.
   */
  public static BigInteger quantity(String hex) {
    if (hex == null || hex.length() < 3 || hex.length() > 2 + MAX_QUANTITY_DIGITS || !hex.startsWith("0x")) {
      throw new ChainDataException("not a hex quantity: " + abbreviate(hex));
    }
    for (int i = 2; i < hex.length(); i++) {
      if (Character.digit(hex.charAt(i), 16) < 0) throw new ChainDataException("not a hex quantity: " + abbreviate(hex));
    }
    return new BigInteger(hex.substring(2), 16);
  }

  /** A quantity that must fit a long (block numbers, timestamps). */
  public static long longQuantity(String hex) {
    BigInteger value = quantity(hex);
    if (value.bitLength() > 63) throw new ChainDataException("quantity too large: " + abbreviate(hex));
    return value.longValue();
  }

  /** Encodes a non-negative long as a QUANTITY (no leading zeros, as the spec requires of us). */
  public static String quantity(long value) {
    if (value < 0) throw new IllegalArgumentException("negative quantity " + value);
    return "0x" + Long.toHexString(value);
  }

  /** DATA of exactly {@code bytes} bytes, returned lowercase. */
  public static String data(String hex, int bytes) {
    if (hex == null || hex.length() != 2 + 2 * bytes || !hex.startsWith("0x")) {
      throw new ChainDataException("not " + bytes + " bytes of hex: " + abbreviate(hex));
    }
    for (int i = 2; i < hex.length(); i++) {
      if (Character.digit(hex.charAt(i), 16) < 0) throw new ChainDataException("not hex: " + abbreviate(hex));
    }
    return hex.toLowerCase(java.util.Locale.ROOT);
  }

  /** A 20-byte address, lowercase (addresses are compared case-insensitively: checksums are case). */
  public static String address(String hex) {
    return data(hex, 20);
  }

  /** A 32-byte hash, lowercase. */
  public static String hash(String hex) {
    return data(hex, 32);
  }

  /** A required string member of a node's JSON object. */
  public static String member(JsonObject json, String name) {
    Object value = json.getValue(name);
    if (!(value instanceof String text)) throw new ChainDataException("missing or non-string field " + name);
    return text;
  }

  /** The bytes, or null when the text is not strict 0x-prefixed even-length hex (web3j's Numeric is lenient by design). */
  public static byte[] decodeOrNull(String text) {
    if (text == null || text.length() < 2 || text.charAt(0) != '0' || text.charAt(1) != 'x'
        || (text.length() & 1) != 0) {
      return null;
    }
    for (int i = 2; i < text.length(); i++) {
      if (Character.digit(text.charAt(i), 16) < 0) return null;
    }
    return LOWER.parseHex(text, 2, text.length());
  }

  /** Strict 0x-prefixed even-length hex as bytes; anything else is an {@link IllegalArgumentException}. */
  public static byte[] decode(String text) {
    byte[] bytes = decodeOrNull(text);
    if (bytes == null) throw new IllegalArgumentException("not 0x-prefixed hex: " + abbreviateBytes(text));
    return bytes;
  }

  /** 0x-prefixed lowercase hex of the bytes. */
  public static String encode(byte[] bytes) {
    return "0x" + LOWER.formatHex(bytes);
  }

  private static String abbreviateBytes(String text) {
    if (text == null) return "null";
    return text.length() <= 80 ? text : text.substring(0, 77) + "...";
  }

  static String abbreviate(String text) {
    if (text == null) return "null";
    return text.length() <= 80 ? text : text.substring(0, 80) + "…";
  }
}
