package io.tollgate.api;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Every timestamp Tollgate sends: RFC 3339 in UTC with exactly three fraction digits
 * ({@code 2026-01-02T03:04:05.000Z}), API responses and webhook bodies alike, so a shop parses one
 * shape everywhere (a plain {@link Instant#toString} drops the fraction on whole seconds).
 */
public final class Rfc3339 {
  private static final DateTimeFormatter MILLIS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
      .withZone(ZoneOffset.UTC);

  private Rfc3339() {}

  public static String format(Instant t) {
    return t == null ? null : MILLIS.format(t);
  }

  public static String format(OffsetDateTime t) {
    return t == null ? null : MILLIS.format(t.toInstant());
  }

  public static String ofEpochMillis(long millis) {
    return MILLIS.format(Instant.ofEpochMilli(millis));
  }
}
