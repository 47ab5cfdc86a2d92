package io.tollgate.cli;

import io.tollgate.config.Settings;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * {@code tollgate healthcheck}: the container's health check (the image has no curl). Asks this
 * host's instance for {@code /health/ready} over plain {@link HttpURLConnection}: no Vert.x, so it
 * starts and answers in well under a second.
 */
final class HealthCheckCommand {
  private static final int TIMEOUT_MS = 3_000;

  private HealthCheckCommand() {}

  static int run(Settings settings, PrintStream out, PrintStream err) {
    int port = settings.integer("http.port", 8080);
    try {
      HttpURLConnection http = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/health/ready").toURL()
          .openConnection();
      http.setConnectTimeout(TIMEOUT_MS);
      http.setReadTimeout(TIMEOUT_MS);
      int status = http.getResponseCode();
      try (InputStream body = status < 400 ? http.getInputStream() : http.getErrorStream()) {
        out.println(body == null ? "HTTP " + status : new String(body.readAllBytes(), StandardCharsets.UTF_8));
      }
      return status == 200 ? 0 : 1;
    } catch (IOException e) {
      err.println("tollgate healthcheck: no answer on port " + port + ": " + e.getMessage());
      return 1;
    }
  }
}
