package io.tollgate.http.hotpath;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.core.spi.metrics.ClientMetrics;
import io.vertx.core.spi.metrics.DatagramSocketMetrics;
import io.vertx.core.spi.metrics.EventBusMetrics;
import io.vertx.core.spi.metrics.HttpClientMetrics;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.metrics.PoolMetrics;
import io.vertx.core.spi.metrics.TCPMetrics;
import io.vertx.core.spi.metrics.VertxMetrics;
import io.vertx.core.spi.observability.HttpRequest;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Vert.x's metrics (Micrometer, from {@code delegate}) with one exception: status polls get no
 * per-request HTTP server meters. For every request Vert.x's Micrometer HTTP server metrics look
 * up five tagged meters in the registry (active requests, requests, response time, request and
 * response bytes), building a meter id for each; on the poll path that cost as much as a tenth of
 * a poll (JFR). Polls are counted instead in {@code tollgate_status_polls_total{code}}, one
 * {@link LongAdder} per status code. Every other request and every other Vert.x metric is
 * unchanged. What counts as a poll is decided when the request begins, before any handler, from
 * its method and URI alone: {@code GET /v1/checkouts/<36 characters>/status} without a query.
 */
public final class StatusPollMetrics implements VertxMetricsFactory {
  static final String PREFIX = "/v1/checkouts/";
  static final String SUFFIX = "/status";

  private final VertxMetricsFactory delegate;
  private final Supplier<MeterRegistry> registry;

  /** @param registry where the poll counters go, asked on the first poll of each status code */
  public StatusPollMetrics(VertxMetricsFactory delegate, Supplier<MeterRegistry> registry) {
    this.delegate = delegate;
    this.registry = registry;
  }

  @Override
  public VertxMetrics metrics(VertxOptions options) {
    return new Metrics(delegate.metrics(options), new PollCounts(registry));
  }

  static boolean isStatusPoll(HttpRequest request) {
    String uri = request.uri();
    return request.method() == HttpMethod.GET && uri.length() == PREFIX.length() + 36 + SUFFIX.length()
        && uri.startsWith(PREFIX) && uri.endsWith(SUFFIX);
  }

  /** Polls answered, by status code; each code's counter is registered on its first poll. */
  static final class PollCounts {
    private final Supplier<MeterRegistry> registry;
    private final AtomicReferenceArray<LongAdder> byCode = new AtomicReferenceArray<>(600);

    PollCounts(Supplier<MeterRegistry> registry) {
      this.registry = registry;
    }

    void count(int statusCode) {
      int code = statusCode >= 100 && statusCode < 600 ? statusCode : 0;
      LongAdder adder = byCode.get(code);
      if (adder == null) adder = register(code);
      adder.increment();
    }

    private synchronized LongAdder register(int code) {
      LongAdder adder = byCode.get(code);
      if (adder != null) return adder;
      adder = new LongAdder();
      MeterRegistry target = registry.get();
      if (target != null) {
        FunctionCounter.builder("tollgate.status.polls", adder, LongAdder::sum)
            .description("status polls answered (GET /v1/checkouts/{id}/status), by status code; "
                + "they are not in the vertx_http_server_* metrics")
            .tag("code", code == 0 ? "other" : Integer.toString(code)).register(target);
      }
      byCode.set(code, adder);
      return adder;
    }
  }

  /** The delegate's metrics, with the HTTP server's wrapped in {@link PollSkippingServerMetrics}. */
  private record Metrics(VertxMetrics delegate, PollCounts polls) implements VertxMetrics {
    @Override
    public HttpServerMetrics<?, ?, ?> createHttpServerMetrics(HttpServerOptions options, SocketAddress localAddress) {
      HttpServerMetrics<?, ?, ?> server = delegate.createHttpServerMetrics(options, localAddress);
      return server == null ? null : new PollSkippingServerMetrics(server, polls);
    }

    @Override
    public EventBusMetrics<?> createEventBusMetrics() {
      return delegate.createEventBusMetrics();
    }

    @Override
    public ClientMetrics<?, ?, ?> createClientMetrics(SocketAddress remoteAddress, String type, String namespace) {
      return delegate.createClientMetrics(remoteAddress, type, namespace);
    }

    @Override
    public HttpClientMetrics<?, ?, ?> createHttpClientMetrics(HttpClientOptions options) {
      return delegate.createHttpClientMetrics(options);
    }

    @Override
    public TCPMetrics<?> createNetServerMetrics(NetServerOptions options, SocketAddress localAddress) {
      return delegate.createNetServerMetrics(options, localAddress);
    }

    @Override
    public TCPMetrics<?> createNetClientMetrics(NetClientOptions options) {
      return delegate.createNetClientMetrics(options);
    }

    @Override
    public DatagramSocketMetrics createDatagramSocketMetrics(DatagramSocketOptions options) {
      return delegate.createDatagramSocketMetrics(options);
    }

    @Override
    public PoolMetrics<?, ?> createPoolMetrics(String type, String name, int maxSize) {
      return delegate.createPoolMetrics(type, name, maxSize);
    }

    @Override
    public void vertxCreated(Vertx vertx) {
      delegate.vertxCreated(vertx);
    }

    @Override
    public boolean isMetricsEnabled() {
      return delegate.isMetricsEnabled();
    }

    @Override
    public void close() {
      delegate.close();
    }
  }
}
