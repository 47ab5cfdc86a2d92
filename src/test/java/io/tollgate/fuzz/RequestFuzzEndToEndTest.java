package io.tollgate.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.tollgate.e2e.TollgateFixture;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

/**
 * The fuzz target's short run (issue 22): requests generated from {@code openapi.yaml} by
 * {@link HostileRequests} with a fixed seed, sent on raw sockets to the whole service for
 * {@code tollgate.fuzz.seconds} (30 by default; {@code -Dtollgate.fuzz.seed=N} for another
 * sequence). Not one answer ≥ 500, not one connection left hanging past the configured header read
 * timeout, and the log stays bounded however many bad requests arrive.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RequestFuzzEndToEndTest {
  private static final long SEED = Long.getLong("tollgate.fuzz.seed", 22L);
  private static final long SECONDS = Long.getLong("tollgate.fuzz.seconds", 30L);
  private static final long HEADER_READ_TIMEOUT_MS = 1500;
  /** The server checks its read deadlines four times per timeout: 1.25 times it, plus slack for a shared machine. */
  private static final long PATIENCE_MS = HEADER_READ_TIMEOUT_MS * 5 / 4 + 2500;
  /** Log lines the whole run may write, whatever it sends (one per kind per period is the promise). */
  private static final int MAX_LOG_LINES = 150;

  private TollgateFixture app;
  private HostileRequests.Known known;

  @BeforeAll
  void start() {
    app = TollgateFixture.start(Map.of("http.header-read-timeout-ms", Long.toString(HEADER_READ_TIMEOUT_MS),
        "http.instances", "1"));
    JsonObject checkout = app.newCheckout("1.00", "USDC");
    known = new HostileRequests.Known(checkout.getString("id"), checkout.getString("clientSecret"), app.apiKey);
  }

  @AfterAll
  void stop() {
    app.close();
  }

  @Test
  void noGeneratedRequestEarnsA5xxOrHangsAndTheLogStaysBounded() throws Exception {
    HostileRequests generator = new HostileRequests(ApiOperations.load(), known, SEED);
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    root.addAppender(logged);
    List<String> failures = new ArrayList<>();
    int sent = 0;
    int answered = 0;
    long deadline = System.nanoTime() + SECONDS * 1_000_000_000L;
    try {
      while (System.nanoTime() < deadline) {
        HostileRequests.Case c = generator.next();
        RawHttp.Exchange x = RawHttp.send(app.tollgate.httpPort(), c.bytes(), PATIENCE_MS);
        sent++;
        if (!x.statuses().isEmpty()) answered++;
        if (x.hung()) failures.add("hung " + x.millis() + " ms: " + c.description());
        x.statuses().stream().filter(s -> s >= 500).findFirst()
            .ifPresent(s -> failures.add(s + ": " + c.description() + " -> " + x.firstBytes().lines().findFirst().orElse("")));
      }
    } finally {
      root.detachAppender(logged);
    }
    List<String> lines = logged.list.stream().map(e -> e.getLevel() + " " + e.getLoggerName() + " " + e.getFormattedMessage()).toList();
    System.out.printf("fuzz: seed %d, %d s, %d requests sent, %d answered, %d failures, %d log lines%n",
        SEED, SECONDS, sent, answered, failures.size(), lines.size());
    assertThat(sent).as("the run sent requests").isGreaterThan(100);
    assertThat(failures).as("answers >= 500 or hangs (seed %d)", SEED).isEmpty();
    assertThat(lines.size()).as("log lines of %d hostile requests: %s", sent, lines.stream().limit(20).toList())
        .isLessThanOrEqualTo(MAX_LOG_LINES);
  }
}
