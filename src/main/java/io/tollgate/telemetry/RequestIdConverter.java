package io.tollgate.telemetry;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** {@code %requestId} in the text log format: {@code " requestId=<id>"} for a line written for an HTTP request, else nothing. */
public final class RequestIdConverter extends ClassicConverter {
  @Override
  public String convert(ILoggingEvent event) {
    String id = RequestIds.current();
    return id == null ? "" : " requestId=" + id;
  }
}
