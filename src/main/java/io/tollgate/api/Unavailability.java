package io.tollgate.api;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.SocketException;

/**
 * Whether a failure means a dependency could not be reached, not that we misbehaved: the
 * database refusing, resetting or dropping connections, or shutting down. Such failures go on the wire as
 * 503 {@code service_unavailable} with {@code Retry-After}, never as a 500: nothing was changed,
 * and the same request succeeds once the dependency is back.
 */
public final class Unavailability {
  private Unavailability() {}

  /** The 503 to answer for {@code failure}, or null when it is not an unavailable dependency. */
  public static ApiException of(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      // SocketException: refused (ConnectException) or reset mid-query ("Connection reset", seen when
      // PostgreSQL is killed or restarted under load by the fault suite)
      if (t instanceof SocketException || t instanceof ClosedConnectionException) {
        return new ApiException(ErrorCode.UNAVAILABLE, "database unavailable");
      }
      if (t instanceof PgException pg && pg.getSqlState() != null && unavailable(pg.getSqlState())) {
        return new ApiException(ErrorCode.UNAVAILABLE, "database unavailable");
      }
      if (t instanceof PgException pg && ("40001".equals(pg.getSqlState()) || "40P01".equals(pg.getSqlState()))) {
        // Only after the service's own retries (Transactions.retryingConflicts) gave up: nothing was
        // changed, and the same request will go through.
        return new ApiException(ErrorCode.UNAVAILABLE, "concurrent updates kept conflicting");
      }
    }
    return null;
  }

  /** Connection exceptions (08), operator intervention: shutting down (57P01-57P03), too many connections (53300). */
  private static boolean unavailable(String sqlState) {
    return sqlState.startsWith("08") || sqlState.startsWith("57P0") || sqlState.equals("53300");
  }
}
