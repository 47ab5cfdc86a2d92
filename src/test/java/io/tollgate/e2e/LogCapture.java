package io.tollgate.e2e;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import io.tollgate.telemetry.LogEncoder;
import java.io.ByteArrayOutputStream;
import org.slf4j.LoggerFactory;

/** The service's log lines, as the shipped encoder writes them in {@code format} (text or json), into a buffer. */
final class LogCapture {
  private LogCapture() {}

  /** Adds an appender to the root logger; the caller stops and detaches it. */
  static OutputStreamAppender<ILoggingEvent> capture(String format, ByteArrayOutputStream sink) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    LogEncoder encoder = new LogEncoder();
    encoder.setContext(context);
    encoder.setFormat(format);
    encoder.start();
    OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
    appender.setContext(context);
    appender.setEncoder(encoder);
    appender.setOutputStream(sink);
    appender.start();
    context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(appender);
    return appender;
  }
}
