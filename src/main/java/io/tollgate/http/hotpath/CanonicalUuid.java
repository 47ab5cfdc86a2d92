package io.tollgate.http.hotpath;

/** The 8-4-4-4-12 hex form of a UUID (either case), checked without a regular expression: it runs on every poll. */
final class CanonicalUuid {
  private CanonicalUuid() {}

  static boolean is(CharSequence value) {
    if (value.length() != 36) return false;
    for (int i = 0; i < 36; i++) {
      char c = value.charAt(i);
      boolean ok = i == 8 || i == 13 || i == 18 || i == 23
          ? c == '-'
          : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      if (!ok) return false;
    }
    return true;
  }
}
