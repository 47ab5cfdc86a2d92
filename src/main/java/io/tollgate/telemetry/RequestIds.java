package io.tollgate.telemetry;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The id of the HTTP request being handled, for log lines and the {@code X-Request-Id} answer
 * header. Vert.x handles each request on a context of its own (a duplicate of the event loop's),
 * and the futures of that request's work complete on it, so the id stored there is found by every
 * log line written on the request's behalf, however many database round trips later.
 *
 * <p>A caller's own id is kept when it is sane (1 to 64 characters of letters, digits and
 * {@code . _ : -}), so a load balancer's or a shop's id correlates across systems; anything else is
 * replaced. New ids are this process's random prefix and a counter: unique across instances
 * without a random draw per request.
 */
public final class RequestIds {
  public static final String HEADER = "X-Request-Id";
  private static final String KEY = "tollgate.requestId";
  private static final int MAX_LENGTH = 64;
  private static final String PREFIX = HexFormat.of().formatHex(new SecureRandom().generateSeed(4)) + "-";
  private static final AtomicLong NEXT = new AtomicLong();

  private RequestIds() {}

  /** {@code offered} if it is a sane id, else a new one. */
  public static String acceptOrCreate(String offered) {
    return sane(offered) ? offered : PREFIX + Long.toHexString(NEXT.incrementAndGet());
  }

  static boolean sane(String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) return false;
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '.' || c == '_' || c == ':' || c == '-';
      if (!ok) return false;
    }
    return true;
  }

  /** Remembers {@code id} for the request handled on the current (duplicated) context; elsewhere does nothing. */
  public static void bind(String id) {
    Context context = Vertx.currentContext();
    if (context instanceof ContextInternal internal && internal.isDuplicate()) {
      internal.localContextData().put(KEY, id);
    }
  }

  /** The id of the request the current thread works for, or null. */
  public static String current() {
    Context context = Vertx.currentContext();
    if (context instanceof ContextInternal internal && internal.isDuplicate()) {
      Object id = internal.localContextData().get(KEY);
      return id instanceof String s ? s : null;
    }
    return null;
  }
}
