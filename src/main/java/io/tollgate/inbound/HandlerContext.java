package io.tollgate.inbound;

import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;

/**
 * What a handler may use. The intake runs each handler inside one database transaction that also
 * marks the event processed: a handler writes only through {@link #connection()}, so its changes
 * and the processed mark commit together or not at all, and a retried event cannot apply twice.
 */
interface HandlerContext {

  /** The connection of the surrounding transaction; never begin or commit on it. */
  SqlConnection connection();

  /** The processing time, from the injected clock. */
  Instant now();
}
