package io.tollgate.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.pgclient.PgException;
import java.net.ConnectException;
import java.net.SocketException;
import org.junit.jupiter.api.Test;

/** Which failures are a database out of reach (503 with Retry-After) and which are ours (500). */
class UnavailabilityTest {
  @Test
  void refusedResetAndShuttingDownAreUnavailable() {
    assertThat(Unavailability.of(new ConnectException("Connection refused"))).isNotNull();
    // what a query in flight gets when PostgreSQL is killed (fault suite, pg-restart): was a 500
    assertThat(Unavailability.of(new RuntimeException("wrapped", new SocketException("Connection reset")))).isNotNull();
    assertThat(Unavailability.of(new PgException("terminating connection", "FATAL", "57P01", null))).isNotNull();
    assertThat(Unavailability.of(new PgException("too many", "FATAL", "53300", null)).error()).isEqualTo(ErrorCode.UNAVAILABLE);
  }

  @Test
  void ourOwnFaultsAreNot() {
    assertThat(Unavailability.of(new IllegalStateException("bug"))).isNull();
    assertThat(Unavailability.of(new PgException("syntax", "ERROR", "42601", null))).isNull();
  }
}
