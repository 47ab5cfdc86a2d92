package io.tollgate.signature;

/** Text shortened for error messages (the hex readers themselves are {@link io.tollgate.chain.Hex}). */
final class Texts {
  private Texts() {}

  static String abbreviate(String text) {
    if (text == null) return "null";
    return text.length() <= 80 ? text : text.substring(0, 77) + "...";
  }
}
