package io.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * An orderly stop (a deploy, a scale-down) is routine: operators alert on ERROR, so stopping an
 * instance that leads the single-instance work and listens for status notifications must not log
 * one.
 */
class OrderlyStopEndToEndTest {

  @Test
  void shouldStopTheLeadingInstanceWithoutLoggingAnError() {
    try (TollgateFixture fixture = TollgateFixture.start()) {
      Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
      ListAppender<ILoggingEvent> logged = new ListAppender<>();
      logged.start();
      root.addAppender(logged);
      try {
        // the only instance: it leads, and its status feed is subscribed
        fixture.firstInstance().close();
      } finally {
        root.detachAppender(logged);
      }
      assertThat(logged.list).filteredOn(event -> event.getLevel().isGreaterOrEqual(Level.ERROR))
          .extracting(event -> event.getLoggerName() + ": " + event.getFormattedMessage())
          .isEmpty();
    }
  }
}
