package io.tollgate;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import java.time.Duration;
import java.util.stream.Stream;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tollgate.http.hotpath.StatusPollMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.util.EnumSet;

/**
 * The Vert.x that {@code serve} and {@code dev} run on: Micrometer metrics scraped as Prometheus
 * text at {@code /metrics}, with JVM metrics, HTTP server metrics labelled by route (the OpenAPI
 * path template, never the raw path, so checkout ids do not become label values), and status
 * polls counted cheaply instead ({@link StatusPollMetrics}).
 */
public final class VertxRuntime {
  private VertxRuntime() {}

  /** Histogram buckets for the per-route response times, so dashboards can show percentiles per route. */
  private static final MeterFilter RESPONSE_TIME_BUCKETS = new MeterFilter() {
    @Override
    public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
      if (!id.getName().equals("vertx.http.server.response.time")) return config;
      return DistributionStatisticConfig.builder()
          .serviceLevelObjectives(Stream.of(5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 15000)
              .mapToDouble(ms -> Duration.ofMillis(ms).toNanos()).toArray())
          .build().merge(config);
    }
  };

  public static Vertx create() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(RESPONSE_TIME_BUCKETS);
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions()
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
        .setJvmMetricsEnabled(true)
        .setLabels(EnumSet.of(Label.HTTP_ROUTE, Label.HTTP_METHOD, Label.HTTP_CODE, Label.POOL_TYPE, Label.POOL_NAME,
            Label.EB_SIDE))
        .setEnabled(true);
    return Vertx.builder().with(new VertxOptions().setMetricsOptions(metrics))
        .withMetrics(new StatusPollMetrics(new MicrometerMetricsFactory(registry), () -> registry))
        .build();
  }
}
