package io.tollgate;

import io.tollgate.config.Settings;
import io.tollgate.dev.AnvilProcess;
import io.tollgate.dev.DevEnvironment;
import io.tollgate.http.hotpath.StatusPollMetrics;
import io.tollgate.merchant.MerchantCli;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.micrometer.backends.BackendRegistries;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Entry point. {@code java -jar tollgate.jar} runs the service (filling in development defaults for
 * whatever conf/tollgate.properties and TOLLGATE_* leave unset); {@code java -jar tollgate.jar
 * merchant create ...} is the operator CLI.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    Settings configured = Settings.load(Path.of(System.getProperty("tollgate.config", "conf/tollgate.properties")),
        System.getenv());
    if (args.length > 0 && args[0].equals("merchant")) {
      System.exit(MerchantCli.run(Arrays.copyOfRange(args, 1, args.length), configured, System.out));
    }
    DevEnvironment dev = new DevEnvironment();
    Settings settings = dev.prepare(configured, AnvilProcess.defaultProjectDir());
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions()
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)).setEnabled(true);
    // Vert.x's Micrometer metrics, except the per-request HTTP meters of status polls (counted cheaply instead)
    Vertx vertx = Vertx.builder().with(new VertxOptions().setMetricsOptions(metrics))
        .withMetrics(new StatusPollMetrics(new MicrometerMetricsFactory(), BackendRegistries::getDefaultNow))
        .build();
    Tollgate.start(vertx, settings)
        .onSuccess(app -> {
          if (!dev.banner().isEmpty()) System.out.println(dev.banner());
          Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close().await();
            dev.close();
          }));
        })
        .onFailure(e -> {
          e.printStackTrace();
          vertx.close();
          dev.close();
          System.exit(1);
        });
  }
}
