package io.tollgate.telemetry;

import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import net.logstash.logback.encoder.LogstashEncoder;

/**
 * The log format, chosen by {@code TOLLGATE_LOG_FORMAT} (see logback.xml): {@code json}, one JSON
 * object per line for a log pipeline ({@code @timestamp} in RFC 3339 with the zone, {@code level},
 * {@code logger_name}, {@code message}, every {@code key=value} of the message as a field of its
 * own, {@code requestId}, {@code stack_trace}); or {@code text} (the default), readable lines that
 * start with the same timestamp. An unknown value falls back to text and says so on the first line.
 */
public final class LogEncoder extends EncoderBase<ILoggingEvent> {
  static final String TEXT_PATTERN =
      "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX,UTC} %-5level [%thread] %logger{24} - %msg%requestId%n%ex";

  private String format = "text";
  private Encoder<ILoggingEvent> delegate;
  private String unknownFormat;

  public void setFormat(String format) {
    this.format = format == null ? "text" : format.strip().toLowerCase(Locale.ROOT);
  }

  @Override
  public void start() {
    if (format.equals("json")) {
      LogstashEncoder json = new LogstashEncoder();
      json.setTimeZone("UTC");
      json.addProvider(new RequestIdJsonProvider());
      delegate = json;
    } else {
      if (!format.equals("text")) unknownFormat = format;
      PatternLayout layout = new PatternLayout();
      layout.getInstanceConverterMap().put("requestId", RequestIdConverter::new);
      layout.setPattern(TEXT_PATTERN);
      layout.setContext(getContext());
      layout.start();
      LayoutWrappingEncoder<ILoggingEvent> text = new LayoutWrappingEncoder<>();
      text.setLayout(layout);
      text.setCharset(StandardCharsets.UTF_8);
      delegate = text;
    }
    delegate.setContext(getContext());
    delegate.start();
    super.start();
  }

  @Override
  public void stop() {
    if (delegate != null) delegate.stop();
    super.stop();
  }

  @Override
  public byte[] headerBytes() {
    if (unknownFormat == null) return delegate.headerBytes();
    String warning = "TOLLGATE_LOG_FORMAT=" + unknownFormat + " is neither json nor text: logging text\n";
    unknownFormat = null;
    return warning.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    return delegate.encode(event);
  }

  @Override
  public byte[] footerBytes() {
    return delegate.footerBytes();
  }
}
